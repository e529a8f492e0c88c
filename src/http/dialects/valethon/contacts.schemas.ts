/** Request and response schemas of the Valethon contacts endpoints (seed-apis.md C1–C5). */
import { Type } from "typebox";
import { CONTACT_LIMITS } from "../../../core/contacts/contact.types.js";
import { TAG_LIMITS } from "../../../core/tags/tags.js";
import { FreeObject, Nullable } from "../../schema-helpers.js";
import { ErrorSchema, IdParamsSchema, PageQuery, PaginationSchema } from "./common.schemas.js";

export const ContactSchema = Type.Object({
  contact_id: Type.Integer(),
  uuid: Type.String({ description: "The record's UUID, the same in every dialect" }),
  first_name: Nullable(Type.String()),
  last_name: Nullable(Type.String()),
  email: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  title: Nullable(Type.String()),
  role: Nullable(Type.String()),
  prospect_id: Nullable(Type.Integer()),
  tags: Type.Array(Type.String()),
  assigned_to: Nullable(Type.Integer()),
  custom_fields: FreeObject({ description: "Values of the contact custom fields, by field key" }),
  created_at: Type.String(),
  updated_at: Type.String(),
});

export const ContactDetailsSchema = Type.Object({
  ...ContactSchema.properties,
  prospects: Type.Array(
    Type.Object({
      prospect_id: Type.Integer(),
      name: Type.String(),
      role: Nullable(Type.String()),
      is_primary: Type.Boolean(),
    }),
  ),
});

export const ContactBodySchema = Type.Object(
  {
    first_name: Type.Optional(Nullable(Type.String({ maxLength: CONTACT_LIMITS.name }))),
    last_name: Type.Optional(Nullable(Type.String({ maxLength: CONTACT_LIMITS.name }))),
    email: Type.Optional(Nullable(Type.String({ maxLength: CONTACT_LIMITS.email, format: "email" }))),
    phone: Type.Optional(Nullable(Type.String({ maxLength: CONTACT_LIMITS.phone }))),
    title: Type.Optional(Nullable(Type.String({ maxLength: CONTACT_LIMITS.title }))),
    role: Type.Optional(Nullable(Type.String({ maxLength: CONTACT_LIMITS.role }))),
    tags: Type.Optional(
      Nullable(
        Type.Array(Type.String({ maxLength: TAG_LIMITS.length }), {
          maxItems: TAG_LIMITS.perRecord,
          description: "Replaces all tags; trimmed, repeats (case-insensitive) dropped",
        }),
      ),
    ),
    prospect_id: Type.Optional(
      Nullable(Type.Integer({ minimum: 1, description: "The primary prospect account's number" })),
    ),
    assigned_to: Type.Optional(
      Nullable(Type.Integer({ minimum: 1, description: "A user number of the workspace" })),
    ),
    custom_fields: Type.Optional(
      FreeObject({
        description: "Custom-field values by field key (see /custom-fields); null removes a value",
      }),
    ),
  },
  {
    additionalProperties: false,
    description: "A first_name, a last_name or an email is required on create. Updates are partial.",
  },
);

export const ListContactsQuerySchema = Type.Object(
  {
    ...PageQuery,
    search: Type.Optional(Type.String({ maxLength: 200, description: "Matches the name or the email" })),
    prospect_id: Type.Optional(Type.Integer({ minimum: 1, description: "Contacts linked to this prospect" })),
    tag: Type.Optional(Type.String({ maxLength: TAG_LIMITS.length, description: "Case-insensitive" })),
  },
  { additionalProperties: false },
);

export const ContactEnvelopeSchema = Type.Object({ success: Type.Literal(true), data: ContactSchema });
export const ContactDetailsEnvelopeSchema = Type.Object({
  success: Type.Literal(true),
  data: ContactDetailsSchema,
});

export const ContactPageSchema = Type.Object({
  success: Type.Literal(true),
  data: Type.Array(ContactSchema),
  pagination: PaginationSchema,
});

export const DeletedContactSchema = Type.Object({
  success: Type.Literal(true),
  data: Type.Object({ contact_id: Type.Integer(), deleted: Type.Literal(true) }),
});

export { ErrorSchema, IdParamsSchema };
