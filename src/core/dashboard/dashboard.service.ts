/**
 * The CRM dashboard: a handful of aggregates over the workspace's pipeline cards and activities.
 * Every figure is one GROUP BY or COUNT answered from an index (migrations 08 and 09), or, for
 * leads per stage, the totals their writes keep, so the cost grows with the number of stages and
 * currencies, not with the number of records.
 *
 * Cards are the records that stand in the default pipeline's stages: leads (Axiomatic's board) or
 * opportunities (Valethon's); the caller says which. Leads count as won or lost this month when
 * they moved into a won or lost stage this month; opportunities by their `won_at` / `lost_at`.
 *
 * Periods are UTC calendar ones: "this month" is the current UTC month, "today" the current UTC
 * day, "the last 7 days" today and the 6 days before it. So the figures change only with writes
 * and at midnight UTC, which lets `dashboardOf` remember them (see shared/until-next-write.ts).
 */
import { sql } from "kysely";
import type { Core, Executor, Scope } from "../core.js";
import { countLive } from "../counters.js";
import { readStageTotals } from "../leads/lead-stage-totals.js";
import type { StageKind } from "../pipelines/pipeline.types.js";
import { findDefaultPipeline } from "../pipelines/pipelines.repository.js";
import { untilNextWrite } from "../shared/until-next-write.js";

/** Minor units per ISO 4217 currency code; cards of several currencies are never added together. */
export type Money = Record<string, number>;

export interface StageFigures {
  stageId: string;
  stageNumber: number;
  key: string;
  name: string;
  kind: StageKind;
  probability: number;
  count: number;
  value: Money;
}

export interface Dashboard {
  /** The instants the figures were cut at (ISO 8601, UTC). */
  period: { now: string; monthStart: string; todayStart: string; weekStart: string };
  leads: { total: number };
  pipeline: { id: string; number: number; key: string; name: string } | null;
  /** Every stage of the default pipeline in order, empty ones included. */
  stages: StageFigures[];
  /** Open-kind stages only: the sum of each stage's value times its probability, rounded to minor units. */
  openPipeline: { count: number; value: Money; weightedValue: Money };
  wonThisMonth: { count: number; value: Money };
  lostThisMonth: { count: number; value: Money };
  tasks: { dueToday: number; overdue: number };
  activitiesLast7Days: number;
}

const DAY_MS = 86_400_000;

/** Adds to a currency's sum; cards without a value (no currency) count but add nothing. */
function addTo(money: Money, currency: string | null, minor: number): void {
  if (currency === null) return;
  money[currency] = (money[currency] ?? 0) + minor;
}

/** The records a dashboard counts as pipeline cards. */
export type CardKind = "leads" | "opportunities";

/** Count and value per stage and currency of the given stages' cards (currency null: no value). */
async function cardsPerStage(
  db: Executor,
  scope: Scope,
  cards: CardKind,
  stageIds: string[],
): Promise<{ stageId: string; currency: string | null; count: number; valueMinor: number }[]> {
  if (stageIds.length === 0) return [];
  // Leads: the totals their writes keep (a million leads would otherwise be a million index reads).
  if (cards === "leads") {
    const wanted = new Set(stageIds);
    return (await readStageTotals(db, scope)).filter((total) => wanted.has(total.stageId));
  }
  const rows = await db
    .selectFrom("opportunities")
    .select((eb) => [
      "stage_id",
      "currency",
      eb.fn.countAll<number>().as("count"),
      eb.fn.sum<number>("value_minor").as("value"),
    ])
    .where("workspace_id", "=", scope.workspaceId)
    .where("deleted_at", "is", null)
    .where("stage_id", "in", stageIds)
    .groupBy(["stage_id", "currency"])
    .execute();
  return rows.map((row) => ({
    stageId: row.stage_id,
    currency: row.currency,
    count: Number(row.count),
    valueMinor: Number(row.value ?? 0),
  }));
}

/** Cards won (or lost) within [from, to): see the header for what that means for each kind. */
async function closedBetween(
  db: Executor,
  scope: Scope,
  cards: CardKind,
  outcome: "won" | "lost",
  stages: readonly { id: string; kind: StageKind }[],
  from: string,
  to: string,
) {
  let query = db
    .selectFrom(cards)
    .select((eb) => [
      "currency",
      eb.fn.countAll<number>().as("count"),
      eb.fn.sum<number>("value_minor").as("value"),
    ])
    .where("workspace_id", "=", scope.workspaceId)
    .where("deleted_at", "is", null);
  if (cards === "opportunities") {
    const column = outcome === "won" ? "won_at" : "lost_at";
    query = query.where(column, "is not", null).where(column, ">=", from).where(column, "<", to);
  } else {
    const stageIds = stages.filter((stage) => stage.kind === outcome).map((stage) => stage.id);
    if (stageIds.length === 0) return { count: 0, value: {} };
    query = query
      .where("stage_id", "in", stageIds)
      .where("stage_changed_at", ">=", from)
      .where("stage_changed_at", "<", to);
  }
  const rows = await query.groupBy("currency").execute();
  const value: Money = {};
  let count = 0;
  for (const row of rows) {
    count += Number(row.count);
    addTo(value, row.currency, Number(row.value ?? 0));
  }
  return { count, value };
}

async function openTasks(db: Executor, scope: Scope, todayStart: string, tomorrowStart: string) {
  const row = await db
    .selectFrom("activities")
    .select((eb) => [
      eb.fn.count<number>(eb.case().when("due_at", ">=", todayStart).then(1).end()).as("due_today"),
      eb.fn.count<number>(eb.case().when("due_at", "<", todayStart).then(1).end()).as("overdue"),
    ])
    .where("workspace_id", "=", scope.workspaceId)
    .where("deleted_at", "is", null)
    // Literals, not parameters: SQLite uses the partial index only when it can prove its condition.
    .where(sql.ref("type"), "=", sql.lit("task"))
    .where(sql.ref("completed"), "=", sql.lit(0))
    .where("due_at", "<", tomorrowStart)
    .executeTakeFirst();
  return { dueToday: Number(row?.due_today ?? 0), overdue: Number(row?.overdue ?? 0) };
}

async function activitiesBetween(db: Executor, scope: Scope, from: string, to: string): Promise<number> {
  const row = await db
    .selectFrom("activities")
    .select((eb) => eb.fn.countAll<number>().as("count"))
    .where("workspace_id", "=", scope.workspaceId)
    .where("deleted_at", "is", null)
    .where("created_at", ">=", from)
    .where("created_at", "<", to)
    .executeTakeFirst();
  return Number(row?.count ?? 0);
}

/** The calendar bounds of `now`, UTC. */
function periodOf(now: Date) {
  const todayMs = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return {
    now: now.toISOString(),
    monthStart: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).toISOString(),
    nextMonthStart: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)).toISOString(),
    todayStart: new Date(todayMs).toISOString(),
    tomorrowStart: new Date(todayMs + DAY_MS).toISOString(),
    weekStart: new Date(todayMs - 6 * DAY_MS).toISOString(),
  };
}

type Figures = Omit<Dashboard, "period">;

async function computeFigures(
  core: Core,
  scope: Scope,
  cards: CardKind,
  period: ReturnType<typeof periodOf>,
): Promise<Figures> {
  const db = core.db;
  const pipeline = await findDefaultPipeline(db, scope);
  const stagesOfPipeline = pipeline?.stages ?? [];
  const [perStage, won, lost, tasks, activitiesLast7Days, leadTotal] = await Promise.all([
    cardsPerStage(
      db,
      scope,
      cards,
      stagesOfPipeline.map((stage) => stage.id),
    ),
    closedBetween(db, scope, cards, "won", stagesOfPipeline, period.monthStart, period.nextMonthStart),
    closedBetween(db, scope, cards, "lost", stagesOfPipeline, period.monthStart, period.nextMonthStart),
    openTasks(db, scope, period.todayStart, period.tomorrowStart),
    activitiesBetween(db, scope, period.weekStart, period.tomorrowStart),
    countLive(db, scope.workspaceId, "leads"),
  ]);
  const stages: StageFigures[] = stagesOfPipeline.map((stage) => ({
    stageId: stage.id,
    stageNumber: stage.number,
    key: stage.key,
    name: stage.name,
    kind: stage.kind,
    probability: stage.probability,
    count: 0,
    value: {},
  }));
  const byId = new Map(stages.map((stage) => [stage.stageId, stage]));
  for (const row of perStage) {
    const stage = byId.get(row.stageId)!;
    stage.count += row.count;
    addTo(stage.value, row.currency, row.valueMinor);
  }
  const openPipeline = { count: 0, value: {} as Money, weightedValue: {} as Money };
  for (const stage of stages.filter((candidate) => candidate.kind === "open")) {
    openPipeline.count += stage.count;
    for (const [currency, minor] of Object.entries(stage.value)) {
      addTo(openPipeline.value, currency, minor);
      addTo(openPipeline.weightedValue, currency, (minor * stage.probability) / 100);
    }
  }
  for (const currency of Object.keys(openPipeline.weightedValue)) {
    openPipeline.weightedValue[currency] = Math.round(openPipeline.weightedValue[currency]!);
  }

  return {
    leads: { total: leadTotal },
    pipeline: pipeline
      ? { id: pipeline.id, number: pipeline.number, key: pipeline.key, name: pipeline.name }
      : null,
    stages,
    openPipeline,
    wonThisMonth: won,
    lostThisMonth: lost,
    tasks,
    activitiesLast7Days,
  };
}

/** The dashboard of `cards` as of `now` (default: the core's clock). */
export async function dashboardOf(
  core: Core,
  scope: Scope,
  cards: CardKind,
  options: { now?: Date } = {},
): Promise<Dashboard> {
  const now = options.now ?? core.clock.now();
  const period = periodOf(now);
  // Periods are calendar ones: the figures stay valid within the UTC day until the next write.
  const figures = await untilNextWrite(
    core,
    scope,
    `dashboard:${cards}`,
    () => computeFigures(core, scope, cards, period),
    {
      token: period.todayStart,
      nowMs: now.getTime(),
    },
  );
  return {
    period: {
      now: period.now,
      monthStart: period.monthStart,
      todayStart: period.todayStart,
      weekStart: period.weekStart,
    },
    ...figures,
  };
}
