/** Renders core contacts in Valethon's shape, and Valethon's request fields as core input. */
import type { Contact, ContactDetails, ContactInput } from "../../../core/contacts/contact.types.js";
import { renderTime } from "./envelope.js";

export function renderContact(contact: Contact) {
  return {
    contact_id: contact.number,
    uuid: contact.id,
    first_name: contact.firstName,
    last_name: contact.lastName,
    email: contact.email,
    phone: contact.phone,
    title: contact.title,
    role: contact.role,
    prospect_id: contact.primaryCompany?.number ?? null,
    tags: contact.tags,
    assigned_to: contact.assignee?.number ?? null,
    custom_fields: contact.customFields ?? {},
    created_at: renderTime(contact.createdAt),
    updated_at: renderTime(contact.updatedAt),
  };
}

export function renderContactDetails(contact: ContactDetails) {
  return {
    ...renderContact(contact),
    prospects: contact.companies.map((membership) => ({
      prospect_id: membership.company.number,
      name: membership.company.name,
      role: membership.role,
      is_primary: membership.isPrimary,
    })),
  };
}

export interface ValethonContactBody {
  first_name?: string | null;
  last_name?: string | null;
  email?: string | null;
  phone?: string | null;
  title?: string | null;
  role?: string | null;
  tags?: string[] | null;
  prospect_id?: number | null;
  assigned_to?: number | null;
  custom_fields?: Record<string, unknown>;
}

export function contactInputFrom(body: ValethonContactBody): ContactInput {
  const input: ContactInput = {
    firstName: body.first_name,
    lastName: body.last_name,
    email: body.email,
    phone: body.phone,
    title: body.title,
    role: body.role,
    tags: body.tags,
    customFields: body.custom_fields,
  };
  if (body.prospect_id !== undefined) {
    input.primaryCompany = body.prospect_id === null ? null : { number: body.prospect_id };
  }
  if (body.assigned_to !== undefined) {
    input.assignee = body.assigned_to === null ? null : { number: body.assigned_to };
  }
  return input;
}
