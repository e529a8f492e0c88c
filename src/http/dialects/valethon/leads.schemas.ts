/** Request and response schemas of the Valethon leads endpoints (seed-apis.md L1–L5). */
import { Type } from "typebox";
import { LEAD_LIMITS, LEAD_SORT_FIELDS, LEAD_STATUSES } from "../../../core/leads/lead.types.js";
import { FreeObject, Nullable, StringEnum } from "../../schema-helpers.js";
import { ActivitySchema } from "./activities.schemas.js";
import { ErrorSchema, IdParamsSchema, PageQuery, PaginationSchema } from "./common.schemas.js";

const Status = StringEnum(LEAD_STATUSES);

export const LeadSchema = Type.Object({
  lead_id: Type.Integer(),
  uuid: Type.String(),
  first_name: Nullable(Type.String()),
  last_name: Nullable(Type.String()),
  email: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  company_name: Nullable(Type.String()),
  status: Type.String(),
  source: Nullable(Type.String()),
  score: Nullable(Type.Integer()),
  assigned_to: Nullable(Type.Integer()),
  custom_fields: FreeObject({ description: "Values of the lead custom fields, by field key" }),
  created_at: Type.String(),
  updated_at: Type.String(),
});

export const LeadDetailsSchema = Type.Object({
  ...LeadSchema.properties,
  form_type: Nullable(Type.String()),
  raw_payload: Nullable(FreeObject()),
  title: Nullable(
    Type.String({ description: "Kith extension: the card title other dialects give the lead" }),
  ),
  value: Nullable(
    Type.Number({ description: "Kith extension: the card's value in major units of `currency`" }),
  ),
  currency: Nullable(Type.String()),
});

const writableFields = {
  first_name: Nullable(Type.String({ maxLength: LEAD_LIMITS.name })),
  last_name: Nullable(Type.String({ maxLength: LEAD_LIMITS.name })),
  email: Nullable(Type.String({ maxLength: LEAD_LIMITS.email, format: "email" })),
  phone: Nullable(Type.String({ maxLength: LEAD_LIMITS.phone })),
  company_name: Nullable(Type.String({ maxLength: LEAD_LIMITS.companyName })),
  source: Nullable(Type.String({ maxLength: LEAD_LIMITS.source })),
  form_type: Nullable(Type.String({ maxLength: LEAD_LIMITS.formType })),
  raw_payload: Nullable(FreeObject({ description: "Free-form form data, kept as given" })),
  status: Status,
  score: Nullable(Type.Integer({ minimum: LEAD_LIMITS.scoreMin, maximum: LEAD_LIMITS.scoreMax })),
  assigned_to: Nullable(Type.Integer({ minimum: 1, description: "A user number of the workspace" })),
  custom_fields: FreeObject({
    description: "Custom-field values by field key (see /custom-fields); null removes a value",
  }),
};

export const CreateLeadBodySchema = Type.Object(
  {
    first_name: Type.Optional(writableFields.first_name),
    last_name: Type.Optional(writableFields.last_name),
    email: Type.Optional(writableFields.email),
    phone: Type.Optional(writableFields.phone),
    company_name: Type.Optional(writableFields.company_name),
    source: Type.Optional(writableFields.source),
    form_type: Type.Optional(writableFields.form_type),
    raw_payload: Type.Optional(writableFields.raw_payload),
    status: Type.Optional(writableFields.status),
    score: Type.Optional(writableFields.score),
    assigned_to: Type.Optional(writableFields.assigned_to),
    custom_fields: Type.Optional(writableFields.custom_fields),
  },
  { additionalProperties: false, description: "An email or a phone number is required." },
);

/** Updates are partial: every field is optional, absent fields stay as they are. */
export const UpdateLeadBodySchema = Type.Object(CreateLeadBodySchema.properties, {
  additionalProperties: false,
});

export const ListLeadsQuerySchema = Type.Object(
  {
    ...PageQuery,
    status: Type.Optional(StringEnum([...LEAD_STATUSES, "all"], { default: "all" })),
    source: Type.Optional(Type.String({ maxLength: LEAD_LIMITS.source })),
    assigned_to: Type.Optional(Type.Integer({ minimum: 1 })),
    search: Type.Optional(Type.String({ maxLength: 200, description: "Matches name, email or company" })),
    created_after: Type.Optional(Type.String({ maxLength: 40, description: "ISO 8601 date or date-time" })),
    created_before: Type.Optional(Type.String({ maxLength: 40, description: "ISO 8601 date or date-time" })),
    sort: Type.Optional(StringEnum(LEAD_SORT_FIELDS, { default: "created_at" })),
    order: Type.Optional(StringEnum(["asc", "desc"], { default: "desc" })),
  },
  { additionalProperties: false },
);

export const CreatedLeadSchema = Type.Object({
  success: Type.Literal(true),
  data: Type.Object({
    lead_id: Type.Integer(),
    uuid: Type.String(),
    status: Type.String(),
    created_at: Type.String(),
  }),
});

export const LeadEnvelopeSchema = Type.Object({ success: Type.Literal(true), data: LeadDetailsSchema });

/** GET /leads/{id} (L3): the details plus what the lead was converted into and its latest activities. */
export const LeadWithHistorySchema = Type.Object({
  ...LeadDetailsSchema.properties,
  contact_id: Nullable(Type.Integer()),
  prospect_id: Nullable(Type.Integer()),
  opportunity_id: Nullable(Type.Integer()),
  activities: Type.Optional(
    Type.Array(ActivitySchema, {
      description: "The latest 20, newest first; only for keys with activities:read",
    }),
  ),
});

export const LeadWithHistoryEnvelopeSchema = Type.Object({
  success: Type.Literal(true),
  data: LeadWithHistorySchema,
});

export const LeadPageSchema = Type.Object({
  success: Type.Literal(true),
  data: Type.Array(LeadSchema),
  pagination: PaginationSchema,
});

export const DeletedLeadSchema = Type.Object({
  success: Type.Literal(true),
  data: Type.Object({ lead_id: Type.Integer(), deleted: Type.Literal(true) }),
});

export { ErrorSchema, IdParamsSchema };
