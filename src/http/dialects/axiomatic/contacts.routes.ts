/** Axiomatic contact endpoints (seed-apis.md 003 rows 8–12), served by the core's contacts. */
import { Type } from "typebox";
import {
  type ContactWriteOptions,
  createContact,
  deleteContact,
  getContact,
  listContacts,
  updateContact,
} from "../../../core/contacts/contacts.service.js";
import { EntityQuerySchema, ErrorSchema, IdParamsSchema, pageOf, STANDARD_ERRORS } from "./common.schemas.js";
import { contactInputFrom, renderContact } from "./contacts.render.js";
import {
  ContactPageSchema,
  ContactSchema,
  CreateContactBodySchema,
  ListContactsQuerySchema,
  UpdateContactBodySchema,
} from "./contacts.schemas.js";
import { type AxiomaticApp, type AxiomaticDeps, scopeOf } from "./context.js";

/** The document requires no contact field (its sample body is `{}`): a contact may be unnamed. */
const AS_DOCUMENTED: ContactWriteOptions = { requireIdentity: false };

export async function contactsRoutes(app: AxiomaticApp, { core }: AxiomaticDeps): Promise<void> {
  const tags = ["Contacts"];

  app.get(
    "/contacts",
    {
      config: { permission: "contacts:read" },
      schema: {
        tags,
        summary: "List contacts",
        querystring: ListContactsQuerySchema,
        response: { 200: ContactPageSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const query = request.query;
      const { page, pageSize } = pageOf(query);
      const result = await listContacts(core, scopeOf(request), {
        page,
        perPage: pageSize,
        search: query.q?.trim() || undefined,
        ...(query.companyId ? { company: { id: query.companyId } } : {}),
      });
      return { contacts: result.items.map(renderContact), total: result.total, page, pageSize };
    },
  );

  app.post(
    "/contacts",
    {
      config: { permission: "contacts:write" },
      schema: {
        tags,
        summary: "Create a contact (companyId makes it a primary member of that company)",
        querystring: EntityQuerySchema,
        body: CreateContactBodySchema,
        response: { 201: ContactSchema, 409: ErrorSchema, ...STANDARD_ERRORS },
      },
    },
    async (request, reply) => {
      const contact = await createContact(
        core,
        scopeOf(request),
        contactInputFrom(request.body),
        AS_DOCUMENTED,
      );
      reply.code(201);
      return renderContact(contact);
    },
  );

  app.get(
    "/contacts/:id",
    {
      config: { permission: "contacts:read" },
      schema: {
        tags,
        summary: "Get a contact",
        params: IdParamsSchema,
        querystring: EntityQuerySchema,
        response: { 200: ContactSchema, 404: ErrorSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => renderContact(await getContact(core, scopeOf(request), { id: request.params.id })),
  );

  app.patch(
    "/contacts/:id",
    {
      config: { permission: "contacts:write" },
      schema: {
        tags,
        summary: "Update a contact (partial: absent fields stay as they are)",
        params: IdParamsSchema,
        querystring: EntityQuerySchema,
        body: UpdateContactBodySchema,
        response: { 200: ContactSchema, 404: ErrorSchema, 409: ErrorSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) =>
      renderContact(
        await updateContact(
          core,
          scopeOf(request),
          { id: request.params.id },
          contactInputFrom(request.body),
          AS_DOCUMENTED,
        ),
      ),
  );

  app.delete(
    "/contacts/:id",
    {
      config: { permission: "contacts:write" },
      schema: {
        tags,
        summary: "Delete a contact (answers 204 without a body)",
        params: IdParamsSchema,
        querystring: EntityQuerySchema,
        response: { 204: Type.Null({ description: "Deleted" }), 404: ErrorSchema, ...STANDARD_ERRORS },
      },
    },
    async (request, reply) => {
      await deleteContact(core, scopeOf(request), { id: request.params.id });
      return reply.code(204).send(null);
    },
  );
}
