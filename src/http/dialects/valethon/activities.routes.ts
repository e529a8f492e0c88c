/** Valethon activities endpoints (seed-apis.md A1–A5). Handlers parse, call the core, render. */
import {
  createActivity,
  deleteActivity,
  getActivity,
  listActivities,
  updateActivity,
} from "../../../core/activities/activities.service.js";
import { validationError } from "../../../core/errors.js";
import { activityInputFrom, renderActivity, toCoreEntityType } from "./activities.render.js";
import {
  ActivityEnvelopeSchema,
  ActivityPageSchema,
  CreateActivityBodySchema,
  DeletedActivitySchema,
  ErrorSchema,
  IdParamsSchema,
  ListActivitiesQuerySchema,
  UpdateActivityBodySchema,
} from "./activities.schemas.js";
import { STANDARD_ERRORS } from "./common.schemas.js";
import { scopeOf, type ValethonApp, type ValethonDeps } from "./context.js";
import { ok, paginated } from "./envelope.js";

export async function activitiesRoutes(app: ValethonApp, { core }: ValethonDeps): Promise<void> {
  const tags = ["Activities"];

  app.get(
    "/activities",
    {
      config: { permission: "activities:read" },
      schema: {
        tags,
        summary: "List activities across all CRM records, newest first",
        querystring: ListActivitiesQuerySchema,
        response: { 200: ActivityPageSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const query = request.query;
      const page = query.page ?? 1;
      const perPage = query.per_page ?? 25;
      if (query.entity_id !== undefined && query.entity_type === undefined) {
        throw validationError("entityId", "needs entity_type");
      }
      const entityType = query.entity_type === undefined ? undefined : toCoreEntityType(query.entity_type);
      const result = await listActivities(core, scopeOf(request), {
        page,
        perPage,
        type: query.type,
        entityType,
        entity:
          entityType !== undefined && query.entity_id !== undefined
            ? { entityType, number: query.entity_id }
            : undefined,
        assignee: query.assigned_to === undefined ? undefined : { number: query.assigned_to },
        completed: query.completed,
      });
      return paginated(result.items.map(renderActivity), page, perPage, result.total);
    },
  );

  app.post(
    "/activities",
    {
      config: { permission: "activities:write" },
      schema: {
        tags,
        summary: "Create an activity",
        body: CreateActivityBodySchema,
        response: { 201: ActivityEnvelopeSchema, ...STANDARD_ERRORS },
      },
    },
    async (request, reply) => {
      const activity = await createActivity(core, scopeOf(request), activityInputFrom(request.body));
      reply.code(201);
      return ok(renderActivity(activity));
    },
  );

  app.get(
    "/activities/:id",
    {
      config: { permission: "activities:read" },
      schema: {
        tags,
        summary: "Get an activity",
        params: IdParamsSchema,
        response: { 200: ActivityEnvelopeSchema, 404: ErrorSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) =>
      ok(renderActivity(await getActivity(core, scopeOf(request), { number: request.params.id }))),
  );

  for (const method of ["PUT", "PATCH"] as const) {
    app.route({
      method,
      url: "/activities/:id",
      config: { permission: "activities:write" },
      schema: {
        tags,
        summary: `Update an activity: complete, reschedule, reassign (${method}; partial)`,
        params: IdParamsSchema,
        body: UpdateActivityBodySchema,
        response: { 200: ActivityEnvelopeSchema, 404: ErrorSchema, ...STANDARD_ERRORS },
      },
      handler: async (request) => {
        const activity = await updateActivity(
          core,
          scopeOf(request),
          { number: request.params.id },
          activityInputFrom(request.body),
        );
        return ok(renderActivity(activity));
      },
    });
  }

  app.delete(
    "/activities/:id",
    {
      config: { permission: "activities:write" },
      schema: {
        tags,
        summary: "Delete an activity (it disappears from every read)",
        params: IdParamsSchema,
        response: { 200: DeletedActivitySchema, 404: ErrorSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const activity = await deleteActivity(core, scopeOf(request), { number: request.params.id });
      return ok({ activity_id: activity.number, deleted: true as const });
    },
  );
}
