/** Valethon prospect-account endpoints (seed-apis.md PR1–PR6), served by the core's companies. */
import {
  convertCompany,
  createCompany,
  deleteCompany,
  getCompanyOverview,
  listCompanies,
  updateCompany,
} from "../../../core/companies/companies.service.js";
import { STANDARD_ERRORS } from "./common.schemas.js";
import { scopeOf, type ValethonApp, type ValethonDeps } from "./context.js";
import { ok, paginated } from "./envelope.js";
import {
  companyInputFrom,
  renderProspect,
  renderProspectDetails,
  renderProspectRecord,
} from "./prospects.render.js";
import {
  ConvertedProspectSchema,
  CreateProspectBodySchema,
  DeletedProspectSchema,
  ErrorSchema,
  IdParamsSchema,
  ListProspectsQuerySchema,
  ProspectDetailsEnvelopeSchema,
  ProspectEnvelopeSchema,
  ProspectPageSchema,
  UpdateProspectBodySchema,
} from "./prospects.schemas.js";

export async function prospectsRoutes(app: ValethonApp, { core }: ValethonDeps): Promise<void> {
  const tags = ["Prospects"];

  app.get(
    "/prospects",
    {
      config: { permission: "prospects:read" },
      schema: {
        tags,
        summary: "List prospect accounts",
        querystring: ListProspectsQuerySchema,
        response: { 200: ProspectPageSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const query = request.query;
      const page = query.page ?? 1;
      const perPage = query.per_page ?? 25;
      const result = await listCompanies(core, scopeOf(request), {
        page,
        perPage,
        search: query.search?.trim() || undefined,
        status: query.status,
        industry: query.industry?.trim() || undefined,
      });
      return paginated(result.items.map(renderProspect), page, perPage, result.total);
    },
  );

  app.post(
    "/prospects",
    {
      config: { permission: "prospects:write" },
      schema: {
        tags,
        summary: "Create a prospect account",
        body: CreateProspectBodySchema,
        response: { 201: ProspectEnvelopeSchema, ...STANDARD_ERRORS },
      },
    },
    async (request, reply) => {
      const company = await createCompany(core, scopeOf(request), companyInputFrom(request.body));
      reply.code(201);
      return ok(renderProspectRecord(company));
    },
  );

  app.get(
    "/prospects/:id",
    {
      config: { permission: "prospects:read" },
      schema: {
        tags,
        summary: "Get a prospect account with its contacts, opportunities and activities",
        params: IdParamsSchema,
        response: { 200: ProspectDetailsEnvelopeSchema, 404: ErrorSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) =>
      ok(
        renderProspectDetails(
          await getCompanyOverview(core, scopeOf(request), { number: request.params.id }),
        ),
      ),
  );

  for (const method of ["PUT", "PATCH"] as const) {
    app.route({
      method,
      url: "/prospects/:id",
      config: { permission: "prospects:write" },
      schema: {
        tags,
        summary: `Update a prospect account (${method}; partial: absent fields stay as they are)`,
        params: IdParamsSchema,
        body: UpdateProspectBodySchema,
        response: { 200: ProspectEnvelopeSchema, 404: ErrorSchema, ...STANDARD_ERRORS },
      },
      handler: async (request) => {
        const company = await updateCompany(
          core,
          scopeOf(request),
          { number: request.params.id },
          companyInputFrom(request.body),
        );
        return ok(renderProspectRecord(company));
      },
    });
  }

  app.delete(
    "/prospects/:id",
    {
      config: { permission: "prospects:write" },
      schema: {
        tags,
        summary: "Delete a prospect account (its contacts stay, unlinked)",
        params: IdParamsSchema,
        response: { 200: DeletedProspectSchema, 404: ErrorSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const company = await deleteCompany(core, scopeOf(request), { number: request.params.id });
      return ok({ prospect_id: company.number, deleted: true as const });
    },
  );

  app.post(
    "/prospects/:id/convert",
    {
      config: { permission: "prospects:write" },
      schema: {
        tags,
        summary: "Convert a prospect account to a customer",
        params: IdParamsSchema,
        response: { 200: ConvertedProspectSchema, 404: ErrorSchema, 409: ErrorSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const company = await convertCompany(core, scopeOf(request), { number: request.params.id });
      return ok({ company_id: company.number, prospect_status: "converted" as const });
    },
  );
}
