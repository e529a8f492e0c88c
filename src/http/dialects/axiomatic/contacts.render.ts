/** Renders core contacts as Axiomatic contacts, and Axiomatic's request fields as core input. */
import type { Contact, ContactInput } from "../../../core/contacts/contact.types.js";

export function renderContact(contact: Contact) {
  return {
    id: contact.id,
    firstName: contact.firstName,
    lastName: contact.lastName,
    email: contact.email,
    phone: contact.phone,
    title: contact.title,
    companyId: contact.primaryCompany?.id ?? null,
    ownerUserId: contact.assignee?.id ?? null,
    createdAt: contact.createdAt,
    updatedAt: contact.updatedAt,
  };
}

export interface AxiomaticContactBody {
  firstName?: string | null;
  lastName?: string | null;
  email?: string | null;
  phone?: string | null;
  title?: string | null;
  companyId?: string | null;
  ownerUserId?: string | null;
}

export function contactInputFrom(body: AxiomaticContactBody): ContactInput {
  const input: ContactInput = {};
  if (body.firstName !== undefined) input.firstName = body.firstName;
  if (body.lastName !== undefined) input.lastName = body.lastName;
  if (body.email !== undefined) input.email = body.email;
  if (body.phone !== undefined) input.phone = body.phone;
  if (body.title !== undefined) input.title = body.title;
  if (body.companyId !== undefined)
    input.primaryCompany = body.companyId === null ? null : { id: body.companyId };
  if (body.ownerUserId !== undefined)
    input.assignee = body.ownerUserId === null ? null : { id: body.ownerUserId };
  return input;
}
