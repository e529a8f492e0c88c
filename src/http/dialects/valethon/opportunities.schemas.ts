/** Request and response schemas of the Valethon opportunities endpoints (seed-apis.md O1–O6). */
import { Type } from "typebox";
import { OPPORTUNITY_LIMITS, OPPORTUNITY_STATUSES } from "../../../core/opportunities/opportunity.types.js";
import { FreeObject, Nullable, StringEnum } from "../../schema-helpers.js";
import { ErrorSchema, IdParamsSchema, PageQuery, PaginationSchema } from "./common.schemas.js";

const Time = Type.String({ description: "ISO 8601 UTC" });

export const OpportunitySchema = Type.Object({
  opportunity_id: Type.Integer(),
  uuid: Type.String({ description: "The record's UUID, the same in every dialect" }),
  name: Type.String(),
  prospect_id: Nullable(Type.Integer()),
  contact_id: Nullable(Type.Integer()),
  stage: Type.String({ description: "The stage key" }),
  status: StringEnum(OPPORTUNITY_STATUSES),
  value: Nullable(Type.Number({ description: "Major units (50000.5 = 50,000.50)" })),
  currency: Type.String(),
  probability: Nullable(Type.Integer()),
  expected_close_date: Nullable(Type.String({ description: "YYYY-MM-DD" })),
  assigned_to: Nullable(Type.Integer()),
  custom_fields: FreeObject({ description: "Values of the opportunity custom fields, by field key" }),
  created_at: Time,
  updated_at: Time,
});

const ActivitySchema = Type.Object({
  activity_id: Type.Integer(),
  type: Type.String(),
  subject: Type.String(),
  description: Nullable(Type.String()),
  assigned_to: Nullable(Type.Integer()),
  due_date: Nullable(Type.String()),
  duration_minutes: Nullable(Type.Integer()),
  completed: Type.Boolean(),
  completed_at: Nullable(Type.String()),
  created_at: Time,
});

const NoteSchema = Type.Object({
  note_id: Type.Integer(),
  content: Type.String(),
  is_pinned: Type.Boolean(),
  created_at: Time,
  updated_at: Time,
});

export const OpportunityDetailsSchema = Type.Object({
  ...OpportunitySchema.properties,
  pipeline_id: Type.Integer(),
  won_at: Nullable(Time),
  lost_at: Nullable(Time),
  close_reason: Nullable(Type.String()),
  prospect: Nullable(Type.Object({ prospect_id: Type.Integer(), name: Type.String() })),
  contact: Nullable(
    Type.Object({
      contact_id: Type.Integer(),
      first_name: Nullable(Type.String()),
      last_name: Nullable(Type.String()),
      email: Nullable(Type.String()),
    }),
  ),
  activities: Type.Array(ActivitySchema),
  notes: Type.Array(NoteSchema),
});

const Ref = (description: string) =>
  Nullable(Type.Integer({ minimum: 1, maximum: 2_147_483_647, description }));

const writableFields = {
  name: Type.String({ minLength: 1, maxLength: OPPORTUNITY_LIMITS.name }),
  prospect_id: Ref("A prospect account (company) number"),
  contact_id: Ref("A contact number"),
  pipeline_id: Type.Integer({
    minimum: 1,
    maximum: 2_147_483_647,
    description: "Default: the sales pipeline",
  }),
  stage: Type.String({ minLength: 1, maxLength: 50, description: "A stage key of the pipeline" }),
  value: Nullable(
    Type.Number({
      minimum: 0,
      maximum: OPPORTUNITY_LIMITS.valueMax,
      description: "Major units, at most 2 decimals",
    }),
  ),
  currency: Type.String({ minLength: 3, maxLength: 3, description: "ISO 4217, default USD" }),
  expected_close_date: Nullable(Type.String({ format: "date", description: "YYYY-MM-DD" })),
  probability: Nullable(Type.Integer({ minimum: 0, maximum: 100, description: "Default: the stage's" })),
  assigned_to: Ref("A user number of the workspace"),
  status: StringEnum(OPPORTUNITY_STATUSES),
  close_reason: Nullable(Type.String({ maxLength: OPPORTUNITY_LIMITS.closeReason })),
  custom_fields: FreeObject({
    description: "Custom-field values by field key (see /custom-fields); null removes a value",
  }),
};

const optional = Object.fromEntries(
  Object.entries(writableFields).map(([key, schema]) => [key, Type.Optional(schema)]),
) as { [K in keyof typeof writableFields]: ReturnType<typeof Type.Optional<(typeof writableFields)[K]>> };

export const CreateOpportunityBodySchema = Type.Object(
  { ...optional, name: writableFields.name },
  { additionalProperties: false },
);

/** Updates are partial: every field is optional, absent fields stay as they are. */
export const UpdateOpportunityBodySchema = Type.Object(optional, { additionalProperties: false });

export const ListOpportunitiesQuerySchema = Type.Object(
  {
    ...PageQuery,
    stage: Type.Optional(Type.String({ maxLength: 50, description: "A stage key" })),
    status: Type.Optional(StringEnum([...OPPORTUNITY_STATUSES, "all"], { default: "all" })),
    assigned_to: Type.Optional(Type.Integer({ minimum: 1, maximum: 2_147_483_647 })),
    prospect_id: Type.Optional(Type.Integer({ minimum: 1, maximum: 2_147_483_647 })),
    min_value: Type.Optional(Type.Number({ minimum: 0 })),
    max_value: Type.Optional(Type.Number({ minimum: 0 })),
  },
  { additionalProperties: false },
);

export const CreatedOpportunitySchema = Type.Object({ success: Type.Literal(true), data: OpportunitySchema });

export const OpportunityEnvelopeSchema = Type.Object({
  success: Type.Literal(true),
  data: OpportunityDetailsSchema,
});

export const OpportunityPageSchema = Type.Object({
  success: Type.Literal(true),
  data: Type.Array(OpportunitySchema),
  pagination: PaginationSchema,
});

export const DeletedOpportunitySchema = Type.Object({
  success: Type.Literal(true),
  data: Type.Object({ opportunity_id: Type.Integer(), deleted: Type.Literal(true) }),
});

export const AdvancedOpportunitySchema = Type.Object({
  success: Type.Literal(true),
  data: Type.Object({ opportunity_id: Type.Integer(), stage: Type.String(), previous_stage: Type.String() }),
});

export { ErrorSchema, IdParamsSchema };
