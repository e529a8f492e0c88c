/** Request and response schemas of CRMLead Pro leads (seeds/002 "Core Endpoints" and "Lead Object"). */
import { Type } from "typebox";
import { LEAD_LIMITS, LEAD_STATUSES } from "../../../core/leads/lead.types.js";
import { TAG_LIMITS } from "../../../core/tags/tags.js";
import { Nullable, StringEnum } from "../../schema-helpers.js";
import { PageQuery, PaginationSchema, Time } from "./common.schemas.js";

/** The document's lead object, field for field, plus `uuid` (the same record in other APIs) and `archived`. */
export const LeadSchema = Type.Object({
  id: Type.String({ description: "lead_ + 26 Crockford base32 characters" }),
  uuid: Type.String({ format: "uuid" }),
  name: Nullable(Type.String()),
  email: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  company: Nullable(Type.String()),
  status: Type.String({ description: LEAD_STATUSES.join(", ") }),
  pipeline_stage: Nullable(Type.String({ description: "A stage key of the default pipeline" })),
  score: Nullable(Type.Integer()),
  source: Nullable(Type.String()),
  assigned_to: Nullable(Type.String({ description: "user_<username>" })),
  tags: Type.Array(Type.String()),
  archived: Type.Boolean(),
  created_at: Time,
  updated_at: Time,
});

export const HistoryItemSchema = Type.Object(
  {
    type: Type.String({
      description: "created, updated, stage_changed, activity, email, note, archived or restored",
    }),
    at: Time,
  },
  { additionalProperties: true },
);

export const LeadWithHistorySchema = Type.Object({
  ...LeadSchema.properties,
  history: Type.Array(HistoryItemSchema),
});

export const LeadListSchema = Type.Object({ data: Type.Array(LeadSchema), pagination: PaginationSchema });

const fields = {
  name: Nullable(Type.String({ maxLength: 2 * LEAD_LIMITS.name + 1, description: "First and last name" })),
  email: Nullable(Type.String({ maxLength: LEAD_LIMITS.email, format: "email" })),
  phone: Nullable(Type.String({ maxLength: LEAD_LIMITS.phone })),
  company: Nullable(Type.String({ maxLength: LEAD_LIMITS.companyName })),
  status: StringEnum(LEAD_STATUSES),
  pipeline: Type.String({
    maxLength: 50,
    description: "The pipeline key; leads stand in the default one (sales)",
  }),
  pipeline_stage: Type.String({ maxLength: 50, description: "A stage key, e.g. demo_scheduled" }),
  score: Nullable(Type.Integer({ minimum: LEAD_LIMITS.scoreMin, maximum: LEAD_LIMITS.scoreMax })),
  source: Nullable(Type.String({ maxLength: LEAD_LIMITS.source })),
  assigned_to: Nullable(Type.String({ maxLength: 60, description: "user_<username>" })),
  tags: Nullable(
    Type.Array(Type.String({ maxLength: TAG_LIMITS.length }), { maxItems: TAG_LIMITS.perRecord }),
  ),
};

export const CreateLeadBodySchema = Type.Object(
  {
    name: Type.Optional(fields.name),
    email: Type.Optional(fields.email),
    phone: Type.Optional(fields.phone),
    company: Type.Optional(fields.company),
    status: Type.Optional(fields.status),
    pipeline: Type.Optional(fields.pipeline),
    pipeline_stage: Type.Optional(fields.pipeline_stage),
    score: Type.Optional(fields.score),
    source: Type.Optional(fields.source),
    assigned_to: Type.Optional(fields.assigned_to),
    tags: Type.Optional(fields.tags),
  },
  { additionalProperties: false },
);
export const UpdateLeadBodySchema = CreateLeadBodySchema;

export const LEAD_SORTS = ["created_at", "updated_at", "name", "email", "score", "status"] as const;

export const ListLeadsQuerySchema = Type.Object(
  {
    status: Type.Optional(StringEnum(LEAD_STATUSES)),
    pipeline_stage: Type.Optional(Type.String({ maxLength: 50 })),
    source: Type.Optional(Type.String({ maxLength: LEAD_LIMITS.source })),
    assigned_to: Type.Optional(Type.String({ maxLength: 60 })),
    tag: Type.Optional(Type.String({ maxLength: TAG_LIMITS.length })),
    created_after: Type.Optional(Type.String({ format: "date-time" })),
    created_before: Type.Optional(Type.String({ format: "date-time" })),
    search: Type.Optional(
      Type.String({ maxLength: 200, description: "Name, email, phone, company or source words" }),
    ),
    archived: Type.Optional(Type.Boolean({ description: "true lists archived leads instead of live ones" })),
    sort: Type.Optional(StringEnum(LEAD_SORTS)),
    order: Type.Optional(StringEnum(["asc", "desc"] as const)),
    ...PageQuery,
  },
  { additionalProperties: false },
);

export const ArchivedSchema = Type.Object({
  id: Type.String(),
  uuid: Type.String(),
  archived: Type.Literal(true),
});
