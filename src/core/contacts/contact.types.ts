/** Contacts: the people the workspace deals with, each optionally linked to companies. */
import type { CompanyRef } from "../companies/company.types.js";
import type { CustomFieldValues } from "../custom-fields/custom-field.types.js";
import type { UserRef, UserSummary } from "../leads/lead.types.js";

/** Bounds every dialect's schema states and the core enforces. */
export const CONTACT_LIMITS = {
  name: 100,
  email: 254,
  phone: 40,
  title: 100,
  role: 100,
} as const;

export interface CompanySummary {
  id: string;
  number: number;
  name: string;
}

export interface Contact {
  id: string;
  number: number;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phone: string | null;
  title: string | null;
  role: string | null;
  /** In the order they were given. */
  tags: string[];
  primaryCompany: CompanySummary | null;
  assignee: UserSummary | null;
  /** Values of the contact custom fields, by key (the service shows only currently defined ones). */
  customFields?: CustomFieldValues;
  createdAt: string;
  updatedAt: string;
}

/** A company the contact belongs to, with the contact's role there. */
export interface ContactMembership {
  company: CompanySummary;
  role: string | null;
  isPrimary: boolean;
}

export interface ContactDetails extends Contact {
  /** Primary company first. */
  companies: ContactMembership[];
}

/** How a caller names a contact: by its per-workspace number or its UUID. */
export type ContactRef = { number: number } | { id: string };

/** Writable fields. On create, absent means empty; on update, absent means unchanged. */
export interface ContactInput {
  firstName?: string | null;
  lastName?: string | null;
  email?: string | null;
  phone?: string | null;
  title?: string | null;
  role?: string | null;
  /** Replaces all the contact's tags; null clears them. */
  tags?: string[] | null;
  /** The contact's primary company; null unlinks it. */
  primaryCompany?: CompanyRef | null;
  assignee?: UserRef | null;
  /** Custom-field values by key, merged into the stored ones; null removes a value. */
  customFields?: Record<string, unknown>;
}

export interface ContactListQuery {
  page: number;
  perPage: number;
  /** Matches the full name or the email, case-insensitively, anywhere. */
  search?: string;
  /** Contacts linked to this company (as primary or not). */
  company?: CompanyRef;
  /** Contacts carrying this tag (case-insensitive). */
  tag?: string;
}
