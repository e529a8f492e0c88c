/** Valethon dashboard endpoint: a Kith extension in Valethon conventions (docs/valethon.md). */
import { type Dashboard, dashboardOf, type Money } from "../../../core/dashboard/dashboard.service.js";
import { STANDARD_ERRORS } from "./common.schemas.js";
import { scopeOf, type ValethonApp, type ValethonDeps } from "./context.js";
import { DashboardEnvelopeSchema } from "./dashboard.schemas.js";
import { ok, renderTime } from "./envelope.js";

/** Minor units to Valethon's major units, per currency. */
const major = (money: Money): Money =>
  Object.fromEntries(Object.entries(money).map(([currency, minor]) => [currency, minor / 100]));

const renderDashboard = (dashboard: Dashboard) => ({
  period: {
    now: renderTime(dashboard.period.now),
    month_start: renderTime(dashboard.period.monthStart),
    today_start: renderTime(dashboard.period.todayStart),
    week_start: renderTime(dashboard.period.weekStart),
  },
  leads: dashboard.leads,
  pipeline: dashboard.pipeline
    ? {
        pipeline_id: dashboard.pipeline.number,
        uuid: dashboard.pipeline.id,
        key: dashboard.pipeline.key,
        name: dashboard.pipeline.name,
      }
    : null,
  stages: dashboard.stages.map((stage) => ({
    stage_id: stage.stageNumber,
    uuid: stage.stageId,
    key: stage.key,
    name: stage.name,
    kind: stage.kind,
    probability: stage.probability,
    count: stage.count,
    value: major(stage.value),
  })),
  open_pipeline: {
    count: dashboard.openPipeline.count,
    value: major(dashboard.openPipeline.value),
    weighted_value: major(dashboard.openPipeline.weightedValue),
  },
  won_this_month: { count: dashboard.wonThisMonth.count, value: major(dashboard.wonThisMonth.value) },
  lost_this_month: { count: dashboard.lostThisMonth.count, value: major(dashboard.lostThisMonth.value) },
  tasks: { due_today: dashboard.tasks.dueToday, overdue: dashboard.tasks.overdue },
  activities_last_7_days: dashboard.activitiesLast7Days,
});

export async function dashboardRoutes(app: ValethonApp, { core }: ValethonDeps): Promise<void> {
  app.get(
    "/dashboard",
    {
      config: { permission: "leads:read" },
      schema: {
        tags: ["Dashboard"],
        summary: "Pipeline, win/loss, task and activity figures of the workspace (UTC periods)",
        response: { 200: DashboardEnvelopeSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => ok(renderDashboard(await dashboardOf(core, scopeOf(request), "opportunities"))),
  );
}
