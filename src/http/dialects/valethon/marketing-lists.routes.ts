/**
 * Valethon marketing-list endpoints: a Kith extension in Valethon conventions (docs/valethon.md).
 * Lists hold prospects (companies) and contacts, so they take the prospects permissions.
 */
import {
  addListMembers,
  createMarketingList,
  deleteMarketingList,
  getMarketingList,
  listListMembers,
  listMarketingLists,
  removeListMember,
  updateMarketingList,
} from "../../../core/marketing-lists/marketing-lists.service.js";
import { STANDARD_ERRORS } from "./common.schemas.js";
import { scopeOf, type ValethonApp, type ValethonDeps } from "./context.js";
import { ok, paginated } from "./envelope.js";
import { renderMarketingList, renderMember } from "./marketing-lists.render.js";
import {
  AddMembersBodySchema,
  AddMembersResultSchema,
  CreateMarketingListBodySchema,
  DeletedMarketingListSchema,
  ErrorSchema,
  IdParamsSchema,
  MarketingListEnvelopeSchema,
  MarketingListPageSchema,
  MemberPageSchema,
  MemberParamsSchema,
  PageQuerySchema,
  RemovedMemberSchema,
  UpdateMarketingListBodySchema,
} from "./marketing-lists.schemas.js";

export async function marketingListsRoutes(app: ValethonApp, { core }: ValethonDeps): Promise<void> {
  const tags = ["Marketing lists"];
  const read = { permission: "prospects:read" } as const;
  const write = { permission: "prospects:write" } as const;

  app.get(
    "/marketing-lists",
    {
      config: read,
      schema: {
        tags,
        summary: "List marketing lists, newest first",
        querystring: PageQuerySchema,
        response: { 200: MarketingListPageSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const page = request.query.page ?? 1;
      const perPage = request.query.per_page ?? 25;
      const result = await listMarketingLists(core, scopeOf(request), { page, perPage });
      return paginated(result.items.map(renderMarketingList), page, perPage, result.total);
    },
  );

  app.post(
    "/marketing-lists",
    {
      config: write,
      schema: {
        tags,
        summary: "Create a marketing list",
        body: CreateMarketingListBodySchema,
        response: { 201: MarketingListEnvelopeSchema, ...STANDARD_ERRORS },
      },
    },
    async (request, reply) => {
      const list = await createMarketingList(core, scopeOf(request), request.body);
      reply.code(201);
      return ok(renderMarketingList(list));
    },
  );

  app.get(
    "/marketing-lists/:id",
    {
      config: read,
      schema: {
        tags,
        summary: "Get a marketing list",
        params: IdParamsSchema,
        response: { 200: MarketingListEnvelopeSchema, 404: ErrorSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) =>
      ok(renderMarketingList(await getMarketingList(core, scopeOf(request), { number: request.params.id }))),
  );

  for (const method of ["PUT", "PATCH"] as const) {
    app.route({
      method,
      url: "/marketing-lists/:id",
      config: write,
      schema: {
        tags,
        summary: `Update a marketing list (${method}; partial)`,
        params: IdParamsSchema,
        body: UpdateMarketingListBodySchema,
        response: { 200: MarketingListEnvelopeSchema, 404: ErrorSchema, ...STANDARD_ERRORS },
      },
      handler: async (request) =>
        ok(
          renderMarketingList(
            await updateMarketingList(core, scopeOf(request), { number: request.params.id }, request.body),
          ),
        ),
    });
  }

  app.delete(
    "/marketing-lists/:id",
    {
      config: write,
      schema: {
        tags,
        summary: "Delete a marketing list (its members go with it; the records stay)",
        params: IdParamsSchema,
        response: { 200: DeletedMarketingListSchema, 404: ErrorSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const list = await deleteMarketingList(core, scopeOf(request), { number: request.params.id });
      return ok({ list_id: list.number, deleted: true as const });
    },
  );

  app.get(
    "/marketing-lists/:id/members",
    {
      config: read,
      schema: {
        tags,
        summary: "List a marketing list's members, in the order they were added",
        params: IdParamsSchema,
        querystring: PageQuerySchema,
        response: { 200: MemberPageSchema, 404: ErrorSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const page = request.query.page ?? 1;
      const perPage = request.query.per_page ?? 25;
      const result = await listListMembers(
        core,
        scopeOf(request),
        { number: request.params.id },
        { page, perPage },
      );
      return paginated(result.items.map(renderMember), page, perPage, result.total);
    },
  );

  app.post(
    "/marketing-lists/:id/members",
    {
      config: write,
      schema: {
        tags,
        summary: "Add prospects (company_ids) and contacts to a list; adding a member twice keeps one",
        params: IdParamsSchema,
        body: AddMembersBodySchema,
        response: { 200: AddMembersResultSchema, 404: ErrorSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const result = await addListMembers(
        core,
        scopeOf(request),
        { number: request.params.id },
        { companyIds: request.body.company_ids, contactIds: request.body.contact_ids },
        { companies: "company_ids", contacts: "contact_ids" },
      );
      return ok({ list_id: request.params.id, added: result.added, already_members: result.alreadyMembers });
    },
  );

  app.delete(
    "/marketing-lists/:id/members/:type/:member_id",
    {
      config: write,
      schema: {
        tags,
        summary: "Take a prospect (type company or prospect) or a contact off a list",
        params: MemberParamsSchema,
        response: { 200: RemovedMemberSchema, 404: ErrorSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const memberType = request.params.type === "contact" ? "contact" : "company";
      await removeListMember(
        core,
        scopeOf(request),
        { number: request.params.id },
        memberType,
        request.params.member_id,
      );
      return ok({
        list_id: request.params.id,
        member_type: memberType,
        member_id: request.params.member_id,
        removed: true as const,
      });
    },
  );
}
