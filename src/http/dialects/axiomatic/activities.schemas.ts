/** Request and response schemas of Axiomatic activities and tasks (seed-apis.md 003 rows 30–32). */
import { Type } from "typebox";
import { ACTIVITY_LIMITS, ACTIVITY_TYPES } from "../../../core/activities/activity.types.js";
import { Nullable, StringEnum } from "../../schema-helpers.js";
import { EntityQuery, PageQuery, Uuid } from "./common.schemas.js";

const Time = Type.String({ format: "date-time" });

export const ActivitySchema = Type.Object({
  id: Uuid(),
  type: Type.String({ description: ACTIVITY_TYPES.join(", ") }),
  subject: Type.String(),
  description: Nullable(Type.String()),
  leadId: Nullable(Uuid()),
  companyId: Nullable(Uuid()),
  contactId: Nullable(Uuid()),
  assigneeUserId: Nullable(Uuid()),
  dueDate: Nullable(Time),
  durationMinutes: Nullable(Type.Integer()),
  startsAt: Nullable(Time),
  endsAt: Nullable(Time),
  completed: Type.Boolean(),
  completedAt: Nullable(Time),
  createdAt: Time,
  updatedAt: Time,
});

/** At most one of them: the record the activity is logged on. */
const recordIds = {
  leadId: Type.Optional(Uuid("The lead the activity is on")),
  companyId: Type.Optional(Uuid("The company the activity is on")),
  contactId: Type.Optional(Uuid("The contact the activity is on")),
};

/** Times are ISO 8601 date-times with a zone; the core checks them and names the field. */
const time = (description: string) => Type.Optional(Nullable(Type.String({ maxLength: 40, description })));

export const CreateActivityBodySchema = Type.Object(
  {
    type: StringEnum(ACTIVITY_TYPES),
    subject: Type.String({ maxLength: ACTIVITY_LIMITS.subject }),
    description: Type.Optional(Nullable(Type.String({ maxLength: ACTIVITY_LIMITS.description }))),
    ...recordIds,
    assigneeUserId: Type.Optional(Nullable(Uuid("A user of the workspace"))),
    dueDate: time("When a task is due"),
    durationMinutes: Type.Optional(
      Nullable(Type.Integer({ minimum: ACTIVITY_LIMITS.durationMin, maximum: ACTIVITY_LIMITS.durationMax })),
    ),
    startsAt: time("Meetings only"),
    endsAt: time("Meetings only; after startsAt"),
    completed: Type.Optional(Type.Boolean({ description: "true logs something already done" })),
  },
  { additionalProperties: false },
);

export const ListActivitiesQuerySchema = Type.Object(
  {
    ...EntityQuery,
    ...recordIds,
    type: Type.Optional(StringEnum(ACTIVITY_TYPES)),
    assigneeUserId: Type.Optional(Uuid("Activities assigned to this user")),
    completed: Type.Optional(Type.Boolean()),
    ...PageQuery,
  },
  { additionalProperties: false },
);

export const ListTasksQuerySchema = Type.Object(
  {
    ...EntityQuery,
    assigneeUserId: Type.Optional(Uuid("Tasks assigned to this user")),
    leadId: Type.Optional(Uuid("Tasks on this lead")),
    ...PageQuery,
  },
  { additionalProperties: false },
);

export const ActivityPageSchema = Type.Object({
  activities: Type.Array(ActivitySchema),
  total: Type.Integer(),
  page: Type.Integer(),
  pageSize: Type.Integer(),
});

export const TaskPageSchema = Type.Object({
  tasks: Type.Array(ActivitySchema),
  total: Type.Integer(),
  page: Type.Integer(),
  pageSize: Type.Integer(),
});
