/** CRMLead Pro `GET /contacts`: contacts with search, tag and company filters, paged. */
import { Type } from "typebox";
import type { Contact } from "../../../core/contacts/contact.types.js";
import { listContacts } from "../../../core/contacts/contacts.service.js";
import { TAG_LIMITS } from "../../../core/tags/tags.js";
import { Nullable } from "../../schema-helpers.js";
import { renderTime } from "../../time.js";
import { listOf, PageQuery, PaginationSchema, pageOf, STANDARD_ERRORS, Time } from "./common.schemas.js";
import { type CrmLeadProApp, type CrmLeadProDeps, scopeOf } from "./context.js";
import { publicId, userId, uuidOf } from "./ids.js";

const ContactSchema = Type.Object({
  id: Type.String(),
  uuid: Type.String({ format: "uuid" }),
  name: Nullable(Type.String()),
  email: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  title: Nullable(Type.String()),
  company: Nullable(Type.String()),
  company_id: Nullable(Type.String()),
  assigned_to: Nullable(Type.String()),
  tags: Type.Array(Type.String()),
  created_at: Time,
  updated_at: Time,
});

export function renderContact(contact: Contact) {
  return {
    id: publicId("contact", contact.id),
    uuid: contact.id,
    name: [contact.firstName, contact.lastName].filter(Boolean).join(" ") || null,
    email: contact.email,
    phone: contact.phone,
    title: contact.title,
    company: contact.primaryCompany?.name ?? null,
    company_id: contact.primaryCompany ? publicId("company", contact.primaryCompany.id) : null,
    assigned_to: contact.assignee ? userId(contact.assignee.username) : null,
    tags: contact.tags,
    created_at: renderTime(contact.createdAt),
    updated_at: renderTime(contact.updatedAt),
  };
}

export async function contactsRoutes(app: CrmLeadProApp, { core }: CrmLeadProDeps): Promise<void> {
  app.get(
    "/contacts",
    {
      config: { permission: "contacts:read" },
      schema: {
        tags: ["Contacts"],
        summary: "List contacts, newest first, with search, tag and company filters",
        querystring: Type.Object(
          {
            search: Type.Optional(Type.String({ maxLength: 200, description: "Name or email" })),
            tag: Type.Optional(Type.String({ maxLength: TAG_LIMITS.length })),
            company_id: Type.Optional(Type.String({ maxLength: 64 })),
            ...PageQuery,
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ data: Type.Array(ContactSchema), pagination: PaginationSchema }),
          ...STANDARD_ERRORS,
        },
      },
    },
    async (request) => {
      const query = request.query;
      const { page, perPage } = pageOf(query);
      const result = await listContacts(core, scopeOf(request), {
        page,
        perPage,
        search: query.search?.trim() || undefined,
        tag: query.tag,
        ...(query.company_id ? { company: { id: uuidOf("company", query.company_id, "company_id") } } : {}),
      });
      return listOf(result.items.map(renderContact), page, perPage, result.total);
    },
  );
}
