/** CRMLead Pro leads (seeds/002): list, create, get with history, patch, archive and restore. */
import type { Scope } from "../../../core/core.js";
import type { Lead, LeadListQuery, LeadSortField } from "../../../core/leads/lead.types.js";
import {
  createLead,
  deleteLead,
  getLeadEvenArchived,
  listLeads,
  restoreLead,
  updateLead,
} from "../../../core/leads/leads.service.js";
import { getDefaultPipeline } from "../../../core/pipelines/pipelines.service.js";
import { readTags } from "../../../core/tags/tags.js";
import { ErrorSchema, IdParamsSchema, listOf, pageOf, STANDARD_ERRORS } from "./common.schemas.js";
import { type CrmLeadProApp, type CrmLeadProDeps, scopeOf } from "./context.js";
import { usernameOf, uuidOf } from "./ids.js";
import { leadHistory } from "./lead-history.js";
import { leadInputFrom, renderLead } from "./leads.render.js";
import {
  ArchivedSchema,
  CreateLeadBodySchema,
  LeadListSchema,
  LeadSchema,
  LeadWithHistorySchema,
  ListLeadsQuerySchema,
  UpdateLeadBodySchema,
} from "./leads.schemas.js";

const SORT_COLUMNS: Record<string, LeadSortField> = {
  created_at: "created_at",
  updated_at: "updated_at",
  name: "first_name",
  email: "email",
  score: "score",
  status: "status",
};

export async function leadsRoutes(app: CrmLeadProApp, { core }: CrmLeadProDeps): Promise<void> {
  const tags = ["Leads"];
  const NOT_FOUND = { 404: ErrorSchema };

  /** The leads as objects, with stage keys and tags read once for all of them. */
  async function render(scope: Scope, leads: Lead[], archived = false) {
    const [pipeline, tagsById] = await Promise.all([
      getDefaultPipeline(core, scope),
      readTags(
        core.db,
        scope.workspaceId,
        "lead",
        leads.map((lead) => lead.id),
      ),
    ]);
    const stageKeys = new Map(pipeline.stages.map((stage) => [stage.id, stage.key]));
    return leads.map((lead) => renderLead(lead, { stageKeys, tags: tagsById }, archived));
  }
  const renderOne = async (scope: Scope, lead: Lead, archived = false) =>
    (await render(scope, [lead], archived))[0]!;
  const leadId = (id: string) => uuidOf("lead", id, "id");

  app.get(
    "/leads",
    {
      config: { permission: "leads:read" },
      schema: {
        tags,
        summary: "List leads: filters, search, sort and pages; archived=true lists archived ones",
        querystring: ListLeadsQuerySchema,
        response: { 200: LeadListSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const query = request.query;
      const scope = scopeOf(request);
      const { page, perPage } = pageOf(query);
      const filter: LeadListQuery = {
        page,
        perPage,
        status: query.status,
        source: query.source,
        tag: query.tag,
        archived: query.archived,
        search: query.search?.trim() || undefined,
        createdAfter: query.created_after,
        createdBefore: query.created_before,
        sort: SORT_COLUMNS[query.sort ?? "created_at"]!,
        order: query.order ?? "desc",
        ...(query.pipeline_stage ? { stage: { key: query.pipeline_stage } } : {}),
        ...(query.assigned_to
          ? { assignee: { username: usernameOf(query.assigned_to, "assigned_to") } }
          : {}),
      };
      const result = await listLeads(core, scope, filter);
      return listOf(await render(scope, result.items, query.archived === true), page, perPage, result.total);
    },
  );

  app.post(
    "/leads",
    {
      config: { permission: "leads:write" },
      schema: {
        tags,
        summary: "Create a lead (in the default pipeline's first open stage unless pipeline_stage says)",
        body: CreateLeadBodySchema,
        response: { 201: LeadSchema, 409: ErrorSchema, ...STANDARD_ERRORS },
      },
    },
    async (request, reply) => {
      const scope = scopeOf(request);
      const pipeline = await getDefaultPipeline(core, scope);
      const lead = await createLead(core, scope, leadInputFrom(request.body, pipeline.key));
      reply.code(201);
      return renderOne(scope, lead);
    },
  );

  app.get(
    "/leads/:id",
    {
      config: { permission: "leads:read" },
      schema: {
        tags,
        summary: "A lead with its full history (archived leads too, with archived: true)",
        params: IdParamsSchema,
        response: { 200: LeadWithHistorySchema, ...NOT_FOUND, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      const { lead, archived } = await getLeadEvenArchived(core, scope, leadId(request.params.id));
      const [rendered, history] = await Promise.all([
        renderOne(scope, lead, archived),
        leadHistory(core, scope, lead.id),
      ]);
      return { ...rendered, history };
    },
  );

  app.patch(
    "/leads/:id",
    {
      config: { permission: "leads:write" },
      schema: {
        tags,
        summary: "Update a lead (partial: status, pipeline_stage, assigned_to, tags, …)",
        params: IdParamsSchema,
        body: UpdateLeadBodySchema,
        response: { 200: LeadSchema, ...NOT_FOUND, 409: ErrorSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      const pipeline = await getDefaultPipeline(core, scope);
      const lead = await updateLead(
        core,
        scope,
        { id: leadId(request.params.id) },
        leadInputFrom(request.body, pipeline.key),
      );
      return renderOne(scope, lead);
    },
  );

  app.delete(
    "/leads/:id",
    {
      config: { permission: "leads:delete" },
      schema: {
        tags,
        summary: "Archive a lead (soft delete): gone from lists, its id still answers, restorable",
        params: IdParamsSchema,
        response: { 200: ArchivedSchema, ...NOT_FOUND, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const lead = await deleteLead(core, scopeOf(request), { id: leadId(request.params.id) });
      return { id: request.params.id, uuid: lead.id, archived: true as const };
    },
  );

  app.post(
    "/leads/:id/restore",
    {
      config: { permission: "leads:write" },
      schema: {
        tags,
        summary: "Restore an archived lead (409 when its email now belongs to another lead)",
        params: IdParamsSchema,
        response: { 200: LeadSchema, ...NOT_FOUND, 409: ErrorSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      return renderOne(scope, await restoreLead(core, scope, leadId(request.params.id)));
    },
  );
}
