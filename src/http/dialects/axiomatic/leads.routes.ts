/**
 * Axiomatic leads (seed-apis.md 003 rows 22–29): the core's leads seen as pipeline cards, with
 * stage moves, activities logged on them and their timeline.
 */
import { Type } from "typebox";
import { createActivity } from "../../../core/activities/activities.service.js";
import type { Scope } from "../../../core/core.js";
import { validationError } from "../../../core/errors.js";
import type { Lead } from "../../../core/leads/lead.types.js";
import { leadTimeline } from "../../../core/leads/lead-timeline.js";
import { createLead, deleteLead, getLead, listLeads, updateLead } from "../../../core/leads/leads.service.js";
import { findStagesById } from "../../../core/pipelines/pipelines.repository.js";
import { renderActivity, withActivityFields } from "./activities.render.js";
import { ActivitySchema } from "./activities.schemas.js";
import { EntityQuerySchema, ErrorSchema, IdParamsSchema, pageOf, STANDARD_ERRORS } from "./common.schemas.js";
import { type AxiomaticApp, type AxiomaticDeps, ownerFilter, scopeOf } from "./context.js";
import { leadInputFrom, renderLead, renderTimelineItem, stageRefFrom } from "./leads.render.js";
import {
  CreateLeadBodySchema,
  LeadActivityBodySchema,
  LeadPageSchema,
  LeadSchema,
  ListLeadsQuerySchema,
  MoveLeadBodySchema,
  TimelineQuerySchema,
  TimelineSchema,
  UpdateLeadBodySchema,
} from "./leads.schemas.js";

export async function leadsRoutes(app: AxiomaticApp, { core }: AxiomaticDeps): Promise<void> {
  const tags = ["Leads"];
  const NOT_FOUND = { 404: ErrorSchema };

  /** The leads as cards, with the stages they stand in read once. */
  async function render(scope: Scope, leads: Lead[]) {
    const stageIds = [...new Set(leads.map((lead) => lead.stageId).filter((id) => id !== null))];
    const stages = await findStagesById(core.db, scope, stageIds);
    return leads.map((lead) => renderLead(lead, stages));
  }
  const renderOne = async (scope: Scope, lead: Lead) => (await render(scope, [lead]))[0]!;
  const leadRef = (id: string) => ({ id: id.toLowerCase() });

  app.get(
    "/leads",
    {
      config: { permission: "leads:read" },
      schema: {
        tags,
        summary: "List leads, newest first",
        querystring: ListLeadsQuerySchema,
        response: { 200: LeadPageSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const query = request.query;
      const scope = scopeOf(request);
      const { page, pageSize } = pageOf(query);
      if (query.stageId !== undefined && query.stage !== undefined) {
        throw validationError("stage", "give stageId or stage, not both");
      }
      const owner = ownerFilter(query.ownerUserId);
      if (owner === "nobody") return { leads: [], total: 0, page, pageSize };
      const result = await listLeads(core, scope, {
        page,
        perPage: pageSize,
        sort: "created_at",
        order: "desc",
        search: query.q?.trim() || undefined,
        stage: stageRefFrom(query.stageId, query.stage),
        companyId: query.companyId?.toLowerCase(),
        contactId: query.contactId?.toLowerCase(),
        ...(owner === null ? { unassigned: true } : owner ? { assignee: { id: owner } } : {}),
      });
      return { leads: await render(scope, result.items), total: result.total, page, pageSize };
    },
  );

  app.post(
    "/leads",
    {
      config: { permission: "leads:write" },
      schema: {
        tags,
        summary: "Create a lead (a card in the first open stage unless stageId or stage says otherwise)",
        querystring: EntityQuerySchema,
        body: CreateLeadBodySchema,
        response: { 201: LeadSchema, 409: ErrorSchema, ...STANDARD_ERRORS },
      },
    },
    async (request, reply) => {
      const scope = scopeOf(request);
      if (request.body.stageId !== undefined && request.body.stage !== undefined) {
        throw validationError("stage", "give stageId or stage, not both");
      }
      const lead = await createLead(core, scope, leadInputFrom(request.body));
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
        summary: "Get a lead",
        params: IdParamsSchema,
        querystring: EntityQuerySchema,
        response: { 200: LeadSchema, ...NOT_FOUND, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      return renderOne(scope, await getLead(core, scope, leadRef(request.params.id)));
    },
  );

  app.patch(
    "/leads/:id",
    {
      config: { permission: "leads:write" },
      schema: {
        tags,
        summary: "Update a lead (partial); a new stage is recorded as a move",
        params: IdParamsSchema,
        querystring: EntityQuerySchema,
        body: UpdateLeadBodySchema,
        response: { 200: LeadSchema, ...NOT_FOUND, 409: ErrorSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      if (request.body.stageId !== undefined && request.body.stage !== undefined) {
        throw validationError("stage", "give stageId or stage, not both");
      }
      const lead = await updateLead(core, scope, leadRef(request.params.id), leadInputFrom(request.body));
      return renderOne(scope, lead);
    },
  );

  app.delete(
    "/leads/:id",
    {
      config: { permission: "leads:delete" },
      schema: {
        tags,
        summary: "Delete a lead",
        params: IdParamsSchema,
        querystring: EntityQuerySchema,
        response: { 204: Type.Null(), ...NOT_FOUND, ...STANDARD_ERRORS },
      },
    },
    async (request, reply) => {
      await deleteLead(core, scopeOf(request), leadRef(request.params.id));
      reply.code(204);
    },
  );

  app.patch(
    "/leads/:id/stage",
    {
      config: { permission: "leads:write" },
      schema: {
        tags,
        summary:
          "Move a lead to a stage (stageId, or stage by name or system key); the move is recorded. Without either, nothing moves",
        params: IdParamsSchema,
        querystring: EntityQuerySchema,
        body: MoveLeadBodySchema,
        response: { 200: LeadSchema, ...NOT_FOUND, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      const { stageId, stage } = request.body;
      if (stageId !== undefined && stage !== undefined) {
        throw validationError("stage", "give stageId or stage, not both");
      }
      // Like any PATCH, naming no stage changes nothing (the seed's sample body is `{}`).
      const lead = await updateLead(core, scope, leadRef(request.params.id), {
        stage: stageRefFrom(stageId, stage),
      });
      return renderOne(scope, lead);
    },
  );

  app.post(
    "/leads/:id/activities",
    {
      config: { permission: "activities:write" },
      schema: {
        tags,
        summary: "Log an activity on a lead (type and subject required)",
        params: IdParamsSchema,
        querystring: EntityQuerySchema,
        body: LeadActivityBodySchema,
        response: { 201: ActivitySchema, ...NOT_FOUND, ...STANDARD_ERRORS },
      },
    },
    async (request, reply) => {
      const scope = scopeOf(request);
      const lead = await getLead(core, scope, leadRef(request.params.id));
      const { assigneeUserId, ...fields } = request.body;
      const activity = await withActivityFields("leadId", () =>
        createActivity(core, scope, {
          ...fields,
          entity: { entityType: "lead", id: lead.id },
          ...(assigneeUserId !== undefined
            ? { assignee: assigneeUserId === null ? null : { id: assigneeUserId } }
            : {}),
        }),
      );
      reply.code(201);
      return renderActivity(activity);
    },
  );

  app.get(
    "/leads/:id/timeline",
    {
      config: { permission: "leads:read" },
      schema: {
        tags,
        summary: "The lead's history, oldest first: created, stage moves, activities, emails, notes",
        params: IdParamsSchema,
        querystring: TimelineQuerySchema,
        response: { 200: TimelineSchema, ...NOT_FOUND, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const timeline = await leadTimeline(
        core,
        scopeOf(request),
        leadRef(request.params.id),
        request.query.limit,
      );
      return { leadId: timeline.leadId, items: timeline.items.map(renderTimelineItem) };
    },
  );
}
