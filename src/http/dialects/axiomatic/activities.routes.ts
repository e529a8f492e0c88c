/** Axiomatic activities and tasks (seed-apis.md 003 rows 30–32), served by the core's activities. */
import { createActivity, listActivities } from "../../../core/activities/activities.service.js";
import { recordFrom, renderActivity, withActivityFields } from "./activities.render.js";
import {
  ActivityPageSchema,
  ActivitySchema,
  CreateActivityBodySchema,
  ListActivitiesQuerySchema,
  ListTasksQuerySchema,
  TaskPageSchema,
} from "./activities.schemas.js";
import { EntityQuerySchema, pageOf, STANDARD_ERRORS } from "./common.schemas.js";
import { type AxiomaticApp, type AxiomaticDeps, scopeOf } from "./context.js";

export async function activitiesRoutes(app: AxiomaticApp, { core }: AxiomaticDeps): Promise<void> {
  const tags = ["Activities"];

  app.get(
    "/activities",
    {
      config: { permission: "activities:read" },
      schema: {
        tags,
        summary: "List activities, newest first",
        querystring: ListActivitiesQuerySchema,
        response: { 200: ActivityPageSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const query = request.query;
      const { page, pageSize } = pageOf(query);
      const record = recordFrom(query);
      const result = await listActivities(core, scopeOf(request), {
        page,
        perPage: pageSize,
        type: query.type,
        completed: query.completed,
        ...(record ? { entity: record.entity } : {}),
        ...(query.assigneeUserId ? { assignee: { id: query.assigneeUserId } } : {}),
      });
      return { activities: result.items.map(renderActivity), total: result.total, page, pageSize };
    },
  );

  app.post(
    "/activities",
    {
      config: { permission: "activities:write" },
      schema: {
        tags,
        summary: "Log an activity (a call, email, meeting, task or note), on at most one record",
        querystring: EntityQuerySchema,
        body: CreateActivityBodySchema,
        response: { 201: ActivitySchema, ...STANDARD_ERRORS },
      },
    },
    async (request, reply) => {
      const { leadId, companyId, contactId, assigneeUserId, ...fields } = request.body;
      const record = recordFrom({ leadId, companyId, contactId });
      const activity = await withActivityFields(record?.field, () =>
        createActivity(core, scopeOf(request), {
          ...fields,
          ...(record ? { entity: record.entity } : {}),
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
    "/tasks",
    {
      config: { permission: "activities:read" },
      schema: {
        tags,
        summary: "Open tasks: overdue first, then by due date, undated last",
        querystring: ListTasksQuerySchema,
        response: { 200: TaskPageSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const query = request.query;
      const { page, pageSize } = pageOf(query);
      const result = await listActivities(core, scopeOf(request), {
        page,
        perPage: pageSize,
        type: "task",
        completed: false,
        order: "dueFirst",
        ...(query.leadId ? { entity: { entityType: "lead", id: query.leadId } } : {}),
        ...(query.assigneeUserId ? { assignee: { id: query.assigneeUserId } } : {}),
      });
      return { tasks: result.items.map(renderActivity), total: result.total, page, pageSize };
    },
  );
}
