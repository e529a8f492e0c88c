/** Request and response schemas of the Axiomatic contact endpoints (seed-apis.md 003 rows 8–12). */
import { Type } from "typebox";
import { CONTACT_LIMITS } from "../../../core/contacts/contact.types.js";
import { Nullable } from "../../schema-helpers.js";
import { EntityQuery, PageQuery, Uuid } from "./common.schemas.js";

export const ContactSchema = Type.Object({
  id: Uuid(),
  firstName: Nullable(Type.String()),
  lastName: Nullable(Type.String()),
  email: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  title: Nullable(Type.String()),
  companyId: Nullable(Uuid("The contact's primary company (its primary membership)")),
  ownerUserId: Nullable(Uuid()),
  createdAt: Type.String({ format: "date-time" }),
  updatedAt: Type.String({ format: "date-time" }),
});

const fields = {
  firstName: Nullable(Type.String({ maxLength: CONTACT_LIMITS.name })),
  lastName: Nullable(Type.String({ maxLength: CONTACT_LIMITS.name })),
  email: Nullable(Type.String({ maxLength: CONTACT_LIMITS.email, format: "email" })),
  phone: Nullable(Type.String({ maxLength: CONTACT_LIMITS.phone })),
  title: Nullable(Type.String({ maxLength: CONTACT_LIMITS.title })),
  companyId: Nullable(Uuid("The primary company; null removes the primary membership")),
  ownerUserId: Nullable(Uuid("A user of the workspace; null for none")),
};

const body = Type.Object(
  {
    firstName: Type.Optional(fields.firstName),
    lastName: Type.Optional(fields.lastName),
    email: Type.Optional(fields.email),
    phone: Type.Optional(fields.phone),
    title: Type.Optional(fields.title),
    companyId: Type.Optional(fields.companyId),
    ownerUserId: Type.Optional(fields.ownerUserId),
  },
  { additionalProperties: false },
);

/** Every field is optional, as in the document (its sample body is `{}`). */
export const CreateContactBodySchema = body;
/** Partial: absent fields stay as they are. */
export const UpdateContactBodySchema = body;

export const ListContactsQuerySchema = Type.Object(
  {
    ...EntityQuery,
    companyId: Type.Optional(Uuid("Contacts with a membership of this company")),
    q: Type.Optional(Type.String({ maxLength: 200, description: "Matches the name or the email" })),
    ...PageQuery,
  },
  { additionalProperties: false },
);

export const ContactPageSchema = Type.Object({
  contacts: Type.Array(ContactSchema),
  total: Type.Integer(),
  page: Type.Integer(),
  pageSize: Type.Integer(),
});
