/** Request and response schemas of the Valethon prospect-account endpoints (seed-apis.md PR1–PR6). */
import { Type } from "typebox";
import { COMPANY_LIMITS, COMPANY_RELATIONSHIPS } from "../../../core/companies/company.types.js";
import { FreeObject, Nullable, StringEnum } from "../../schema-helpers.js";
import { ErrorSchema, IdParamsSchema, PageQuery, PaginationSchema } from "./common.schemas.js";

/** The statuses Valethon knows (the core also has `archived`, which other dialects use). */
export const PROSPECT_STATUSES = ["active", "inactive", "converted"] as const;

export const ProspectSchema = Type.Object({
  prospect_id: Type.Integer(),
  uuid: Type.String({ description: "The record's UUID, the same in every dialect" }),
  name: Type.String(),
  industry: Nullable(Type.String()),
  website: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  email: Nullable(Type.String()),
  status: Type.String(),
  relationship: Type.String(),
  assigned_to: Nullable(Type.Integer()),
  custom_fields: FreeObject({ description: "Values of the prospect custom fields, by field key" }),
  created_at: Type.String(),
  updated_at: Type.String(),
});

export const ProspectRecordSchema = Type.Object({
  ...ProspectSchema.properties,
  notes: Nullable(Type.String()),
  converted_at: Nullable(Type.String()),
});

export const ProspectDetailsSchema = Type.Object({
  ...ProspectRecordSchema.properties,
  contacts: Type.Array(
    Type.Object({
      contact_id: Type.Integer(),
      first_name: Nullable(Type.String()),
      last_name: Nullable(Type.String()),
      email: Nullable(Type.String()),
      role: Nullable(Type.String()),
      is_primary: Type.Boolean(),
    }),
  ),
  opportunities: Type.Array(
    Type.Object({
      opportunity_id: Type.Integer(),
      name: Type.String(),
      stage: Type.String(),
      value: Nullable(Type.Number()),
      status: Type.String(),
    }),
  ),
  activities: Type.Array(
    Type.Object({
      activity_id: Type.Integer(),
      type: Type.String(),
      subject: Type.String(),
      completed: Type.Boolean(),
      due_date: Nullable(Type.String()),
    }),
  ),
});

const fields = {
  name: Type.String({ minLength: 1, maxLength: COMPANY_LIMITS.name }),
  industry: Nullable(Type.String({ maxLength: COMPANY_LIMITS.industry })),
  website: Nullable(Type.String({ maxLength: COMPANY_LIMITS.website, description: "A web address" })),
  phone: Nullable(Type.String({ maxLength: COMPANY_LIMITS.phone })),
  email: Nullable(Type.String({ maxLength: COMPANY_LIMITS.email, format: "email" })),
  status: StringEnum(PROSPECT_STATUSES),
  relationship: StringEnum(COMPANY_RELATIONSHIPS),
  assigned_to: Nullable(Type.Integer({ minimum: 1, description: "A user number of the workspace" })),
  notes: Nullable(Type.String({ maxLength: COMPANY_LIMITS.notes })),
  custom_fields: FreeObject({
    description: "Custom-field values by field key (see /custom-fields); null removes a value",
  }),
};

export const CreateProspectBodySchema = Type.Object(
  {
    name: fields.name,
    industry: Type.Optional(fields.industry),
    website: Type.Optional(fields.website),
    phone: Type.Optional(fields.phone),
    email: Type.Optional(fields.email),
    status: Type.Optional(StringEnum(PROSPECT_STATUSES, { default: "active" })),
    relationship: Type.Optional(StringEnum(COMPANY_RELATIONSHIPS, { default: "prospect" })),
    assigned_to: Type.Optional(fields.assigned_to),
    notes: Type.Optional(fields.notes),
    custom_fields: Type.Optional(fields.custom_fields),
  },
  { additionalProperties: false },
);

/** Updates are partial: every field is optional, absent fields stay as they are. */
export const UpdateProspectBodySchema = Type.Object(
  {
    name: Type.Optional(fields.name),
    industry: Type.Optional(fields.industry),
    website: Type.Optional(fields.website),
    phone: Type.Optional(fields.phone),
    email: Type.Optional(fields.email),
    status: Type.Optional(fields.status),
    relationship: Type.Optional(fields.relationship),
    assigned_to: Type.Optional(fields.assigned_to),
    notes: Type.Optional(fields.notes),
    custom_fields: Type.Optional(fields.custom_fields),
  },
  { additionalProperties: false },
);

export const ListProspectsQuerySchema = Type.Object(
  {
    ...PageQuery,
    search: Type.Optional(Type.String({ maxLength: 200, description: "Matches the account name" })),
    status: Type.Optional(StringEnum(PROSPECT_STATUSES)),
    industry: Type.Optional(
      Type.String({ maxLength: COMPANY_LIMITS.industry, description: "Case-insensitive" }),
    ),
  },
  { additionalProperties: false },
);

export const ProspectEnvelopeSchema = Type.Object({
  success: Type.Literal(true),
  data: ProspectRecordSchema,
});
export const ProspectDetailsEnvelopeSchema = Type.Object({
  success: Type.Literal(true),
  data: ProspectDetailsSchema,
});

export const ProspectPageSchema = Type.Object({
  success: Type.Literal(true),
  data: Type.Array(ProspectSchema),
  pagination: PaginationSchema,
});

export const DeletedProspectSchema = Type.Object({
  success: Type.Literal(true),
  data: Type.Object({ prospect_id: Type.Integer(), deleted: Type.Literal(true) }),
});

export const ConvertedProspectSchema = Type.Object({
  success: Type.Literal(true),
  data: Type.Object({ company_id: Type.Integer(), prospect_status: Type.Literal("converted") }),
});

export { ErrorSchema, IdParamsSchema };
