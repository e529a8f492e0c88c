/** Valethon pipelines endpoints: a Kith extension in Valethon conventions (docs/valethon.md). */
import {
  addStage,
  createPipeline,
  deleteStage,
  getPipeline,
  listPipelines,
  reorderStages,
  updateStage,
} from "../../../core/pipelines/pipelines.service.js";
import { STANDARD_ERRORS } from "./common.schemas.js";
import { scopeOf, type ValethonApp, type ValethonDeps } from "./context.js";
import { ok } from "./envelope.js";
import { renderPipeline, renderStage } from "./pipelines.render.js";
import {
  CreatePipelineBodySchema,
  CreateStageBodySchema,
  DeletedStageSchema,
  DeleteStageQuerySchema,
  ErrorSchema,
  IdParamsSchema,
  PipelineEnvelopeSchema,
  PipelineListSchema,
  ReorderStagesBodySchema,
  StageEnvelopeSchema,
  StageParamsSchema,
  UpdateStageBodySchema,
} from "./pipelines.schemas.js";

export async function pipelinesRoutes(app: ValethonApp, { core }: ValethonDeps): Promise<void> {
  const tags = ["Pipelines"];
  const read = { permission: "opportunities:read" } as const;
  const write = { permission: "opportunities:write" } as const;

  app.get(
    "/pipelines",
    {
      config: read,
      schema: {
        tags,
        summary: "List pipelines, the default first, each with its stages in order",
        response: { 200: PipelineListSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => ok((await listPipelines(core, scopeOf(request))).map(renderPipeline)),
  );

  app.get(
    "/pipelines/:id",
    {
      config: read,
      schema: {
        tags,
        summary: "Get a pipeline with its stages",
        params: IdParamsSchema,
        response: { 200: PipelineEnvelopeSchema, 404: ErrorSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) =>
      ok(renderPipeline(await getPipeline(core, scopeOf(request), { number: request.params.id }))),
  );

  app.post(
    "/pipelines",
    {
      config: write,
      schema: {
        tags,
        summary: "Create a pipeline (without stages it gets the sales pipeline's stages)",
        body: CreatePipelineBodySchema,
        response: { 201: PipelineEnvelopeSchema, 409: ErrorSchema, ...STANDARD_ERRORS },
      },
    },
    async (request, reply) => {
      const pipeline = await createPipeline(core, scopeOf(request), request.body);
      reply.code(201);
      return ok(renderPipeline(pipeline));
    },
  );

  app.post(
    "/pipelines/:id/stages",
    {
      config: write,
      schema: {
        tags,
        summary: "Add a stage (at `position`, default last)",
        params: IdParamsSchema,
        body: CreateStageBodySchema,
        response: { 201: StageEnvelopeSchema, 404: ErrorSchema, 409: ErrorSchema, ...STANDARD_ERRORS },
      },
    },
    async (request, reply) => {
      const { stage } = await addStage(core, scopeOf(request), { number: request.params.id }, request.body);
      reply.code(201);
      return ok(renderStage(stage));
    },
  );

  app.put(
    "/pipelines/:id/stages/reorder",
    {
      config: write,
      schema: {
        tags,
        summary: "Reorder the stages; `stage_ids` must list every stage of the pipeline once",
        params: IdParamsSchema,
        body: ReorderStagesBodySchema,
        response: { 200: PipelineEnvelopeSchema, 404: ErrorSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const pipeline = await reorderStages(
        core,
        scopeOf(request),
        { number: request.params.id },
        request.body.stage_ids.map((number) => ({ number })),
      );
      return ok(renderPipeline(pipeline));
    },
  );

  for (const method of ["PUT", "PATCH"] as const) {
    app.route({
      method,
      url: "/pipelines/:id/stages/:stage_id",
      config: write,
      schema: {
        tags,
        summary: `Update a stage (${method}; partial: absent fields stay as they are)`,
        params: StageParamsSchema,
        body: UpdateStageBodySchema,
        response: { 200: StageEnvelopeSchema, 404: ErrorSchema, 409: ErrorSchema, ...STANDARD_ERRORS },
      },
      handler: async (request) => {
        const { stage } = await updateStage(
          core,
          scopeOf(request),
          { number: request.params.id },
          { number: request.params.stage_id },
          request.body,
        );
        return ok(renderStage(stage));
      },
    });
  }

  app.delete(
    "/pipelines/:id/stages/:stage_id",
    {
      config: write,
      schema: {
        tags,
        summary: "Delete a stage; one that holds opportunities needs `move_to` (they move with it)",
        params: StageParamsSchema,
        querystring: DeleteStageQuerySchema,
        response: { 200: DeletedStageSchema, 404: ErrorSchema, 409: ErrorSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const moveTo = request.query.move_to;
      const result = await deleteStage(
        core,
        scopeOf(request),
        { number: request.params.id },
        { number: request.params.stage_id },
        moveTo === undefined ? undefined : { number: moveTo },
      );
      return ok({
        stage_id: result.stage.number,
        deleted: true as const,
        moved_to: moveTo ?? null,
        moved_opportunities: result.moved,
        moved_leads: result.movedLeads,
      });
    },
  );
}
