/** A lead's own activity routes (seed-apis.md L7, L8): the activities API scoped to one lead. */
import {
  createActivity,
  latestActivitiesOf,
  listEntityActivities,
} from "../../../core/activities/activities.service.js";
import type { Core, Scope } from "../../../core/core.js";
import type { Permission } from "../../../core/keys/permissions.js";
import { getLead } from "../../../core/leads/leads.service.js";
import { leadConversionLinks } from "../../../core/shared/entity-refs.js";
import { activityInputFrom, renderActivity } from "./activities.render.js";
import {
  ActivityEnvelopeSchema,
  ActivityPageSchema,
  CreateEntityActivityBodySchema,
  ErrorSchema,
  IdParamsSchema,
  PageOnlyQuerySchema,
} from "./activities.schemas.js";
import { STANDARD_ERRORS } from "./common.schemas.js";
import { scopeOf, type ValethonApp, type ValethonDeps } from "./context.js";
import { ok, paginated } from "./envelope.js";

/** How many activities a lead's details (L3) show; the full history is L8. */
export const LEAD_DETAIL_ACTIVITIES = 20;

/**
 * What GET /leads/{id} (L3) adds to a lead's fields: the records it was converted into, and its
 * latest activities when the key may read activities.
 */
export async function renderLeadHistory(
  core: Core,
  scope: Scope,
  leadId: string,
  permissions: ReadonlySet<Permission>,
) {
  const links = await leadConversionLinks(core.db, scope, leadId);
  const history: {
    contact_id: number | null;
    prospect_id: number | null;
    opportunity_id: number | null;
    activities?: ReturnType<typeof renderActivity>[];
  } = {
    contact_id: links.contact?.number ?? null,
    prospect_id: links.company?.number ?? null,
    opportunity_id: links.opportunity?.number ?? null,
  };
  if (permissions.has("activities:read")) {
    const latest = await latestActivitiesOf(
      core,
      scope,
      { entityType: "lead", entityId: leadId },
      LEAD_DETAIL_ACTIVITIES,
    );
    history.activities = latest.map(renderActivity);
  }
  return history;
}

export async function leadActivitiesRoutes(app: ValethonApp, { core }: ValethonDeps): Promise<void> {
  const tags = ["Leads", "Activities"];

  app.post(
    "/leads/:id/activities",
    {
      config: { permission: "activities:write" },
      schema: {
        tags,
        summary: "Log an activity against a lead",
        params: IdParamsSchema,
        body: CreateEntityActivityBodySchema,
        response: { 201: ActivityEnvelopeSchema, 404: ErrorSchema, ...STANDARD_ERRORS },
      },
    },
    async (request, reply) => {
      const scope = scopeOf(request);
      const lead = await getLead(core, scope, { number: request.params.id });
      const activity = await createActivity(core, scope, {
        ...activityInputFrom(request.body),
        entity: { entityType: "lead", id: lead.id },
      });
      reply.code(201);
      return ok(renderActivity(activity));
    },
  );

  app.get(
    "/leads/:id/activities",
    {
      config: { permission: "activities:read" },
      schema: {
        tags,
        summary: "A lead's activity history, newest first",
        params: IdParamsSchema,
        querystring: PageOnlyQuerySchema,
        response: { 200: ActivityPageSchema, 404: ErrorSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const page = request.query.page ?? 1;
      const perPage = request.query.per_page ?? 25;
      const result = await listEntityActivities(
        core,
        scopeOf(request),
        { entityType: "lead", number: request.params.id },
        { page, perPage },
      );
      return paginated(result.items.map(renderActivity), page, perPage, result.total);
    },
  );
}
