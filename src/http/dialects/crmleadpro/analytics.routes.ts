/**
 * CRMLead Pro `GET /analytics/pipeline`: funnel figures of the lead board (the default pipeline),
 * computed by core/analytics/pipeline-analytics.ts and remembered until the workspace's next write.
 */
import { Type } from "typebox";
import { pipelineAnalytics } from "../../../core/analytics/pipeline-analytics.js";
import type { Money } from "../../../core/dashboard/dashboard.service.js";
import { validationError } from "../../../core/errors.js";
import { getDefaultPipeline } from "../../../core/pipelines/pipelines.service.js";
import { untilNextWrite } from "../../../core/shared/until-next-write.js";
import { Nullable } from "../../schema-helpers.js";
import { STANDARD_ERRORS } from "./common.schemas.js";
import { type CrmLeadProApp, type CrmLeadProDeps, scopeOf } from "./context.js";
import { publicId } from "./ids.js";

/** Minor units to major units, per currency. */
const major = (money: Money): Record<string, number> =>
  Object.fromEntries(Object.entries(money).map(([currency, minor]) => [currency, minor / 100]));

const MoneySchema = Type.Record(Type.String(), Type.Number(), {
  description: "Major units per currency code",
});

const AnalyticsSchema = Type.Object({
  pipeline: Type.String({ description: "The pipeline key" }),
  from: Nullable(Type.String()),
  to: Nullable(Type.String()),
  totals: Type.Object({ leads: Type.Integer(), value: MoneySchema }),
  stages: Type.Array(
    Type.Object({
      stage: Type.String({ description: "Stage key" }),
      stage_id: Type.String(),
      name: Type.String(),
      kind: Type.String(),
      count: Type.Integer(),
      value: MoneySchema,
      average_days_in_stage: Nullable(Type.Number()),
    }),
  ),
  conversions: Type.Array(
    Type.Object({
      from_stage: Type.String(),
      to_stage: Type.String(),
      reached: Type.Integer(),
      advanced: Type.Integer(),
      conversion_rate: Nullable(Type.Number({ description: "advanced / reached, 4 decimals" })),
    }),
  ),
  win_rate: Nullable(Type.Number()),
  deal_velocity_days: Nullable(Type.Number({ description: "Mean days from creation to won" })),
});

export async function analyticsRoutes(app: CrmLeadProApp, { core }: CrmLeadProDeps): Promise<void> {
  app.get(
    "/analytics/pipeline",
    {
      config: { permission: "leads:read" },
      schema: {
        tags: ["Analytics"],
        summary:
          "Funnel metrics of the lead pipeline: volume and value per stage, conversion rates, time in stage, win rate, deal velocity",
        querystring: Type.Object(
          {
            pipeline: Type.Optional(
              Type.String({ maxLength: 50, description: "The default pipeline's key (sales)" }),
            ),
            from: Type.Optional(
              Type.String({ maxLength: 40, description: "Leads created at or after (ISO 8601)" }),
            ),
            to: Type.Optional(Type.String({ maxLength: 40, description: "Leads created before (ISO 8601)" })),
          },
          { additionalProperties: false },
        ),
        response: { 200: AnalyticsSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      const { pipeline: key, from, to } = request.query;
      const pipeline = await getDefaultPipeline(core, scope);
      if (key !== undefined && key !== pipeline.key) {
        throw validationError("pipeline", `analytics cover the lead pipeline (${pipeline.key})`);
      }
      const figures = await untilNextWrite(core, scope, `analytics:${from ?? ""}:${to ?? ""}`, () =>
        pipelineAnalytics(core, scope, { from, to }),
      );
      const keyOf = new Map(figures.stages.map((stage) => [stage.stageId, stage.key]));
      return {
        pipeline: pipeline.key,
        from: figures.range.from,
        to: figures.range.to,
        totals: { leads: figures.totals.leads, value: major(figures.totals.value) },
        stages: figures.stages.map((stage) => ({
          stage: stage.key,
          stage_id: publicId("stage", stage.stageId),
          name: stage.name,
          kind: stage.kind,
          count: stage.count,
          value: major(stage.value),
          average_days_in_stage: stage.averageDaysInStage,
        })),
        conversions: figures.conversions.map((conversion) => ({
          from_stage: keyOf.get(conversion.fromStageId) ?? conversion.fromKey,
          to_stage: keyOf.get(conversion.toStageId) ?? conversion.toKey,
          reached: conversion.reached,
          advanced: conversion.advanced,
          conversion_rate: conversion.rate,
        })),
        win_rate: figures.winRate,
        deal_velocity_days: figures.dealVelocityDays,
      };
    },
  );
}
