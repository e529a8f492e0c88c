/** Valethon opportunities endpoints (seed-apis.md O1–O6). Handlers parse, call the core, render. */
import {
  advanceOpportunity,
  createOpportunity,
  deleteOpportunity,
  getOpportunityDetails,
  listOpportunities,
  updateOpportunity,
} from "../../../core/opportunities/opportunities.service.js";
import { STANDARD_ERRORS } from "./common.schemas.js";
import { scopeOf, type ValethonApp, type ValethonDeps } from "./context.js";
import { ok, paginated } from "./envelope.js";
import { opportunityInputFrom, renderOpportunity, renderOpportunityDetails } from "./opportunities.render.js";
import {
  AdvancedOpportunitySchema,
  CreatedOpportunitySchema,
  CreateOpportunityBodySchema,
  DeletedOpportunitySchema,
  ErrorSchema,
  IdParamsSchema,
  ListOpportunitiesQuerySchema,
  OpportunityEnvelopeSchema,
  OpportunityPageSchema,
  UpdateOpportunityBodySchema,
} from "./opportunities.schemas.js";

export async function opportunitiesRoutes(app: ValethonApp, { core }: ValethonDeps): Promise<void> {
  const tags = ["Opportunities"];

  app.get(
    "/opportunities",
    {
      config: { permission: "opportunities:read" },
      schema: {
        tags,
        summary: "List opportunities with filters and pagination (newest first)",
        querystring: ListOpportunitiesQuerySchema,
        response: { 200: OpportunityPageSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const query = request.query;
      const page = query.page ?? 1;
      const perPage = query.per_page ?? 25;
      const result = await listOpportunities(core, scopeOf(request), {
        page,
        perPage,
        stage: query.stage?.trim() || undefined,
        status: query.status === "all" ? undefined : query.status,
        owner: query.assigned_to === undefined ? undefined : { number: query.assigned_to },
        company: query.prospect_id === undefined ? undefined : { number: query.prospect_id },
        minValue: query.min_value,
        maxValue: query.max_value,
      });
      return paginated(result.items.map(renderOpportunity), page, perPage, result.total);
    },
  );

  app.post(
    "/opportunities",
    {
      config: { permission: "opportunities:write" },
      schema: {
        tags,
        summary: "Create an opportunity (default stage: the pipeline's first open stage)",
        body: CreateOpportunityBodySchema,
        response: { 201: CreatedOpportunitySchema, ...STANDARD_ERRORS },
      },
    },
    async (request, reply) => {
      const opportunity = await createOpportunity(core, scopeOf(request), opportunityInputFrom(request.body));
      reply.code(201);
      return ok(renderOpportunity(opportunity));
    },
  );

  app.get(
    "/opportunities/:id",
    {
      config: { permission: "opportunities:read" },
      schema: {
        tags,
        summary: "Get an opportunity with its activities, notes and linked records",
        params: IdParamsSchema,
        response: { 200: OpportunityEnvelopeSchema, 404: ErrorSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) =>
      ok(
        renderOpportunityDetails(
          await getOpportunityDetails(core, scopeOf(request), { number: request.params.id }),
        ),
      ),
  );

  for (const method of ["PUT", "PATCH"] as const) {
    app.route({
      method,
      url: "/opportunities/:id",
      config: { permission: "opportunities:write" },
      schema: {
        tags,
        summary: `Update an opportunity (${method}; partial: absent fields stay as they are)`,
        params: IdParamsSchema,
        body: UpdateOpportunityBodySchema,
        response: { 200: OpportunityEnvelopeSchema, 404: ErrorSchema, ...STANDARD_ERRORS },
      },
      handler: async (request) => {
        const scope = scopeOf(request);
        const ref = { number: request.params.id };
        const updated = await updateOpportunity(core, scope, ref, opportunityInputFrom(request.body));
        return ok(renderOpportunityDetails(await getOpportunityDetails(core, scope, { id: updated.id })));
      },
    });
  }

  app.delete(
    "/opportunities/:id",
    {
      config: { permission: "opportunities:write" },
      schema: {
        tags,
        summary: "Delete an opportunity (it disappears from every read)",
        params: IdParamsSchema,
        response: { 200: DeletedOpportunitySchema, 404: ErrorSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const opportunity = await deleteOpportunity(core, scopeOf(request), { number: request.params.id });
      return ok({ opportunity_id: opportunity.number, deleted: true as const });
    },
  );

  app.post(
    "/opportunities/:id/advance",
    {
      config: { permission: "opportunities:write" },
      schema: {
        tags,
        summary: "Move an open opportunity to the next open stage of its pipeline",
        params: IdParamsSchema,
        response: { 200: AdvancedOpportunitySchema, 404: ErrorSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const move = await advanceOpportunity(core, scopeOf(request), { number: request.params.id });
      return ok({ opportunity_id: move.number, stage: move.stage, previous_stage: move.previousStage });
    },
  );
}
