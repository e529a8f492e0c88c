/**
 * Contact queries. Every read starts from `liveContacts`, which applies the workspace filter and
 * hides deleted rows, so no query path here can reach another workspace's contacts.
 */
import { sql } from "kysely";
import type { ContactTable } from "../../db/schema.js";
import type { CompanyRef } from "../companies/company.types.js";
import type { Executor, Scope } from "../core.js";
import { countLive } from "../counters.js";
import { parseStoredCustomFields } from "../custom-fields/custom-field-values.js";
import type { Page, UserSummary } from "../leads/lead.types.js";
import { idsWithTag, readTags } from "../tags/tags.js";
import { findUserSummaries } from "../users/user-refs.js";
import type {
  CompanySummary,
  Contact,
  ContactListQuery,
  ContactMembership,
  ContactRef,
} from "./contact.types.js";

const CONTACT_COLUMNS = [
  "contacts.id",
  "contacts.seq",
  "contacts.first_name",
  "contacts.last_name",
  "contacts.email",
  "contacts.phone",
  "contacts.title",
  "contacts.role",
  "contacts.primary_company_id",
  "contacts.owner_user_id",
  "contacts.custom_fields",
  "contacts.created_at",
  "contacts.updated_at",
] as const;

type ContactSelection = Pick<
  ContactTable,
  (typeof CONTACT_COLUMNS)[number] extends `contacts.${infer C}` ? C : never
>;

export function liveContacts(db: Executor, workspaceId: string) {
  return db
    .selectFrom("contacts")
    .where("contacts.workspace_id", "=", workspaceId)
    .where("contacts.deleted_at", "is", null);
}

/** The workspace's live companies among `ids`, keyed by id. */
async function findCompanySummaries(
  db: Executor,
  scope: Scope,
  ids: readonly string[],
): Promise<Map<string, CompanySummary>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom("companies")
    .select(["id", "seq", "name"])
    .where("workspace_id", "=", scope.workspaceId)
    .where("deleted_at", "is", null)
    .where("id", "in", ids)
    .execute();
  return new Map(rows.map((row) => [row.id, { id: row.id, number: Number(row.seq), name: row.name }]));
}

/** A live company of the workspace, as contacts show it. */
export async function findCompanySummary(
  db: Executor,
  scope: Scope,
  ref: CompanyRef,
): Promise<CompanySummary | null> {
  let query = db
    .selectFrom("companies")
    .select(["id", "seq", "name"])
    .where("workspace_id", "=", scope.workspaceId)
    .where("deleted_at", "is", null);
  query = "number" in ref ? query.where("seq", "=", ref.number) : query.where("id", "=", ref.id);
  const row = await query.executeTakeFirst();
  return row ? { id: row.id, number: Number(row.seq), name: row.name } : null;
}

/** The rows as contacts, with their tags, companies and assignees fetched in one query each. */
async function toContacts(db: Executor, scope: Scope, rows: ContactSelection[]): Promise<Contact[]> {
  if (rows.length === 0) return [];
  const distinct = (values: (string | null)[]) => [...new Set(values.filter((v): v is string => v !== null))];
  const userIds = distinct(rows.map((row) => row.owner_user_id));
  const [tags, companies, assignees] = await Promise.all([
    readTags(
      db,
      scope.workspaceId,
      "contact",
      rows.map((row) => row.id),
    ),
    findCompanySummaries(db, scope, distinct(rows.map((row) => row.primary_company_id))),
    userIds.length === 0 ? new Map<string, UserSummary>() : findUserSummaries(db, scope, userIds),
  ]);
  return rows.map((row) => ({
    id: row.id,
    number: Number(row.seq),
    firstName: row.first_name,
    lastName: row.last_name,
    email: row.email,
    phone: row.phone,
    title: row.title,
    role: row.role,
    tags: tags.get(row.id) ?? [],
    primaryCompany: row.primary_company_id === null ? null : (companies.get(row.primary_company_id) ?? null),
    assignee: row.owner_user_id === null ? null : (assignees.get(row.owner_user_id) ?? null),
    // Everything stored; the service shows only the values of currently defined fields.
    customFields: parseStoredCustomFields(row.custom_fields),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }));
}

export async function findContact(db: Executor, scope: Scope, ref: ContactRef): Promise<Contact | null> {
  let query = liveContacts(db, scope.workspaceId).select(CONTACT_COLUMNS);
  query =
    "number" in ref ? query.where("contacts.seq", "=", ref.number) : query.where("contacts.id", "=", ref.id);
  const row = await query.executeTakeFirst();
  return row ? (await toContacts(db, scope, [row]))[0]! : null;
}

/** The contact's live companies, primary first. */
export async function findMemberships(
  db: Executor,
  scope: Scope,
  contactId: string,
): Promise<ContactMembership[]> {
  const rows = await db
    .selectFrom("contact_companies")
    .innerJoin("companies", "companies.id", "contact_companies.company_id")
    .select([
      "companies.id",
      "companies.seq",
      "companies.name",
      "contact_companies.role",
      "contact_companies.is_primary",
    ])
    .where("contact_companies.workspace_id", "=", scope.workspaceId)
    .where("contact_companies.contact_id", "=", contactId)
    .where("companies.workspace_id", "=", scope.workspaceId)
    .where("companies.deleted_at", "is", null)
    .orderBy("contact_companies.is_primary", "desc")
    .orderBy("companies.seq", "asc")
    .execute();
  return rows.map((row) => ({
    company: { id: row.id, number: Number(row.seq), name: row.name },
    role: row.role,
    isPrimary: Number(row.is_primary) === 1,
  }));
}

/** Escapes LIKE wildcards so user text matches literally. */
const likePattern = (text: string) => `%${text.toLowerCase().replace(/[\\%_]/g, (char) => `\\${char}`)}%`;

/**
 * A page of contacts. `companyId` is the id of the company filter: undefined for none, null for
 * a company that does not exist (it matches nothing rather than everything).
 */
export async function queryContacts(
  db: Executor,
  scope: Scope,
  query: ContactListQuery,
  companyId: string | null | undefined,
): Promise<Page<Contact>> {
  let filtered = liveContacts(db, scope.workspaceId);
  if (companyId !== undefined) {
    filtered = filtered.where("contacts.id", "in", (eb) =>
      eb
        .selectFrom("contact_companies")
        .select("contact_companies.contact_id")
        .where("contact_companies.workspace_id", "=", scope.workspaceId)
        .where("contact_companies.company_id", "=", companyId ?? ""),
    );
  }
  if (query.tag !== undefined) {
    filtered = filtered.where("contacts.id", "in", idsWithTag(db, scope.workspaceId, "contact", query.tag));
  }
  if (query.search) {
    const pattern = likePattern(query.search);
    filtered = filtered.where(
      sql<boolean>`(lower(coalesce(contacts.first_name, '') || ' ' || coalesce(contacts.last_name, '')) like ${pattern} escape '\\'
        or contacts.email_normalized like ${pattern} escape '\\')`,
    );
  }
  const isFiltered = companyId !== undefined || query.tag !== undefined || Boolean(query.search);
  const total = isFiltered
    ? Number(
        (await filtered.select((eb) => eb.fn.countAll<number>().as("count")).executeTakeFirst())?.count ?? 0,
      )
    : await countLive(db, scope.workspaceId, "contacts");
  const offset = (query.page - 1) * query.perPage;
  if (total <= offset) return { items: [], total };
  const rows = await filtered
    .select(CONTACT_COLUMNS)
    .orderBy("contacts.created_at", "desc")
    .orderBy("contacts.seq", "desc")
    .limit(query.perPage)
    .offset(offset)
    .execute();
  return { items: await toContacts(db, scope, rows), total };
}
