/**
 * Pipeline analytics: how the leads of the workspace's default pipeline moved through its stages.
 *
 * The cohort is the live leads (deleted_at is null) standing in a stage of the default pipeline
 * whose `created_at` lies in [from, to) (ISO 8601 instants, normalised to the stored UTC form; an
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
 * - `dealVelocityDays`: the mean number of days from `created_at` to the lead's last move into a
 *   won-kind stage, over the cohort's leads currently in a won stage, rounded to 2 decimals (a lead
 *   created directly in a won stage counts with 0 days); null when there is none.
 * - `totals`: {leads, value} over the whole cohort.
 *
 * Cost: four aggregate queries; only per-stage, per-step and per-currency rows come back, nothing
 * per lead. The cohort comes from the `leads_live_by_stage` index (workspace, stage, created_at) and
 * its leads' moves from `lead_stage_moves_by_lead`, so the cost grows with the cohort's leads and
 * moves: unlike the dashboard, this is not answered from kept totals. Measured on one workspace of
 * a million leads with three million moves, an unbounded range takes about 20 s on either engine
 * (the completed stays' window over the moves dominates); a narrow range costs only its leads.
 */
import { type RawBuilder, sql } from "kysely";
import { engineOf } from "../../db/database.js";
import { dateTime } from "../activities/activity.rules.js";
import type { Core, Executor, Scope } from "../core.js";
import type { Money } from "../dashboard/dashboard.service.js";
import { validationError } from "../errors.js";
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

function addTo(money: Money, currency: string | null, minor: number): void {
  if (currency === null) return;
  money[currency] = (money[currency] ?? 0) + minor;
}

/** `later - earlier` in days, both ISO 8601 text columns. */
function daysBetween(db: Executor, later: RawBuilder<unknown>, earlier: RawBuilder<unknown>) {
  return engineOf(db) === "postgres"
    ? sql`(extract(epoch from (${later}::timestamptz - ${earlier}::timestamptz)) / 86400.0)`
    : sql`(julianday(${later}) - julianday(${earlier}))`;
}

const list = (values: readonly string[]) => sql.join(values.map((value) => sql`${value}`));

function checkRange(query: PipelineAnalyticsQuery): { from: string | null; to: string | null } {
  const from = dateTime("from", query.from) ?? null;
  const to = dateTime("to", query.to) ?? null;
  if (from !== null && to !== null && from >= to) throw validationError("from", "must be before to");
  return { from, to };
}

export async function pipelineAnalytics(
  core: Core,
  scope: Scope,
  query: PipelineAnalyticsQuery,
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

  const openStages = stages.filter((stage) => stage.kind === "open");
  const wonStages = stages.filter((stage) => stage.kind === "won");
  const steps: Stage[] = wonStages.length > 0 ? [...openStages, wonStages[0]!] : openStages;
  const stepOf = new Map<string, number>(openStages.map((stage, index) => [stage.id, index]));
  for (const stage of wonStages) stepOf.set(stage.id, openStages.length);

  // The cohort as a CTE: the index on (workspace_id, stage_id, created_at) where deleted_at is null
  // answers it. Literal `deleted_at is null` so SQLite can use that partial index.
  const cohort = sql`select l.id, l.stage_id, l.created_at, l.currency, l.value_minor from leads l
    where l.workspace_id = ${scope.workspaceId} and l.deleted_at is null
    and l.stage_id in (${list(stages.map((stage) => stage.id))})
    ${range.from === null ? sql`` : sql`and l.created_at >= ${range.from}`}
    ${range.to === null ? sql`` : sql`and l.created_at < ${range.to}`}`;
  // The larger of two non-null values (SQLite's max() with two arguments is a scalar function).
  const greatest = engineOf(db) === "postgres" ? sql.raw("greatest") : sql.raw("max");
  const stepCase = (column: RawBuilder<unknown>) =>
    stepOf.size === 0
      ? sql`cast(null as integer)`
      : sql`case ${column} ${sql.join(
          [...stepOf].map(([id, step]) => sql`when ${id} then ${sql.lit(step)}`),
          sql` `,
        )} end`;

  const [perStage, reach, stays, velocity] = await Promise.all([
    // Count and value per current stage and currency.
    sql<{ stage_id: string; currency: string | null; n: number | string; v: number | string | null }>`
      with cohort as (${cohort})
      select stage_id, currency, count(*) as n, sum(value_minor) as v
      from cohort group by stage_id, currency`.execute(db),
    // The furthest step each lead ever stood in (its current stage, or any move's from or to
    // stage; -1 for none), counted per step: one pass over the cohort's moves.
    sql<{ step: number | string; n: number | string }>`
      with cohort as (${cohort}),
      furthest as (
        select ${greatest}(coalesce(${stepCase(sql.ref("c.stage_id"))}, -1),
          coalesce(max(${greatest}(coalesce(${stepCase(sql.ref("m.to_stage_id"))}, -1),
            coalesce(${stepCase(sql.ref("m.from_stage_id"))}, -1))), -1)) as step
        from cohort c left join lead_stage_moves m on m.lead_id = c.id
        group by c.id, c.stage_id
      )
      select step, count(*) as n from furthest where step >= 0 group by step`.execute(db),
    // Completed stays: each move ends the stay in its from stage.
    sql<{ stage_id: string; days: number | string | null; n: number | string }>`
      with cohort as (${cohort}),
      stays as (
        select m.from_stage_id as stage_id, m.moved_at as left_at,
          coalesce(lag(m.moved_at) over (partition by m.lead_id order by m.moved_at, m.id), c.created_at)
            as entered_at
        from cohort c join lead_stage_moves m on m.lead_id = c.id
      )
      select stage_id, avg(${daysBetween(db, sql.ref("left_at"), sql.ref("entered_at"))}) as days,
        count(*) as n
      from stays where stage_id is not null group by stage_id`.execute(db),
    // Days from creation to the last move into a won stage, for the leads now in a won stage.
    wonStages.length === 0
      ? null
      : sql<{ days: number | string | null; n: number | string }>`
      with cohort as (${cohort}),
      won as (
        select c.created_at, coalesce((select max(m.moved_at) from lead_stage_moves m
          where m.lead_id = c.id and m.to_stage_id in (${list(wonStages.map((stage) => stage.id))})),
          c.created_at) as won_at
        from cohort c where c.stage_id in (${list(wonStages.map((stage) => stage.id))})
      )
      select avg(${daysBetween(db, sql.ref("won_at"), sql.ref("created_at"))}) as days, count(*) as n
      from won`.execute(db),
  ]);

  const byId = new Map(result.stages.map((stage) => [stage.stageId, stage]));
  for (const row of perStage.rows) {
    const stage = byId.get(row.stage_id)!;
    const count = Number(row.n);
    const minor = Number(row.v ?? 0);
    stage.count += count;
    addTo(stage.value, row.currency, minor);
    result.totals.leads += count;
    addTo(result.totals.value, row.currency, minor);
  }
  for (const row of stays.rows) {
    const stage = byId.get(row.stage_id);
    if (stage && Number(row.n) > 0 && row.days !== null) {
      stage.averageDaysInStage = round(Number(row.days), 2);
    }
  }

  // n_k: the leads whose furthest step is k or later.
  const reachedAt = steps.map(() => 0);
  for (const row of reach.rows) {
    const furthest = Number(row.step);
    for (let step = 0; step <= furthest && step < steps.length; step++) reachedAt[step]! += Number(row.n);
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
  const won = closedCount("won");
  const lost = closedCount("lost");
  result.winRate = won + lost === 0 ? null : round(won / (won + lost), 4);

  const velocityRow = velocity?.rows[0];
  if (velocityRow && Number(velocityRow.n) > 0 && velocityRow.days !== null) {
    result.dealVelocityDays = round(Number(velocityRow.days), 2);
  }
  return result;
}
