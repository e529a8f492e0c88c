/**
 * Axiomatic pipeline stages (seed-apis.md 003 rows 17–21): the stages of the workspace's default
 * pipeline, which is the lead board. Served by the core's pipelines, so Valethon's
 * `/pipelines/{default}/stages` shows the same stages.
 */
import { Type } from "typebox";
import { countLeadsPerStage } from "../../../core/leads/lead-stages.js";
import {
  addStage,
  deleteStage,
  getDefaultPipeline,
  reorderStages,
  updateStage,
} from "../../../core/pipelines/pipelines.service.js";
import {
  EntityQuery,
  EntityQuerySchema,
  ErrorSchema,
  IdParamsSchema,
  STANDARD_ERRORS,
  Uuid,
} from "./common.schemas.js";
import { type AxiomaticApp, type AxiomaticDeps, scopeOf } from "./context.js";
import { renderStage, stageInputFrom } from "./pipeline-stages.render.js";
import {
  CreateStageBodySchema,
  DeleteStageBodySchema,
  ReorderStagesBodySchema,
  StageListSchema,
  StageSchema,
  UpdateStageBodySchema,
} from "./pipeline-stages.schemas.js";

export async function pipelineStagesRoutes(app: AxiomaticApp, { core }: AxiomaticDeps): Promise<void> {
  const tags = ["Pipeline stages"];
  const read = { permission: "opportunities:read" } as const;
  const write = { permission: "opportunities:write" } as const;

  /** The board's stages in order, each with its live lead count. */
  async function board(scope: ReturnType<typeof scopeOf>) {
    const [pipeline, counts] = await Promise.all([
      getDefaultPipeline(core, scope),
      countLeadsPerStage(core.db, scope),
    ]);
    return { pipeline, counts };
  }

  app.get(
    "/pipeline-stages",
    {
      config: read,
      schema: {
        tags,
        summary: "List the lead pipeline's stages, in board order, with their lead counts",
        querystring: EntityQuerySchema,
        response: { 200: StageListSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const { pipeline, counts } = await board(scopeOf(request));
      return { stages: pipeline.stages.map((stage) => renderStage(stage, counts)) };
    },
  );

  app.post(
    "/pipeline-stages",
    {
      config: write,
      schema: {
        tags,
        summary: "Create a stage (kind open unless given; last unless sortOrder is given)",
        querystring: EntityQuerySchema,
        body: CreateStageBodySchema,
        response: { 201: StageSchema, 409: ErrorSchema, ...STANDARD_ERRORS },
      },
    },
    async (request, reply) => {
      const scope = scopeOf(request);
      const pipeline = await getDefaultPipeline(core, scope);
      const input = stageInputFrom(request.body);
      const { stage } = await addStage(
        core,
        scope,
        { id: pipeline.id },
        { ...input, kind: input.kind ?? "open" },
      );
      reply.code(201);
      return renderStage(stage, new Map());
    },
  );

  app.post(
    "/pipeline-stages/reorder",
    {
      config: write,
      schema: {
        tags,
        summary: "Put the stages in a new order: stageIds lists every stage exactly once",
        querystring: EntityQuerySchema,
        body: ReorderStagesBodySchema,
        response: { 200: StageListSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      const pipeline = await getDefaultPipeline(core, scope);
      const reordered = await reorderStages(
        core,
        scope,
        { id: pipeline.id },
        request.body.stageIds.map((id) => ({ id: id.toLowerCase() })),
      );
      const counts = await countLeadsPerStage(core.db, scope);
      return { stages: reordered.stages.map((stage) => renderStage(stage, counts)) };
    },
  );

  app.patch(
    "/pipeline-stages/:id",
    {
      config: write,
      schema: {
        tags,
        summary: "Update a stage (partial); kind cannot change while opportunities sit in it",
        params: IdParamsSchema,
        querystring: EntityQuerySchema,
        body: UpdateStageBodySchema,
        response: { 200: StageSchema, 404: ErrorSchema, 409: ErrorSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      const pipeline = await getDefaultPipeline(core, scope);
      const { stage } = await updateStage(
        core,
        scope,
        { id: pipeline.id },
        { id: request.params.id.toLowerCase() },
        stageInputFrom(request.body),
      );
      return renderStage(stage, await countLeadsPerStage(core.db, scope));
    },
  );

  app.delete(
    "/pipeline-stages/:id",
    {
      config: write,
      schema: {
        tags,
        summary:
          "Delete a stage; while it holds leads, moveLeadsToStageId (JSON body or query) names the stage that takes them",
        params: IdParamsSchema,
        querystring: Type.Object({
          ...EntityQuery,
          moveLeadsToStageId: Type.Optional(Uuid("Same as the body field")),
        }),
        body: DeleteStageBodySchema,
        response: { 204: Type.Null(), 404: ErrorSchema, 409: ErrorSchema, ...STANDARD_ERRORS },
      },
    },
    async (request, reply) => {
      const scope = scopeOf(request);
      const pipeline = await getDefaultPipeline(core, scope);
      const target = request.body?.moveLeadsToStageId ?? request.query.moveLeadsToStageId;
      await deleteStage(
        core,
        scope,
        { id: pipeline.id },
        { id: request.params.id.toLowerCase() },
        target === undefined ? undefined : { id: target.toLowerCase() },
      );
      reply.code(204);
    },
  );
}
