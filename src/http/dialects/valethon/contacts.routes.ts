/** Valethon contacts endpoints (seed-apis.md C1–C5). Handlers parse, call the core, render. */
import {
  createContact,
  deleteContact,
  getContactDetails,
  listContacts,
  updateContact,
} from "../../../core/contacts/contacts.service.js";
import { STANDARD_ERRORS } from "./common.schemas.js";
import { contactInputFrom, renderContact, renderContactDetails } from "./contacts.render.js";
import {
  ContactBodySchema,
  ContactDetailsEnvelopeSchema,
  ContactEnvelopeSchema,
  ContactPageSchema,
  DeletedContactSchema,
  ErrorSchema,
  IdParamsSchema,
  ListContactsQuerySchema,
} from "./contacts.schemas.js";
import { scopeOf, type ValethonApp, type ValethonDeps } from "./context.js";
import { ok, paginated } from "./envelope.js";

export async function contactsRoutes(app: ValethonApp, { core }: ValethonDeps): Promise<void> {
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
      const page = query.page ?? 1;
      const perPage = query.per_page ?? 25;
      const tag = query.tag?.trim();
      const result = await listContacts(core, scopeOf(request), {
        page,
        perPage,
        search: query.search?.trim() || undefined,
        company: query.prospect_id === undefined ? undefined : { number: query.prospect_id },
        tag: tag || undefined,
      });
      return paginated(result.items.map(renderContact), page, perPage, result.total);
    },
  );

  app.post(
    "/contacts",
    {
      config: { permission: "contacts:write" },
      schema: {
        tags,
        summary: "Create a contact",
        body: ContactBodySchema,
        response: { 201: ContactEnvelopeSchema, 409: ErrorSchema, ...STANDARD_ERRORS },
      },
    },
    async (request, reply) => {
      const contact = await createContact(core, scopeOf(request), contactInputFrom(request.body));
      reply.code(201);
      return ok(renderContact(contact));
    },
  );

  app.get(
    "/contacts/:id",
    {
      config: { permission: "contacts:read" },
      schema: {
        tags,
        summary: "Get a contact with the prospect accounts it belongs to",
        params: IdParamsSchema,
        response: { 200: ContactDetailsEnvelopeSchema, 404: ErrorSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) =>
      ok(
        renderContactDetails(await getContactDetails(core, scopeOf(request), { number: request.params.id })),
      ),
  );

  for (const method of ["PUT", "PATCH"] as const) {
    app.route({
      method,
      url: "/contacts/:id",
      config: { permission: "contacts:write" },
      schema: {
        tags,
        summary: `Update a contact (${method}; partial: absent fields stay as they are)`,
        params: IdParamsSchema,
        body: ContactBodySchema,
        response: {
          200: ContactDetailsEnvelopeSchema,
          404: ErrorSchema,
          409: ErrorSchema,
          ...STANDARD_ERRORS,
        },
      },
      handler: async (request) => {
        const contact = await updateContact(
          core,
          scopeOf(request),
          { number: request.params.id },
          contactInputFrom(request.body),
        );
        return ok(renderContactDetails(contact));
      },
    });
  }

  app.delete(
    "/contacts/:id",
    {
      config: { permission: "contacts:write" },
      schema: {
        tags,
        summary: "Delete a contact (it disappears from every read)",
        params: IdParamsSchema,
        response: { 200: DeletedContactSchema, 404: ErrorSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const contact = await deleteContact(core, scopeOf(request), { number: request.params.id });
      return ok({ contact_id: contact.number, deleted: true as const });
    },
  );
}
