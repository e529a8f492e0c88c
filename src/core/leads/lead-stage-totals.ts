/**
 * Live leads and their value per stage and currency, kept in `lead_stage_totals` by every write
 * that adds, removes or moves a lead (in the write's transaction), so the board's `leadCount` and
 * the dashboard's per-stage sums read a few rows rather than every lead of the workspace. The same
 * writes keep the per-creation-day totals of the pipeline cohorts (lead-cohorts.ts).
 */
import { sql } from "kysely";
import type { Executor, Scope, Trx } from "../core.js";
import { addBulkHistories, addToCohortTotals, cohortPeriods, stageAgeMs } from "./lead-cohorts.js";

/** What a lead adds to its stage's totals. */
export interface StageShare {
  stageId: string | null;
  currency: string | null;
  valueMinor: number | null;
  createdAt: string;
  stageChangedAt: string | null;
}

/** Adds `count` leads worth `valueMinor` in all to a stage's totals (negative numbers remove). */
export async function addToStageTotals(
  trx: Trx,
  workspaceId: string,
  stageId: string,
  currency: string | null,
  count: number,
  valueMinor: number,
): Promise<void> {
  await trx
    .insertInto("lead_stage_totals")
    .values({
      workspace_id: workspaceId,
      stage_id: stageId,
      currency: currency ?? "",
      lead_count: count,
      value_minor: valueMinor,
    })
    .onConflict((conflict) =>
      conflict.columns(["workspace_id", "stage_id", "currency"]).doUpdateSet({
        lead_count: sql<number>`lead_stage_totals.lead_count + ${count}`,
        value_minor: sql<number>`lead_stage_totals.value_minor + ${valueMinor}`,
      }),
    )
    .execute();
}

/**
 * Adds lead rows written in bulk (not through the service), with the stage moves written for them,
 * to the board's totals and the pipeline cohorts: one upsert per stage and currency (and per
 * creation day, path or stage for the cohorts).
 */
export async function addLeadRowsToStageTotals(
  trx: Trx,
  workspaceId: string,
  leads: {
    stage_id?: string | null;
    currency?: string | null;
    value_minor?: number | null;
    created_at: string;
    id: string;
    stage_changed_at?: string | null;
  }[],
  moves: Parameters<typeof addBulkHistories>[3] = [],
): Promise<void> {
  type Sum = { stageId: string; currency: string | null; count: number; valueMinor: number; ageMs: number };
  const board = new Map<string, Sum>();
  const cohorts = new Map<string, Sum & { period: string }>();
  const add = <T extends Sum>(sums: Map<string, T>, key: string, fresh: T, lead: (typeof leads)[number]) => {
    const sum = sums.get(key) ?? fresh;
    sum.count += 1;
    sum.valueMinor += lead.value_minor ?? 0;
    sum.ageMs += stageAgeMs({ createdAt: lead.created_at, stageChangedAt: lead.stage_changed_at ?? null });
    sums.set(key, sum);
  };
  for (const lead of leads) {
    if (!lead.stage_id) continue;
    const fresh = {
      stageId: lead.stage_id,
      currency: lead.currency ?? null,
      count: 0,
      valueMinor: 0,
      ageMs: 0,
    };
    const key = `${lead.stage_id}\u0000${lead.currency ?? ""}`;
    add(board, key, { ...fresh }, lead);
    for (const period of cohortPeriods(lead.created_at)) {
      add(cohorts, `${period}\u0000${key}`, { ...fresh, period }, lead);
    }
  }
  for (const sum of board.values()) {
    await addToStageTotals(trx, workspaceId, sum.stageId, sum.currency, sum.count, sum.valueMinor);
  }
  for (const sum of cohorts.values()) await addToCohortTotals(trx, workspaceId, [sum.period], sum);
  await addBulkHistories(trx, workspaceId, leads, moves);
}

/** Adds (`sign` 1) or removes (`sign` -1) one lead's share of its stage's totals. */
export async function shiftStageTotals(trx: Trx, workspaceId: string, share: StageShare, sign: 1 | -1) {
  if (share.stageId === null) return;
  const valueMinor = sign * (share.valueMinor ?? 0);
  await addToStageTotals(trx, workspaceId, share.stageId, share.currency, sign, valueMinor);
  await addToCohortTotals(trx, workspaceId, cohortPeriods(share.createdAt), {
    stageId: share.stageId,
    currency: share.currency,
    count: sign,
    valueMinor,
    ageMs: sign * stageAgeMs(share),
  });
}

/** Moves a lead's share when its stage, value or currency changed. */
export async function moveStageShare(trx: Trx, workspaceId: string, before: StageShare, after: StageShare) {
  if (
    before.stageId === after.stageId &&
    before.currency === after.currency &&
    before.valueMinor === after.valueMinor &&
    before.stageChangedAt === after.stageChangedAt
  ) {
    return;
  }
  await shiftStageTotals(trx, workspaceId, before, -1);
  await shiftStageTotals(trx, workspaceId, after, 1);
}

export interface StageTotal {
  stageId: string;
  /** null for leads without a value. */
  currency: string | null;
  count: number;
  valueMinor: number;
}

/** The workspace's totals, rows with no lead left omitted. */
export async function readStageTotals(db: Executor, scope: Scope): Promise<StageTotal[]> {
  const rows = await db
    .selectFrom("lead_stage_totals")
    .select(["stage_id", "currency", "lead_count", "value_minor"])
    .where("workspace_id", "=", scope.workspaceId)
    .where("lead_count", ">", 0)
    .execute();
  return rows.map((row) => ({
    stageId: row.stage_id,
    currency: row.currency === "" ? null : row.currency,
    count: Number(row.lead_count),
    valueMinor: Number(row.value_minor),
  }));
}
