/**
 * Contacts in keyset batches (see shared/keyset.ts), each with one company membership: the
 * contact's primary company, or, when the caller names a company, the membership in that company.
 * Every query is filtered by the caller's workspace.
 */
import type { Executor, Scope } from "../core.js";
import { batchLimit, type KeysetQuery } from "../shared/keyset.js";
import type { Contact } from "./contact.types.js";

/** A contact with its notes, owner and one membership; `role` is the contact's own (its record field). */
export interface ContactDigest
  extends Pick<
    Contact,
    | "id"
    | "number"
    | "firstName"
    | "lastName"
    | "email"
    | "phone"
    | "title"
    | "role"
    | "createdAt"
    | "updatedAt"
  > {
  notes: string | null;
  ownerUserId: string | null;
  /** The membership shown: the named company's, or the primary company's (null when none). */
  membership: { companyId: string; role: string | null; isPrimary: boolean } | null;
}

export interface ContactBatchQuery extends KeysetQuery {
  /** Only the members of this company (a live company of the workspace; otherwise none). */
  companyId?: string;
}

const CONTACT_COLUMNS = [
  "contacts.id",
  "contacts.seq",
  "contacts.first_name",
  "contacts.last_name",
  "contacts.email",
  "contacts.phone",
  "contacts.title",
  "contacts.role",
  "contacts.notes",
  "contacts.owner_user_id",
  "contacts.created_at",
  "contacts.updated_at",
  "contact_companies.company_id",
  "contact_companies.role as membership_role",
  "contact_companies.is_primary",
] as const;

/** The next batch of live contacts, in creation order (by number). */
export async function readContactBatch(
  db: Executor,
  scope: Scope,
  query: ContactBatchQuery,
): Promise<ContactDigest[]> {
  const workspaceId = scope.workspaceId;
  const limit = batchLimit(query);
  let rows: {
    id: string;
    seq: number;
    first_name: string | null;
    last_name: string | null;
    email: string | null;
    phone: string | null;
    title: string | null;
    role: string | null;
    notes: string | null;
    owner_user_id: string | null;
    created_at: string;
    updated_at: string;
    company_id: string | null;
    membership_role: string | null;
    is_primary: number | null;
  }[];
  if (query.companyId !== undefined) {
    let filtered = db
      .selectFrom("contact_companies")
      .innerJoin("contacts", "contacts.id", "contact_companies.contact_id")
      .innerJoin("companies", "companies.id", "contact_companies.company_id")
      .where("contact_companies.workspace_id", "=", workspaceId)
      .where("contact_companies.company_id", "=", query.companyId)
      .where("companies.workspace_id", "=", workspaceId)
      .where("companies.deleted_at", "is", null)
      .where("contacts.workspace_id", "=", workspaceId)
      .where("contacts.deleted_at", "is", null);
    if (query.after !== undefined) filtered = filtered.where("contacts.seq", ">", query.after);
    rows = await filtered.select(CONTACT_COLUMNS).orderBy("contacts.seq", "asc").limit(limit).execute();
  } else {
    let filtered = db
      .selectFrom("contacts")
      .leftJoin("contact_companies", (join) =>
        join
          .onRef("contact_companies.contact_id", "=", "contacts.id")
          .onRef("contact_companies.company_id", "=", "contacts.primary_company_id")
          .on("contact_companies.workspace_id", "=", workspaceId),
      )
      .where("contacts.workspace_id", "=", workspaceId)
      .where("contacts.deleted_at", "is", null);
    if (query.after !== undefined) filtered = filtered.where("contacts.seq", ">", query.after);
    rows = await filtered.select(CONTACT_COLUMNS).orderBy("contacts.seq", "asc").limit(limit).execute();
  }
  return rows.map((row) => ({
    id: row.id,
    number: Number(row.seq),
    firstName: row.first_name,
    lastName: row.last_name,
    email: row.email,
    phone: row.phone,
    title: row.title,
    role: row.role,
    notes: row.notes,
    ownerUserId: row.owner_user_id,
    membership:
      row.company_id === null
        ? null
        : { companyId: row.company_id, role: row.membership_role, isPrimary: Number(row.is_primary) === 1 },
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }));
}
