/** Axiomatic company endpoints (seed-apis.md 003 rows 3–7), served by the core's companies. */

import { Type } from "typebox";
import {
  createCompany,
  getCompany,
  listCompanies,
  updateCompany,
} from "../../../core/companies/companies.service.js";
import type { CompanyListQuery } from "../../../core/companies/company.types.js";
import { listContacts } from "../../../core/contacts/contacts.service.js";
import { validationError } from "../../../core/errors.js";
import {
  EntityQuery,
  EntityQuerySchema,
  ErrorSchema,
  IdParamsSchema,
  PageQuery,
  pageOf,
  STANDARD_ERRORS,
} from "./common.schemas.js";
import { CORE_STATUSES, companyInputFrom, renderCompany } from "./companies.render.js";
import {
  CompanyPageSchema,
  CompanySchema,
  CreateCompanyBodySchema,
  ListCompaniesQuerySchema,
  UpdateCompanyBodySchema,
} from "./companies.schemas.js";
import { renderContact } from "./contacts.render.js";
import { ContactPageSchema } from "./contacts.schemas.js";
import { type AxiomaticApp, type AxiomaticDeps, ownerFilter, scopeOf } from "./context.js";

export async function companiesRoutes(app: AxiomaticApp, { core }: AxiomaticDeps): Promise<void> {
  const tags = ["Companies"];

  app.get(
    "/companies",
    {
      config: { permission: "prospects:read" },
      schema: {
        tags,
        summary: "List companies",
        querystring: ListCompaniesQuerySchema,
        response: { 200: CompanyPageSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const query = request.query;
      const { page, pageSize } = pageOf(query);
      if (query.status === "prospect" && query.role !== undefined && query.role !== "prospect") {
        throw validationError("status", `prospect contradicts role=${query.role}`);
      }
      const owner = ownerFilter(query.ownerUserId);
      if (owner === "nobody") return { companies: [], total: 0, page, pageSize };
      const filter: CompanyListQuery = {
        page,
        perPage: pageSize,
        search: query.q?.trim() || undefined,
        ...(query.status === "prospect"
          ? { relationship: "prospect" as const }
          : query.role
            ? { relationship: query.role }
            : {}),
        ...(query.status === "active" || query.status === "inactive"
          ? { status: CORE_STATUSES[query.status] }
          : {}),
        ...(owner !== undefined ? { owner } : {}),
      };
      const result = await listCompanies(core, scopeOf(request), filter);
      return { companies: result.items.map(renderCompany), total: result.total, page, pageSize };
    },
  );

  app.post(
    "/companies",
    {
      config: { permission: "prospects:write" },
      schema: {
        tags,
        summary: "Create a company",
        querystring: EntityQuerySchema,
        body: CreateCompanyBodySchema,
        response: { 201: CompanySchema, ...STANDARD_ERRORS },
      },
    },
    async (request, reply) => {
      const company = await createCompany(core, scopeOf(request), companyInputFrom(request.body));
      reply.code(201);
      return renderCompany(company);
    },
  );

  app.get(
    "/companies/:id",
    {
      config: { permission: "prospects:read" },
      schema: {
        tags,
        summary: "Get a company",
        params: IdParamsSchema,
        querystring: EntityQuerySchema,
        response: { 200: CompanySchema, 404: ErrorSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => renderCompany(await getCompany(core, scopeOf(request), { id: request.params.id })),
  );

  app.patch(
    "/companies/:id",
    {
      config: { permission: "prospects:write" },
      schema: {
        tags,
        summary: "Update a company (partial: absent fields stay as they are)",
        params: IdParamsSchema,
        querystring: EntityQuerySchema,
        body: UpdateCompanyBodySchema,
        response: { 200: CompanySchema, 404: ErrorSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      const ref = { id: request.params.id };
      const current = await getCompany(core, scope, ref);
      return renderCompany(await updateCompany(core, scope, ref, companyInputFrom(request.body, current)));
    },
  );

  app.get(
    "/companies/:id/contacts",
    {
      config: { permission: "contacts:read" },
      schema: {
        tags,
        summary: "The company's contacts (every contact with a membership of it, primary or not)",
        params: IdParamsSchema,
        querystring: Type.Object({ ...EntityQuery, ...PageQuery }, { additionalProperties: false }),
        response: { 200: ContactPageSchema, 404: ErrorSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      const company = await getCompany(core, scope, { id: request.params.id });
      const { page, pageSize } = pageOf(request.query);
      const result = await listContacts(core, scope, {
        page,
        perPage: pageSize,
        company: { id: company.id },
      });
      return { contacts: result.items.map(renderContact), total: result.total, page, pageSize };
    },
  );
}
