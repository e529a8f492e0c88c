/** Request and response schemas of the Axiomatic company memberships (seed-apis.md 003 rows 13–16). */
import { Type } from "typebox";
import { CONTACT_LIMITS } from "../../../core/contacts/contact.types.js";
import { Nullable } from "../../schema-helpers.js";
import { Uuid } from "./common.schemas.js";

export const MembershipSchema = Type.Object({
  id: Uuid(),
  contactId: Uuid(),
  companyId: Uuid(),
  companyName: Type.String(),
  title: Nullable(Type.String({ description: "The contact's role or job title at the company" })),
  isPrimary: Type.Boolean(),
  createdAt: Type.String({ format: "date-time" }),
  updatedAt: Type.String({ format: "date-time" }),
});

export const MembershipListSchema = Type.Object({ memberships: Type.Array(MembershipSchema) });

const title = Nullable(Type.String({ maxLength: CONTACT_LIMITS.role }));

export const AddMembershipBodySchema = Type.Object(
  {
    companyId: Uuid(),
    title: Type.Optional(title),
    isPrimary: Type.Optional(
      Type.Boolean({ description: "Default: true when the contact has no primary company yet" }),
    ),
  },
  { additionalProperties: false },
);

export const UpdateMembershipBodySchema = Type.Object(
  {
    title: Type.Optional(title),
    isPrimary: Type.Optional(
      Type.Boolean({ description: "false leaves the contact without a primary company" }),
    ),
  },
  { additionalProperties: false },
);

export const MembershipParamsSchema = Type.Object({ id: Uuid(), membershipId: Uuid() });
