/**
 * Live leads and their value per stage and currency, kept in `lead_stage_totals` by every write
 * that adds, removes or moves a lead (in the write's transaction), so the board's `leadCount` and
 * the dashboard's per-stage sums read a few rows rather than every lead of the workspace.
 */
import { sql } from "kysely";
import type { Executor, Scope, Trx } from "../core.js";

/** What a lead adds to its stage's totals. */
export interface StageShare {
  stageId: string | null;
  currency: string | null;
  valueMinor: number | null;
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

/** Adds lead rows written in bulk (not through the service) to the totals, one upsert per stage and currency. */
export async function addLeadRowsToStageTotals(
  trx: Trx,
  workspaceId: string,
  leads: { stage_id?: string | null; currency?: string | null; value_minor?: number | null }[],
): Promise<void> {
  const shares = new Map<
    string,
    { stageId: string; currency: string | null; count: number; value: number }
  >();
  for (const lead of leads) {
    if (!lead.stage_id) continue;
    const key = `${lead.stage_id}\u0000${lead.currency ?? ""}`;
    const share = shares.get(key) ?? {
      stageId: lead.stage_id,
      currency: lead.currency ?? null,
      count: 0,
      value: 0,
    };
    share.count += 1;
    share.value += lead.value_minor ?? 0;
    shares.set(key, share);
  }
  for (const share of shares.values()) {
    await addToStageTotals(trx, workspaceId, share.stageId, share.currency, share.count, share.value);
  }
}

/** Adds (`sign` 1) or removes (`sign` -1) one lead's share of its stage's totals. */
export async function shiftStageTotals(trx: Trx, workspaceId: string, share: StageShare, sign: 1 | -1) {
  if (share.stageId === null) return;
  await addToStageTotals(
    trx,
    workspaceId,
    share.stageId,
    share.currency,
    sign,
    sign * (share.valueMinor ?? 0),
  );
}

/** Moves a lead's share when its stage, value or currency changed. */
export async function moveStageShare(trx: Trx, workspaceId: string, before: StageShare, after: StageShare) {
  if (
    before.stageId === after.stageId &&
    before.currency === after.currency &&
    before.valueMinor === after.valueMinor
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
