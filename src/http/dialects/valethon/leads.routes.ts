/** Valethon leads endpoints (seed-apis.md L1–L5). Handlers parse, call the core, render. */
import { createLead, deleteLead, getLead, listLeads, updateLead } from "../../../core/leads/leads.service.js";
import { STANDARD_ERRORS } from "./common.schemas.js";
import { parseTimeFilter, scopeOf, type ValethonApp, type ValethonDeps } from "./context.js";
import { ok, paginated, renderTime } from "./envelope.js";
import { renderLeadHistory } from "./lead-activities.routes.js";
import { leadInputFrom, renderLead, renderLeadDetails } from "./leads.render.js";
import {
  CreatedLeadSchema,
  CreateLeadBodySchema,
  DeletedLeadSchema,
  ErrorSchema,
  IdParamsSchema,
  LeadEnvelopeSchema,
  LeadPageSchema,
  LeadWithHistoryEnvelopeSchema,
  ListLeadsQuerySchema,
  UpdateLeadBodySchema,
} from "./leads.schemas.js";

export async function leadsRoutes(app: ValethonApp, { core }: ValethonDeps): Promise<void> {
  const tags = ["Leads"];

  app.get(
    "/leads",
    {
      config: { permission: "leads:read" },
      schema: {
        tags,
        summary: "List leads with filters and pagination",
        querystring: ListLeadsQuerySchema,
        response: { 200: LeadPageSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const query = request.query;
      const page = query.page ?? 1;
      const perPage = query.per_page ?? 25;
      const result = await listLeads(core, scopeOf(request), {
        page,
        perPage,
        status: query.status === "all" ? undefined : query.status,
        source: query.source,
        assignee: query.assigned_to === undefined ? undefined : { number: query.assigned_to },
        search: query.search?.trim() || undefined,
        createdAfter: parseTimeFilter("created_after", query.created_after),
        createdBefore: parseTimeFilter("created_before", query.created_before),
        sort: query.sort ?? "created_at",
        order: query.order ?? "desc",
      });
      return paginated(result.items.map(renderLead), page, perPage, result.total);
    },
  );

  app.post(
    "/leads",
    {
      config: { permission: "leads:write" },
      schema: {
        tags,
        summary: "Create a lead",
        body: CreateLeadBodySchema,
        response: { 201: CreatedLeadSchema, 409: ErrorSchema, ...STANDARD_ERRORS },
      },
    },
    async (request, reply) => {
      const lead = await createLead(core, scopeOf(request), leadInputFrom(request.body));
      reply.code(201);
      return ok({
        lead_id: lead.number,
        uuid: lead.id,
        status: lead.status,
        created_at: renderTime(lead.createdAt),
      });
    },
  );

  app.get(
    "/leads/:id",
    {
      config: { permission: "leads:read" },
      schema: {
        tags,
        summary: "Get a lead",
        params: IdParamsSchema,
        response: { 200: LeadWithHistoryEnvelopeSchema, 404: ErrorSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      const lead = await getLead(core, scope, { number: request.params.id });
      return ok({
        ...renderLeadDetails(lead),
        ...(await renderLeadHistory(core, scope, lead.id, request.principal!.permissions)),
      });
    },
  );

  for (const method of ["PUT", "PATCH"] as const) {
    app.route({
      method,
      url: "/leads/:id",
      config: { permission: "leads:write" },
      schema: {
        tags,
        summary: `Update a lead (${method}; partial: absent fields stay as they are)`,
        params: IdParamsSchema,
        body: UpdateLeadBodySchema,
        response: { 200: LeadEnvelopeSchema, 404: ErrorSchema, 409: ErrorSchema, ...STANDARD_ERRORS },
      },
      handler: async (request) => {
        const lead = await updateLead(
          core,
          scopeOf(request),
          { number: request.params.id },
          leadInputFrom(request.body),
        );
        return ok(renderLeadDetails(lead));
      },
    });
  }

  app.delete(
    "/leads/:id",
    {
      config: { permission: "leads:delete" },
      schema: {
        tags,
        summary: "Delete a lead (it disappears from every read)",
        params: IdParamsSchema,
        response: { 200: DeletedLeadSchema, 404: ErrorSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const lead = await deleteLead(core, scopeOf(request), { number: request.params.id });
      return ok({ lead_id: lead.number, deleted: true as const });
    },
  );
}
