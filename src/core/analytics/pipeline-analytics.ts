/**
 * Pipeline analytics: how the leads of the workspace's default pipeline moved through its stages.
 *
 * The cohort is the live leads (deleted_at is null) standing in a stage (all of them are in the
 * default pipeline's) whose `created_at` lies in [from, to) (ISO 8601 instants, normalised to the stored UTC form; an
 * absent bound is unbounded; both given means from < to). Every figure is over the cohort only:
 *
 * - `pipeline`: {id, key, name} of the default pipeline (null when the workspace has none);
 *   `range`: {from, to}, null for an absent bound.
 * - `stages`: every stage in board order with `count`, the cohort's leads currently in it, and
 *   `value`, their value per currency in minor units (leads without a value count but add no
 *   money), and `averageDaysInStage`: the mean length in days, rounded to 2 decimals, of the
 *   cohort's COMPLETED stays in the stage. A stay is entered by the lead's creation or by a move and
 *   left by the lead's next move, so each recorded move ends exactly one stay: the one in its
 *   `from_stage_id`, which began at the previous move of the lead (by moved_at, then id) or, for
 *   the first move, at the lead's `created_at`. Null when the stage has no completed stay.
 * - Funnel steps: the open stages in position order, then one final "won" step standing for every
 *   won-kind stage (no won step when the pipeline has no won stage; lost stages are never steps).
 *   A lead "reached" step k when at any time it stood in the stage of step k or of a later step;
 *   the stages it stood in are its creation stage (its first move's from stage, or its current
 *   stage when it never moved), every move's from and to stage, and its current stage.
 *   `conversions` has one entry per consecutive pair of steps (k, k+1): {fromStageId, toStageId
 *   (the first won stage's id for the won step), fromKey, toKey, reached: n_k, advanced: n_{k+1},
 *   rate: n_{k+1} / n_k rounded to 4 decimals, or null when n_k = 0}.
 * - `winRate`: won / (won + lost) over the cohort's leads currently in a won or lost stage, rounded
 *   to 4 decimals; null when there is none.
 * - `dealVelocityDays`: the mean number of days from `created_at` to the lead's move into the won
 *   stage it stands in (its `stage_changed_at`), over the cohort's leads currently in a won stage,
 *   rounded to 2 decimals (a lead created directly in a won stage counts with 0 days); null when
 *   there is none.
 * - `totals`: {leads, value} over the whole cohort.
 *
 * Cost: whole UTC months and days of the range are read from the pipeline cohorts kept per
 * creation month and day (src/core/leads/lead-cohorts.ts: a few rows per period, whatever the
 * number of leads and moves);
 * the partial days at either end of a range that does not start or end at midnight are computed
 * from their leads and moves with three aggregate queries (`sumsFromLeads`), which are also the
 * reference a test holds the kept rows to.
 */
import { type RawBuilder, sql } from "kysely";
import { engineOf } from "../../db/database.js";
import { dateTime } from "../activities/activity.rules.js";
import type { Core, Executor, Scope } from "../core.js";
import type { Money } from "../dashboard/dashboard.service.js";
import { validationError } from "../errors.js";
import { type KeptCohorts, type PeriodRange, readKeptCohorts } from "../leads/lead-cohorts.js";
import type { Stage, StageKind } from "../pipelines/pipeline.types.js";
import { findDefaultPipeline } from "../pipelines/pipelines.repository.js";

export interface PipelineAnalyticsQuery {
  from?: string;
  to?: string;
}

export interface StageAnalytics {
  stageId: string;
  key: string;
  name: string;
  kind: StageKind;
  count: number;
  value: Money;
  averageDaysInStage: number | null;
}

export interface StageConversion {
  fromStageId: string;
  toStageId: string;
  fromKey: string;
  toKey: string;
  reached: number;
  advanced: number;
  rate: number | null;
}

export interface PipelineAnalytics {
  pipeline: { id: string; key: string; name: string } | null;
  range: { from: string | null; to: string | null };
  stages: StageAnalytics[];
  conversions: StageConversion[];
  winRate: number | null;
  dealVelocityDays: number | null;
  totals: { leads: number; value: Money };
}

const round = (value: number, decimals: number): number => {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
};

const DAY_MS = 86_400_000;

function addTo(money: Money, currency: string | null, minor: number): void {
  if (currency === null) return;
  money[currency] = (money[currency] ?? 0) + minor;
}

/** `later - earlier` in whole milliseconds, both ISO 8601 text columns. */
function millisBetween(db: Executor, later: RawBuilder<unknown>, earlier: RawBuilder<unknown>) {
  return engineOf(db) === "postgres"
    ? sql`round(extract(epoch from (${later}::timestamptz - ${earlier}::timestamptz)) * 1000)`
    : sql`round((julianday(${later}) - julianday(${earlier})) * 86400000)`;
}

function checkRange(query: PipelineAnalyticsQuery): { from: string | null; to: string | null } {
  const from = dateTime("from", query.from) ?? null;
  const to = dateTime("to", query.to) ?? null;
  if (from !== null && to !== null && from >= to) throw validationError("from", "must be before to");
  return { from, to };
}

/** Figures that add up across parts of a cohort; the answer is computed from their sum. */
interface CohortSums {
  /** Leads now in each stage per currency, with their value and summed age in the stage. */
  totals: KeptCohorts["totals"];
  /** Leads per furthest funnel step they ever stood in (-1: none). */
  furthest: Map<number, number>;
  /** Completed stays per stage and their summed length. */
  stays: KeptCohorts["stays"];
}

type Window = { from: string | null; to: string | null };

const MIDNIGHT = "T00:00:00.000Z";

/**
 * Splits [from, to) into whole UTC days [fromDay, toDay), read from the kept cohorts, and the
 * partial days at its ends, computed from the leads (a range within one day is all partial).
 */
function splitRange(range: Window): {
  days: { fromDay: string | null; toDay: string | null } | null;
  partial: Window[];
} {
  const nextDay = (day: string) =>
    new Date(Date.parse(`${day}${MIDNIGHT}`) + DAY_MS).toISOString().slice(0, 10);
  const fromDay =
    range.from === null
      ? null
      : range.from.endsWith(MIDNIGHT)
        ? range.from.slice(0, 10)
        : nextDay(range.from.slice(0, 10));
  const toDay = range.to === null ? null : range.to.slice(0, 10);
  if (fromDay !== null && toDay !== null && fromDay >= toDay) return { days: null, partial: [range] };
  const partial: Window[] = [];
  if (range.from !== null && !range.from.endsWith(MIDNIGHT)) {
    partial.push({ from: range.from, to: `${fromDay}${MIDNIGHT}` });
  }
  if (range.to !== null && !range.to.endsWith(MIDNIGHT))
    partial.push({ from: `${toDay}${MIDNIGHT}`, to: range.to });
  return { days: { fromDay, toDay }, partial };
}

/**
 * The kept periods covering the whole days [fromDay, toDay) (`YYYY-MM-DD`, null: unbounded): its
 * whole months as month periods and the days before the first and after the last as day periods.
 */
export function periodRanges(fromDay: string | null, toDay: string | null): PeriodRange[] {
  const month = (day: string) => day.slice(0, 7);
  const nextMonth = (yearMonth: string) => {
    const [year, monthNumber] = yearMonth.split("-").map(Number) as [number, number];
    return new Date(Date.UTC(year, monthNumber, 1)).toISOString().slice(0, 7);
  };
  const firstMonth =
    fromDay === null ? null : fromDay.endsWith("-01") ? month(fromDay) : nextMonth(month(fromDay));
  const endMonth = toDay === null ? null : month(toDay);
  if (fromDay !== null && toDay !== null && firstMonth! >= endMonth!) {
    return fromDay < toDay ? [{ from: `D${fromDay}`, to: `D${toDay}` }] : [];
  }
  const ranges: PeriodRange[] = [];
  if (fromDay !== null && !fromDay.endsWith("-01"))
    ranges.push({ from: `D${fromDay}`, to: `D${firstMonth}-01` });
  ranges.push({
    from: firstMonth === null ? "M" : `M${firstMonth}`,
    to: endMonth === null ? "N" : `M${endMonth}`,
  });
  if (toDay !== null && !toDay.endsWith("-01")) ranges.push({ from: `D${endMonth}-01`, to: `D${toDay}` });
  return ranges;
}

/** The sums of the kept cohorts of whole days: furthest steps follow from each path's stages. */
async function sumsFromKeptDays(
  db: Executor,
  scope: Scope,
  days: { fromDay: string | null; toDay: string | null },
  stepOf: ReadonlyMap<string, number>,
): Promise<CohortSums> {
  const kept = await readKeptCohorts(db, scope.workspaceId, periodRanges(days.fromDay, days.toDay));
  const furthest = new Map<number, number>();
  for (const path of kept.paths) {
    const step = Math.max(-1, ...path.stageIds.map((id) => stepOf.get(id) ?? -1));
    furthest.set(step, (furthest.get(step) ?? 0) + path.count);
  }
  return { totals: kept.totals, furthest, stays: kept.stays };
}

/**
 * The same sums computed from the leads created in `window` and their recorded moves: three
 * aggregate queries over the `leads_live_by_stage` index and `lead_stage_moves_by_lead`, whose
 * cost grows with the window's leads. Leads in a stage of any of the workspace's pipelines count,
 * as in the kept cohorts (those outside the default pipeline add to no figure shown).
 */
export async function sumsFromLeads(
  db: Executor,
  scope: Scope,
  window: Window,
  stepOf: ReadonlyMap<string, number>,
): Promise<CohortSums> {
  // Every lead with a stage: listing the workspace's stages (rather than `is not null`) lets the
  // index on (workspace_id, stage_id, created_at) seek each stage's range of creation times.
  // Literal `deleted_at is null` so SQLite can use that partial index.
  const stageIds = await db
    .selectFrom("pipeline_stages")
    .select("id")
    .where("workspace_id", "=", scope.workspaceId)
    .execute();
  if (stageIds.length === 0) return { totals: [], furthest: new Map(), stays: [] };
  const cohort = sql`select l.id, l.stage_id, l.created_at, l.stage_changed_at, l.currency, l.value_minor
    from leads l where l.workspace_id = ${scope.workspaceId} and l.deleted_at is null
    and l.stage_id in (${sql.join(stageIds.map((row) => sql`${row.id}`))})
    ${window.from === null ? sql`` : sql`and l.created_at >= ${window.from}`}
    ${window.to === null ? sql`` : sql`and l.created_at < ${window.to}`}`;
  // The larger of two non-null values (SQLite's max() with two arguments is a scalar function).
  const greatest = engineOf(db) === "postgres" ? sql.raw("greatest") : sql.raw("max");
  const stepCase = (column: RawBuilder<unknown>) =>
    stepOf.size === 0
      ? sql`cast(null as integer)`
      : sql`case ${column} ${sql.join(
          [...stepOf].map(([id, step]) => sql`when ${id} then ${sql.lit(step)}`),
          sql` `,
        )} end`;
  type Count = number | string;
  const [totals, furthest, stays] = await Promise.all([
    sql<{ stage_id: string; currency: string | null; n: Count; v: Count | null; ms: Count | null }>`
      with cohort as (${cohort})
      select stage_id, currency, count(*) as n, sum(value_minor) as v,
        sum(${millisBetween(db, sql`coalesce(stage_changed_at, created_at)`, sql.ref("created_at"))}) as ms
      from cohort group by stage_id, currency`.execute(db),
    // The furthest step each lead ever stood in (its current stage, or any move's from or to
    // stage; -1 for none): one pass over the cohort's moves.
    sql<{ step: Count; n: Count }>`
      with cohort as (${cohort}),
      furthest as (
        select ${greatest}(coalesce(${stepCase(sql.ref("c.stage_id"))}, -1),
          coalesce(max(${greatest}(coalesce(${stepCase(sql.ref("m.to_stage_id"))}, -1),
            coalesce(${stepCase(sql.ref("m.from_stage_id"))}, -1))), -1)) as step
        from cohort c left join lead_stage_moves m on m.lead_id = c.id
        group by c.id, c.stage_id
      )
      select step, count(*) as n from furthest group by step`.execute(db),
    // Completed stays: each move ends the stay in its from stage, entered at the previous move.
    sql<{ stage_id: string; n: Count; ms: Count | null }>`
      with cohort as (${cohort}),
      stays as (
        select m.from_stage_id as stage_id, m.moved_at as left_at,
          coalesce(lag(m.moved_at) over (partition by m.lead_id order by m.moved_at, m.id), c.created_at)
            as entered_at
        from cohort c join lead_stage_moves m on m.lead_id = c.id
      )
      select stage_id, count(*) as n, sum(${millisBetween(db, sql.ref("left_at"), sql.ref("entered_at"))}) as ms
      from stays where stage_id is not null group by stage_id`.execute(db),
  ]);
  return {
    totals: totals.rows.map((row) => ({
      stageId: row.stage_id,
      currency: row.currency,
      count: Number(row.n),
      valueMinor: Number(row.v ?? 0),
      ageMs: Number(row.ms ?? 0),
    })),
    furthest: new Map(furthest.rows.map((row) => [Number(row.step), Number(row.n)])),
    stays: stays.rows.map((row) => ({
      stageId: row.stage_id,
      count: Number(row.n),
      ms: Number(row.ms ?? 0),
    })),
  };
}

/** The default pipeline's funnel steps and each stage's step (every won stage is the last step). */
function funnelOf(stages: readonly Stage[]): { steps: Stage[]; stepOf: Map<string, number> } {
  const openStages = stages.filter((stage) => stage.kind === "open");
  const wonStages = stages.filter((stage) => stage.kind === "won");
  const steps: Stage[] = wonStages.length > 0 ? [...openStages, wonStages[0]!] : openStages;
  const stepOf = new Map<string, number>(openStages.map((stage, index) => [stage.id, index]));
  for (const stage of wonStages) stepOf.set(stage.id, openStages.length);
  return { steps, stepOf };
}

export interface AnalyticsOptions {
  /** Compute every figure from the leads, ignoring the kept cohorts (the reference, for tests). */
  fromLeadsOnly?: boolean;
}

export async function pipelineAnalytics(
  core: Core,
  scope: Scope,
  query: PipelineAnalyticsQuery,
  options: AnalyticsOptions = {},
): Promise<PipelineAnalytics> {
  const range = checkRange(query);
  const db = core.db;
  const pipeline = await findDefaultPipeline(db, scope);
  const stages = pipeline?.stages ?? [];
  const result: PipelineAnalytics = {
    pipeline: pipeline ? { id: pipeline.id, key: pipeline.key, name: pipeline.name } : null,
    range,
    stages: stages.map((stage) => ({
      stageId: stage.id,
      key: stage.key,
      name: stage.name,
      kind: stage.kind,
      count: 0,
      value: {},
      averageDaysInStage: null,
    })),
    conversions: [],
    winRate: null,
    dealVelocityDays: null,
    totals: { leads: 0, value: {} },
  };
  if (stages.length === 0) return result;

  const { steps, stepOf } = funnelOf(stages);
  const split = options.fromLeadsOnly ? { days: null, partial: [range] } : splitRange(range);
  const parts = await Promise.all([
    ...(split.days ? [sumsFromKeptDays(db, scope, split.days, stepOf)] : []),
    ...split.partial.map((window) => sumsFromLeads(db, scope, window, stepOf)),
  ]);

  const byId = new Map(result.stages.map((stage) => [stage.stageId, stage]));
  const stays = new Map<string, { count: number; ms: number }>();
  const reachedAt = steps.map(() => 0);
  let wonCount = 0;
  let wonAgeMs = 0;
  for (const part of parts) {
    for (const total of part.totals) {
      const stage = byId.get(total.stageId);
      if (!stage || total.count === 0) continue;
      stage.count += total.count;
      addTo(stage.value, total.currency, total.valueMinor);
      result.totals.leads += total.count;
      addTo(result.totals.value, total.currency, total.valueMinor);
      if (stage.kind === "won") {
        wonCount += total.count;
        wonAgeMs += total.ageMs;
      }
    }
    for (const stay of part.stays) {
      const sum = stays.get(stay.stageId) ?? { count: 0, ms: 0 };
      sum.count += stay.count;
      sum.ms += stay.ms;
      stays.set(stay.stageId, sum);
    }
    // n_k: the leads whose furthest step is k or later.
    for (const [furthest, count] of part.furthest) {
      for (let step = 0; step <= furthest && step < steps.length; step++) reachedAt[step]! += count;
    }
  }
  for (const [stageId, sum] of stays) {
    const stage = byId.get(stageId);
    if (stage && sum.count > 0) stage.averageDaysInStage = round(sum.ms / sum.count / DAY_MS, 2);
  }
  for (let step = 0; step + 1 < steps.length; step++) {
    const reached = reachedAt[step]!;
    const advanced = reachedAt[step + 1]!;
    result.conversions.push({
      fromStageId: steps[step]!.id,
      toStageId: steps[step + 1]!.id,
      fromKey: steps[step]!.key,
      toKey: steps[step + 1]!.key,
      reached,
      advanced,
      rate: reached === 0 ? null : round(advanced / reached, 4),
    });
  }

  const closedCount = (kind: StageKind) =>
    result.stages.filter((stage) => stage.kind === kind).reduce((sum, stage) => sum + stage.count, 0);
  const lost = closedCount("lost");
  result.winRate = wonCount + lost === 0 ? null : round(wonCount / (wonCount + lost), 4);
  if (wonCount > 0) result.dealVelocityDays = round(wonAgeMs / wonCount / DAY_MS, 2);
  return result;
}
