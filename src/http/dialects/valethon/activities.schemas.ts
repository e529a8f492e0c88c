/** Request and response schemas of the Valethon activities endpoints (seed-apis.md A1–A5, L7, L8). */
import { Type } from "typebox";
import { ACTIVITY_LIMITS, ACTIVITY_TYPES } from "../../../core/activities/activity.types.js";
import { Nullable, StringEnum } from "../../schema-helpers.js";
import { ErrorSchema, IdParamsSchema, PageQuery, PaginationSchema } from "./common.schemas.js";

/** Valethon's names of the record types activities and notes hang from ("prospect" = company). */
export const VALETHON_ENTITY_TYPES = ["lead", "contact", "opportunity", "prospect"] as const;
export type ValethonEntityType = (typeof VALETHON_ENTITY_TYPES)[number];

export const EntityTypeSchema = StringEnum(VALETHON_ENTITY_TYPES);
export const EntityIdSchema = Type.Integer({
  minimum: 1,
  maximum: 2_147_483_647,
  description: "The record's number in the workspace",
});
const DateTimeText = Type.String({
  maxLength: 40,
  description: "ISO 8601 date-time, e.g. 2026-03-10T14:30:00Z",
});

export const ActivitySchema = Type.Object({
  activity_id: Type.Integer(),
  uuid: Type.String({ description: "The record's UUID, the same in every dialect" }),
  type: Type.String(),
  subject: Type.String(),
  description: Nullable(Type.String()),
  entity_type: Nullable(Type.String()),
  entity_id: Nullable(Type.Integer()),
  assigned_to: Nullable(Type.Integer()),
  due_date: Nullable(Type.String()),
  duration_minutes: Nullable(Type.Integer()),
  starts_at: Nullable(Type.String()),
  ends_at: Nullable(Type.String()),
  completed: Type.Boolean(),
  completed_at: Nullable(Type.String()),
  created_at: Type.String(),
  updated_at: Type.String(),
});

/** The fields of an activity a lead's own route (L7) accepts: all but the record it hangs from. */
const ownFields = {
  type: StringEnum(ACTIVITY_TYPES),
  subject: Type.String({ maxLength: ACTIVITY_LIMITS.subject }),
  description: Type.Optional(Nullable(Type.String({ maxLength: ACTIVITY_LIMITS.description }))),
  assigned_to: Type.Optional(
    Nullable(Type.Integer({ minimum: 1, description: "A user number of the workspace" })),
  ),
  due_date: Type.Optional(Nullable(DateTimeText)),
  duration_minutes: Type.Optional(
    Nullable(Type.Integer({ minimum: ACTIVITY_LIMITS.durationMin, maximum: ACTIVITY_LIMITS.durationMax })),
  ),
  starts_at: Type.Optional(Nullable({ ...DateTimeText, description: "Meetings only" })),
  ends_at: Type.Optional(Nullable({ ...DateTimeText, description: "Meetings only; after starts_at" })),
  completed: Type.Optional(Type.Boolean()),
};

export const CreateEntityActivityBodySchema = Type.Object(ownFields, { additionalProperties: false });

export const CreateActivityBodySchema = Type.Object(
  {
    ...ownFields,
    entity_type: Type.Optional(EntityTypeSchema),
    entity_id: Type.Optional(EntityIdSchema),
  },
  { additionalProperties: false, description: "entity_type and entity_id go together, or not at all." },
);

/** Updates are partial: every field is optional, absent fields stay as they are. */
export const UpdateActivityBodySchema = Type.Object(
  {
    ...ownFields,
    type: Type.Optional(ownFields.type),
    subject: Type.Optional(ownFields.subject),
    entity_type: Type.Optional(Nullable(EntityTypeSchema)),
    entity_id: Type.Optional(Nullable(EntityIdSchema)),
  },
  { additionalProperties: false },
);

export const ListActivitiesQuerySchema = Type.Object(
  {
    ...PageQuery,
    type: Type.Optional(StringEnum(ACTIVITY_TYPES)),
    entity_type: Type.Optional(EntityTypeSchema),
    entity_id: Type.Optional({ ...EntityIdSchema, description: "Needs entity_type" }),
    assigned_to: Type.Optional(Type.Integer({ minimum: 1 })),
    completed: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const PageOnlyQuerySchema = Type.Object(PageQuery, { additionalProperties: false });

export const ActivityEnvelopeSchema = Type.Object({ success: Type.Literal(true), data: ActivitySchema });

export const ActivityPageSchema = Type.Object({
  success: Type.Literal(true),
  data: Type.Array(ActivitySchema),
  pagination: PaginationSchema,
});

export const DeletedActivitySchema = Type.Object({
  success: Type.Literal(true),
  data: Type.Object({ activity_id: Type.Integer(), deleted: Type.Literal(true) }),
});

export { ErrorSchema, IdParamsSchema };
