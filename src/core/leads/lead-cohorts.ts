/**
 * Pipeline cohorts: the live leads' pipeline figures per UTC day and per UTC month of their
 * creation (each lead counts in one `period` of each kind: 'D2026-03-01' and 'M2026-03'), kept in
 * each write's transaction so pipeline analytics read a few rows per month and day of their range,
 * not every lead and stage move (migration 12 describes the tables).
 *
 * - Totals (stage, currency, count, value, summed age in the current stage) follow the board's
 *   totals: lead-stage-totals.ts adds to both.
 * - A lead's path (the set of stages it ever stood in) and its completed stays change when it
 *   moves (`recordMoveInCohorts`, fed by the move's own figures) and leave or return with the lead
 *   on delete and restore (`shiftLeadHistory`, recomputed from its recorded moves).
 *
 * A stay is entered by the lead's creation or a move and ended by its next move; the stages of a
 * lead's path are its creation stage, every move's from and to stage, and its current stage. The
 * analytics recompute the same figures from the raw rows for partial days, and a test checks the
 * kept rows against that recomputation after every kind of write.
 */
import { sql } from "kysely";
import { prepared } from "../../db/prepared.js";
import type { Executor, Trx } from "../core.js";

/** The two cohorts a lead belongs to: the UTC day and the UTC month of its creation. */
export const cohortPeriods = (createdAt: string): [day: string, month: string] => [
  `D${createdAt.slice(0, 10)}`,
  `M${createdAt.slice(0, 7)}`,
];

/** A set of stages as stored: the ids sorted and joined by ','. */
export const pathKey = (stageIds: Iterable<string>): string => [...new Set(stageIds)].sort().join(",");

const millisBetween = (later: string, earlier: string): number => Date.parse(later) - Date.parse(earlier);

type CohortTable = "lead_cohort_totals" | "lead_cohort_paths" | "lead_cohort_stays";

/**
 * An upsert into a cohort table, prepared once: one row per period (a lead's two, or the one a
 * bulk sum is for) in a single statement, each adding its `summed` columns to an existing row's.
 */
function cohortUpsert(table: CohortTable, keys: readonly string[], summed: readonly string[]) {
  const columns = [...keys, ...summed].filter((column) => column !== "period");
  return prepared((db, p: Record<string, string | number>, periods: number) =>
    db
      .insertInto(table)
      .values(
        Array.from({ length: periods }, (_, index) => ({
          ...Object.fromEntries(columns.map((column) => [column, p[column]])),
          period: p[`period${index}`],
        })) as never,
      )
      .onConflict((conflict) =>
        conflict
          .columns(keys as never)
          .doUpdateSet(
            Object.fromEntries(
              summed.map((column) => [
                column,
                sql`${sql.ref(`${table}.${column}`)} + ${sql.ref(`excluded.${column}`)}`,
              ]),
            ) as never,
          ),
      ),
  );
}

type CohortUpsert = ReturnType<typeof cohortUpsert>;

async function addToRow(
  trx: Trx,
  upsert: CohortUpsert,
  periods: readonly string[],
  row: Record<string, string | number>,
): Promise<void> {
  const params: Record<string, string | number> = { ...row };
  periods.forEach((period, index) => {
    params[`period${index}`] = period;
  });
  await upsert(trx, params, periods.length);
}

const upsertTotals = cohortUpsert(
  "lead_cohort_totals",
  ["workspace_id", "period", "stage_id", "currency"],
  ["lead_count", "value_minor", "stage_age_ms"],
);
const upsertPath = cohortUpsert("lead_cohort_paths", ["workspace_id", "period", "stage_ids"], ["lead_count"]);
const upsertStays = cohortUpsert(
  "lead_cohort_stays",
  ["workspace_id", "period", "stage_id"],
  ["stay_count", "stay_ms"],
);

/**
 * Adds `count` leads (negative removes) of one stage and currency to the cohort totals of the
 * given periods.
 */
export function addToCohortTotals(
  trx: Trx,
  workspaceId: string,
  periods: readonly string[],
  share: { stageId: string; currency: string | null; count: number; valueMinor: number; ageMs: number },
): Promise<void> {
  return addToRow(trx, upsertTotals, periods, {
    workspace_id: workspaceId,
    stage_id: share.stageId,
    currency: share.currency ?? "",
    lead_count: share.count,
    value_minor: share.valueMinor,
    stage_age_ms: share.ageMs,
  });
}

/** A lead's age in its current stage, as the totals sum it. */
export const stageAgeMs = (lead: { createdAt: string; stageChangedAt: string | null }): number =>
  millisBetween(lead.stageChangedAt ?? lead.createdAt, lead.createdAt);

function addToPath(trx: Trx, workspaceId: string, periods: readonly string[], path: string, count: number) {
  return addToRow(trx, upsertPath, periods, {
    workspace_id: workspaceId,
    stage_ids: path,
    lead_count: count,
  });
}

function addToStays(
  trx: Trx,
  workspaceId: string,
  periods: readonly string[],
  stageId: string,
  count: number,
  ms: number,
) {
  return addToRow(trx, upsertStays, periods, {
    workspace_id: workspaceId,
    stage_id: stageId,
    stay_count: count,
    stay_ms: ms,
  });
}

/** A new lead (no moves yet): its path is its stage. */
export function addNewLeadPath(
  trx: Trx,
  workspaceId: string,
  lead: { createdAt: string; stageId: string },
): Promise<void> {
  return addToPath(trx, workspaceId, cohortPeriods(lead.createdAt), pathKey([lead.stageId]), 1);
}

interface RecordedMove {
  from_stage_id: string | null;
  to_stage_id: string;
  moved_at: string;
}

function readMoves(trx: Executor, workspaceId: string, leadId: string): Promise<RecordedMove[]> {
  return trx
    .selectFrom("lead_stage_moves")
    .select(["from_stage_id", "to_stage_id", "moved_at"])
    .where("workspace_id", "=", workspaceId)
    .where("lead_id", "=", leadId)
    .orderBy("moved_at")
    .orderBy("id")
    .execute();
}

interface LeadHistory {
  path: string;
  stays: { stageId: string; ms: number }[];
}

/** A lead's path and completed stays from its row and its moves in order. */
function historyOf(
  lead: { createdAt: string; stageId: string | null },
  moves: readonly RecordedMove[],
): LeadHistory {
  const stages: string[] = lead.stageId ? [lead.stageId] : [];
  const stays: LeadHistory["stays"] = [];
  let enteredAt = lead.createdAt;
  for (const move of moves) {
    stages.push(move.to_stage_id);
    if (move.from_stage_id !== null) {
      stages.push(move.from_stage_id);
      stays.push({ stageId: move.from_stage_id, ms: millisBetween(move.moved_at, enteredAt) });
    }
    enteredAt = move.moved_at;
  }
  return { path: pathKey(stages), stays };
}

/**
 * A live lead moves from its current stage (entered at `stageChangedAt`) to `toStageId` at `at`:
 * the stay in the stage it leaves is completed and the path gains the new stage. Call before the
 * move is recorded.
 */
export async function recordMoveInCohorts(
  trx: Trx,
  workspaceId: string,
  lead: { id: string; createdAt: string; stageId: string | null; stageChangedAt: string | null },
  toStageId: string,
  at: string,
): Promise<void> {
  const periods = cohortPeriods(lead.createdAt);
  const before = historyOf(lead, await readMoves(trx, workspaceId, lead.id)).path;
  const after = pathKey([...before.split(",").filter(Boolean), toStageId]);
  if (after !== before) {
    if (before !== "") await addToPath(trx, workspaceId, periods, before, -1);
    await addToPath(trx, workspaceId, periods, after, 1);
  }
  if (lead.stageId !== null) {
    const ms = millisBetween(at, lead.stageChangedAt ?? lead.createdAt);
    await addToStays(trx, workspaceId, periods, lead.stageId, 1, ms);
  }
}

/** Adds (`sign` 1, on restore) or removes (-1, on delete) a lead's path and stays. */
export async function shiftLeadHistory(
  trx: Trx,
  workspaceId: string,
  lead: { id: string; createdAt: string; stageId: string | null },
  sign: 1 | -1,
): Promise<void> {
  const periods = cohortPeriods(lead.createdAt);
  const history = historyOf(lead, await readMoves(trx, workspaceId, lead.id));
  if (history.path !== "") await addToPath(trx, workspaceId, periods, history.path, sign);
  for (const stay of history.stays) {
    await addToStays(trx, workspaceId, periods, stay.stageId, sign, sign * stay.ms);
  }
}

/**
 * Adds the paths and stays of lead rows written in bulk (demo and benchmark data) with their moves,
 * one upsert per day and path or stage. Their totals go through addLeadRowsToStageTotals.
 */
export async function addBulkHistories(
  trx: Trx,
  workspaceId: string,
  leads: readonly { id: string; created_at: string; stage_id?: string | null }[],
  moves: readonly (RecordedMove & { lead_id: string })[],
): Promise<void> {
  const movesOf = new Map<string, RecordedMove[]>();
  for (const move of moves) {
    const list = movesOf.get(move.lead_id) ?? [];
    list.push(move);
    movesOf.set(move.lead_id, list);
  }
  const paths = new Map<string, { period: string; path: string; count: number }>();
  const stays = new Map<string, { period: string; stageId: string; count: number; ms: number }>();
  for (const lead of leads) {
    const ordered = (movesOf.get(lead.id) ?? []).sort((a, b) => a.moved_at.localeCompare(b.moved_at));
    const history = historyOf({ createdAt: lead.created_at, stageId: lead.stage_id ?? null }, ordered);
    for (const period of cohortPeriods(lead.created_at)) {
      if (history.path !== "") {
        const key = `${period} ${history.path}`;
        const entry = paths.get(key) ?? { period, path: history.path, count: 0 };
        entry.count += 1;
        paths.set(key, entry);
      }
      for (const stay of history.stays) {
        const key = `${period} ${stay.stageId}`;
        const entry = stays.get(key) ?? { period, stageId: stay.stageId, count: 0, ms: 0 };
        entry.count += 1;
        entry.ms += stay.ms;
        stays.set(key, entry);
      }
    }
  }
  for (const entry of paths.values()) {
    await addToPath(trx, workspaceId, [entry.period], entry.path, entry.count);
  }
  for (const entry of stays.values()) {
    await addToStays(trx, workspaceId, [entry.period], entry.stageId, entry.count, entry.ms);
  }
}

export interface KeptCohorts {
  totals: { stageId: string; currency: string | null; count: number; valueMinor: number; ageMs: number }[];
  paths: { stageIds: string[]; count: number }[];
  stays: { stageId: string; count: number; ms: number }[];
}

/** A range of periods [from, to): 'D…' days or 'M…' months ('M' to 'N' is every month). */
export interface PeriodRange {
  from: string;
  to: string;
}

/** The kept figures of the leads created in the given periods (ranges that do not overlap). */
export async function readKeptCohorts(
  db: Executor,
  workspaceId: string,
  ranges: readonly PeriodRange[],
): Promise<KeptCohorts> {
  const days = <T extends CohortTable>(table: T) =>
    db
      .selectFrom(table as CohortTable)
      .where("workspace_id", "=", workspaceId)
      .where((eb) =>
        eb.or(ranges.map((range) => eb.and([eb("period", ">=", range.from), eb("period", "<", range.to)]))),
      );
  const [totals, paths, stays] = await Promise.all([
    days("lead_cohort_totals")
      .select((eb) => [
        sql<string>`stage_id`.as("stage_id"),
        sql<string>`currency`.as("currency"),
        eb.fn.sum<number | string>(sql`lead_count`).as("n"),
        eb.fn.sum<number | string>(sql`value_minor`).as("v"),
        eb.fn.sum<number | string>(sql`stage_age_ms`).as("ms"),
      ])
      .groupBy([sql`stage_id`, sql`currency`])
      .execute(),
    days("lead_cohort_paths")
      .select((eb) => [
        sql<string>`stage_ids`.as("stage_ids"),
        eb.fn.sum<number | string>(sql`lead_count`).as("n"),
      ])
      .groupBy(sql`stage_ids`)
      .execute(),
    days("lead_cohort_stays")
      .select((eb) => [
        sql<string>`stage_id`.as("stage_id"),
        eb.fn.sum<number | string>(sql`stay_count`).as("n"),
        eb.fn.sum<number | string>(sql`stay_ms`).as("ms"),
      ])
      .groupBy(sql`stage_id`)
      .execute(),
  ]);
  return {
    totals: totals.map((row) => ({
      stageId: row.stage_id,
      currency: row.currency === "" ? null : row.currency,
      count: Number(row.n),
      valueMinor: Number(row.v),
      ageMs: Number(row.ms),
    })),
    paths: paths.map((row) => ({ stageIds: row.stage_ids.split(","), count: Number(row.n) })),
    stays: stays.map((row) => ({ stageId: row.stage_id, count: Number(row.n), ms: Number(row.ms) })),
  };
}
