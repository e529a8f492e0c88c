/** Request and response schemas of the Axiomatic company endpoints (seed-apis.md 003 rows 3–7). */
import { Type } from "typebox";
import { COMPANY_LIMITS, COMPANY_RELATIONSHIPS } from "../../../core/companies/company.types.js";
import { Nullable, StringEnum } from "../../schema-helpers.js";
import { EntityQuery, PageQuery, Uuid } from "./common.schemas.js";

/** Axiomatic's lifecycle: the core's converted reads as active, archived as inactive. */
export const AXIOMATIC_COMPANY_STATUSES = ["active", "inactive"] as const;

export const CompanySchema = Type.Object({
  id: Uuid(),
  name: Type.String(),
  role: StringEnum(COMPANY_RELATIONSHIPS, { description: "Commercial relationship type" }),
  status: StringEnum(AXIOMATIC_COMPANY_STATUSES, { description: "Lifecycle: active or archived" }),
  website: Nullable(Type.String()),
  industry: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  email: Nullable(Type.String()),
  ownerUserId: Nullable(Uuid()),
  createdAt: Type.String({ format: "date-time" }),
  updatedAt: Type.String({ format: "date-time" }),
});

const fields = {
  name: Type.String({ minLength: 1, maxLength: COMPANY_LIMITS.name }),
  role: StringEnum(COMPANY_RELATIONSHIPS, { description: "Commercial relationship type" }),
  status: StringEnum(AXIOMATIC_COMPANY_STATUSES),
  website: Nullable(Type.String({ maxLength: COMPANY_LIMITS.website, description: "A web address" })),
  industry: Nullable(Type.String({ maxLength: COMPANY_LIMITS.industry })),
  phone: Nullable(Type.String({ maxLength: COMPANY_LIMITS.phone })),
  email: Nullable(Type.String({ maxLength: COMPANY_LIMITS.email, format: "email" })),
  ownerUserId: Nullable(Uuid("A user of the workspace; null for none")),
};

export const CreateCompanyBodySchema = Type.Object(
  {
    name: fields.name,
    role: Type.Optional(fields.role),
    status: Type.Optional(fields.status),
    website: Type.Optional(fields.website),
    industry: Type.Optional(fields.industry),
    phone: Type.Optional(fields.phone),
    email: Type.Optional(fields.email),
    ownerUserId: Type.Optional(fields.ownerUserId),
  },
  { additionalProperties: false },
);

/** Partial: absent fields stay as they are. */
export const UpdateCompanyBodySchema = Type.Object(
  {
    name: Type.Optional(fields.name),
    role: Type.Optional(fields.role),
    status: Type.Optional(fields.status),
    website: Type.Optional(fields.website),
    industry: Type.Optional(fields.industry),
    phone: Type.Optional(fields.phone),
    email: Type.Optional(fields.email),
    ownerUserId: Type.Optional(fields.ownerUserId),
  },
  { additionalProperties: false },
);

export const ListCompaniesQuerySchema = Type.Object(
  {
    ...EntityQuery,
    role: Type.Optional(StringEnum(COMPANY_RELATIONSHIPS, { description: "Commercial relationship type" })),
    status: Type.Optional(
      StringEnum(["active", "inactive", "prospect"] as const, {
        description: "Lifecycle: active or inactive; `prospect` (newer documents) means role=prospect",
      }),
    ),
    ownerUserId: Type.Optional(
      Type.String({
        maxLength: 36,
        description:
          "A user UUID, `me` (the key's user: API keys have none, so nothing matches) or `unassigned`",
      }),
    ),
    q: Type.Optional(Type.String({ maxLength: 200, description: "Matches the name, case-insensitively" })),
    ...PageQuery,
  },
  { additionalProperties: false },
);

export const CompanyPageSchema = Type.Object({
  companies: Type.Array(CompanySchema),
  total: Type.Integer(),
  page: Type.Integer(),
  pageSize: Type.Integer(),
});
