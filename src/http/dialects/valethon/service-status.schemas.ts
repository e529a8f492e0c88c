/** Request and response schemas of the service-status endpoints (`/service-status`). */
import { Type } from "typebox";
import { COMPONENT_LIMITS, COMPONENT_STATUSES } from "../../../core/service-status/service-status.types.js";
import { Nullable, StringEnum } from "../../schema-helpers.js";
import { ErrorSchema, IdParamsSchema } from "./common.schemas.js";

export const ComponentSchema = Type.Object({
  component_id: Type.Integer(),
  uuid: Type.String(),
  name: Type.String(),
  status: Type.String(),
  message: Nullable(Type.String()),
  sort_order: Type.Integer(),
  created_at: Type.String(),
  updated_at: Type.String(),
});

const fields = {
  name: Type.String({ minLength: 1, maxLength: COMPONENT_LIMITS.name }),
  status: StringEnum(COMPONENT_STATUSES),
  message: Nullable(Type.String({ maxLength: COMPONENT_LIMITS.message })),
  sort_order: Type.Integer({
    minimum: -1_000_000,
    maximum: 1_000_000,
    description: "Display order, ascending (default: after the others)",
  }),
};

export const CreateComponentBodySchema = Type.Object(
  {
    name: fields.name,
    status: Type.Optional({ ...fields.status, description: "Default operational" }),
    message: Type.Optional(fields.message),
    sort_order: Type.Optional(fields.sort_order),
  },
  { additionalProperties: false },
);

export const UpdateComponentBodySchema = Type.Object(
  {
    name: Type.Optional(fields.name),
    status: Type.Optional(fields.status),
    message: Type.Optional(fields.message),
    sort_order: Type.Optional(fields.sort_order),
  },
  { additionalProperties: false },
);

export const ServiceStatusEnvelopeSchema = Type.Object({
  success: Type.Literal(true),
  data: Type.Object({
    status: Type.String(),
    components: Type.Array(ComponentSchema),
    updated_at: Type.String(),
  }),
});

export const ComponentEnvelopeSchema = Type.Object({ success: Type.Literal(true), data: ComponentSchema });
export const ComponentListSchema = Type.Object({
  success: Type.Literal(true),
  data: Type.Array(ComponentSchema),
});
export const DeletedComponentSchema = Type.Object({
  success: Type.Literal(true),
  data: Type.Object({ component_id: Type.Integer(), deleted: Type.Literal(true) }),
});

export { ErrorSchema, IdParamsSchema };
