/**
 * The CRM dashboard: a handful of aggregates over the workspace's pipeline cards and activities.
 * Every figure is one GROUP BY or COUNT answered from an index of migration 08, so the cost grows
 * with the number of stages and currencies, not with the number of records.
 *
 * Cards are the records that stand in the default pipeline's stages: leads (Axiomatic's board) or
 * opportunities (Valethon's); the caller says which. Leads count as won or lost this month when
 * they moved into a won or lost stage this month; opportunities by their `won_at` / `lost_at`.
 *
 * Periods are UTC calendar ones: "this month" is the current UTC month, "today" the current UTC
 * day, "the last 7 days" today and the 6 days before it. So the figures change only with writes
 * and at midnight UTC, which lets `dashboardOf` remember them (see `remembered`).
 */
import { sql } from "kysely";
import type { Core, Executor, Scope } from "../core.js";
import { countLive } from "../counters.js";
import type { StageKind } from "../pipelines/pipeline.types.js";
import { findDefaultPipeline } from "../pipelines/pipelines.repository.js";

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

async function cardsPerStage(db: Executor, scope: Scope, cards: CardKind, stageIds: string[]) {
  if (stageIds.length === 0) return [];
  return db
    .selectFrom(cards)
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
    const stage = byId.get(row.stage_id!)!;
    stage.count += Number(row.count);
    addTo(stage.value, row.currency, Number(row.value ?? 0));
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

/**
 * Computed figures per workspace, valid while the workspace's event stream stands still and the
 * UTC day is the same: every write of domain data appends an event in its transaction, and every
 * period is a calendar one. The age bound covers what the position can miss: on PostgreSQL a
 * transaction may commit after one holding a later position.
 */
const MAX_AGE_MS = 10_000;
interface Remembered {
  day: string;
  position: number;
  computedAt: number;
  figures: Figures;
}
const remembered = new WeakMap<Core, Map<string, Remembered>>();

async function latestPosition(core: Core, scope: Scope): Promise<number> {
  const row = await core.db
    .selectFrom("events")
    .select((eb) => eb.fn.max("position").as("position"))
    .where("workspace_id", "=", scope.workspaceId)
    .executeTakeFirst();
  return Number(row?.position ?? 0);
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
  let cache = remembered.get(core);
  if (!cache) {
    cache = new Map();
    remembered.set(core, cache);
  }
  const position = await latestPosition(core, scope);
  const cacheKey = `${scope.workspaceId}\u0000${cards}`;
  let entry = cache.get(cacheKey);
  const fresh =
    entry?.day === period.todayStart &&
    entry.position === position &&
    Math.abs(now.getTime() - entry.computedAt) < MAX_AGE_MS;
  if (!entry || !fresh) {
    entry = {
      day: period.todayStart,
      position,
      computedAt: now.getTime(),
      figures: await computeFigures(core, scope, cards, period),
    };
    cache.set(cacheKey, entry);
  }
  return {
    period: {
      now: period.now,
      monthStart: period.monthStart,
      todayStart: period.todayStart,
      weekStart: period.weekStart,
    },
    ...entry.figures,
  };
}
