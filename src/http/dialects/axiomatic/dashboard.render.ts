/** Renders the core's dashboard in Axiomatic's camelCase, with UUIDs and major currency units. */
import type { Dashboard, Money } from "../../../core/dashboard/dashboard.service.js";

/** Minor units to major units, per currency. */
const major = (money: Money): Money =>
  Object.fromEntries(Object.entries(money).map(([currency, minor]) => [currency, minor / 100]));

export function renderDashboard(dashboard: Dashboard) {
  const { pipeline } = dashboard;
  return {
    period: dashboard.period,
    leads: dashboard.leads,
    pipeline: pipeline ? { id: pipeline.id, key: pipeline.key, name: pipeline.name } : null,
    stages: dashboard.stages.map((stage) => ({
      id: stage.stageId,
      key: stage.key,
      name: stage.name,
      kind: stage.kind,
      probability: stage.probability,
      count: stage.count,
      value: major(stage.value),
    })),
    openPipeline: {
      count: dashboard.openPipeline.count,
      value: major(dashboard.openPipeline.value),
      weightedValue: major(dashboard.openPipeline.weightedValue),
    },
    wonThisMonth: { count: dashboard.wonThisMonth.count, value: major(dashboard.wonThisMonth.value) },
    lostThisMonth: { count: dashboard.lostThisMonth.count, value: major(dashboard.lostThisMonth.value) },
    tasks: dashboard.tasks,
    activitiesLast7Days: dashboard.activitiesLast7Days,
  };
}
