/** Request and response schemas of the Valethon custom-field endpoints (seed-apis.md F1–F4). */
import { Type } from "typebox";
import { CUSTOM_FIELD_LIMITS, CUSTOM_FIELD_TYPES } from "../../../core/custom-fields/custom-field.types.js";
import { Nullable, StringEnum } from "../../schema-helpers.js";
import { ErrorSchema, IdParamsSchema } from "./common.schemas.js";

export const VALETHON_FIELD_ENTITY_TYPES = ["lead", "contact", "prospect", "opportunity"] as const;
const EntityType = StringEnum(VALETHON_FIELD_ENTITY_TYPES);
const FieldTypeIn = StringEnum([...CUSTOM_FIELD_TYPES, "bool"], {
  description: "`bool` is accepted as another name of `boolean`",
});

export const CustomFieldSchema = Type.Object({
  field_id: Type.Integer(),
  uuid: Type.String({ description: "The record's UUID, the same in every dialect" }),
  entity_type: Type.String(),
  field_key: Type.String(),
  label: Type.String(),
  field_type: Type.String(),
  options: Nullable(Type.Array(Type.String())),
  required: Type.Boolean(),
  created_at: Type.String(),
});

const Options = Type.Array(Type.String({ maxLength: CUSTOM_FIELD_LIMITS.option }), {
  maxItems: CUSTOM_FIELD_LIMITS.options,
  description: "Allowed values: required (non-empty) for select and multiselect, forbidden otherwise",
});

export const CreateCustomFieldBodySchema = Type.Object(
  {
    entity_type: EntityType,
    field_key: Type.String({
      maxLength: CUSTOM_FIELD_LIMITS.keyLength,
      description: "^[a-z][a-z0-9_]{0,49}$, unique per entity type",
    }),
    label: Type.String({ maxLength: CUSTOM_FIELD_LIMITS.label }),
    field_type: FieldTypeIn,
    options: Type.Optional(Nullable(Options)),
    required: Type.Optional(Type.Boolean({ default: false })),
  },
  { additionalProperties: false },
);

export const UpdateCustomFieldBodySchema = Type.Object(
  {
    label: Type.Optional(Type.String({ maxLength: CUSTOM_FIELD_LIMITS.label })),
    options: Type.Optional(Nullable(Options)),
    required: Type.Optional(Type.Boolean()),
    field_key: Type.Optional(
      Type.String({ maxLength: 200, description: "Immutable: only its current value" }),
    ),
    field_type: Type.Optional(
      Type.String({ maxLength: 50, description: "Immutable: only its current value" }),
    ),
    entity_type: Type.Optional(
      Type.String({ maxLength: 50, description: "Immutable: only its current value" }),
    ),
  },
  { additionalProperties: false },
);

export const ListCustomFieldsQuerySchema = Type.Object(
  { entity_type: Type.Optional(EntityType) },
  { additionalProperties: false },
);

export const CustomFieldEnvelopeSchema = Type.Object({
  success: Type.Literal(true),
  data: CustomFieldSchema,
});

export const CustomFieldListSchema = Type.Object({
  success: Type.Literal(true),
  data: Type.Array(CustomFieldSchema),
});

export const DeletedCustomFieldSchema = Type.Object({
  success: Type.Literal(true),
  data: Type.Object({ field_id: Type.Integer(), deleted: Type.Literal(true) }),
});

export { ErrorSchema, IdParamsSchema };
