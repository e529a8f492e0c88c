/**
 * Company queries. Every read starts from `liveCompanies`, which applies the workspace filter and
 * hides deleted rows, so no query path here can reach another workspace's companies.
 */
import { sql } from "kysely";
import type { CompanyTable } from "../../db/schema.js";
import type { Executor, Scope } from "../core.js";
import { countLive } from "../counters.js";
import { parseStoredCustomFields } from "../custom-fields/custom-field-values.js";
import type { Page, UserSummary } from "../leads/lead.types.js";
import { findUserSummaries } from "../users/user-refs.js";
import type {
  Company,
  CompanyActivity,
  CompanyListQuery,
  CompanyMember,
  CompanyOpportunity,
  CompanyRef,
  CompanyRelationship,
  CompanyStatus,
} from "./company.types.js";

const COMPANY_COLUMNS = [
  "companies.id",
  "companies.seq",
  "companies.name",
  "companies.industry",
  "companies.website",
  "companies.phone",
  "companies.email",
  "companies.status",
  "companies.relationship",
  "companies.owner_user_id",
  "companies.notes",
  "companies.converted_at",
  "companies.custom_fields",
  "companies.created_at",
  "companies.updated_at",
] as const;

type CompanySelection = Pick<
  CompanyTable,
  (typeof COMPANY_COLUMNS)[number] extends `companies.${infer C}` ? C : never
>;

export function liveCompanies(db: Executor, workspaceId: string) {
  return db
    .selectFrom("companies")
    .where("companies.workspace_id", "=", workspaceId)
    .where("companies.deleted_at", "is", null);
}

function toCompany(row: CompanySelection, assignees: ReadonlyMap<string, UserSummary>): Company {
  return {
    id: row.id,
    number: Number(row.seq),
    name: row.name,
    industry: row.industry,
    website: row.website,
    phone: row.phone,
    email: row.email,
    status: row.status as CompanyStatus,
    relationship: row.relationship as CompanyRelationship,
    assignee: row.owner_user_id === null ? null : (assignees.get(row.owner_user_id) ?? null),
    notes: row.notes,
    convertedAt: row.converted_at,
    // Everything stored; the service shows only the values of currently defined fields.
    customFields: parseStoredCustomFields(row.custom_fields),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

async function toCompanies(db: Executor, scope: Scope, rows: CompanySelection[]): Promise<Company[]> {
  const ids = [...new Set(rows.map((row) => row.owner_user_id).filter((id) => id !== null))];
  const assignees = ids.length === 0 ? new Map() : await findUserSummaries(db, scope, ids);
  return rows.map((row) => toCompany(row, assignees));
}

export async function findCompany(db: Executor, scope: Scope, ref: CompanyRef): Promise<Company | null> {
  let query = liveCompanies(db, scope.workspaceId).select(COMPANY_COLUMNS);
  query =
    "number" in ref
      ? query.where("companies.seq", "=", ref.number)
      : query.where("companies.id", "=", ref.id);
  const row = await query.executeTakeFirst();
  return row ? (await toCompanies(db, scope, [row]))[0]! : null;
}

/** Escapes LIKE wildcards so user text matches literally. */
export const likePattern = (text: string) =>
  `%${text.toLowerCase().replace(/[\\%_]/g, (char) => `\\${char}`)}%`;

export async function queryCompanies(
  db: Executor,
  scope: Scope,
  query: CompanyListQuery,
): Promise<Page<Company>> {
  let filtered = liveCompanies(db, scope.workspaceId);
  if (typeof query.status === "string") filtered = filtered.where("companies.status", "=", query.status);
  else if (query.status?.length) filtered = filtered.where("companies.status", "in", [...query.status]);
  if (query.relationship) filtered = filtered.where("companies.relationship", "=", query.relationship);
  if (query.owner !== undefined) {
    filtered =
      query.owner === null
        ? filtered.where("companies.owner_user_id", "is", null)
        : filtered.where("companies.owner_user_id", "=", query.owner);
  }
  if (query.industry) {
    filtered = filtered.where(
      sql<string>`lower(companies.industry)`,
      "=",
      query.industry.trim().toLowerCase(),
    );
  }
  if (query.search) {
    filtered = filtered.where(
      sql<boolean>`companies.name_normalized like ${likePattern(query.search)} escape '\\'`,
    );
  }
  const isFiltered =
    Boolean(query.status || query.industry || query.search || query.relationship) ||
    query.owner !== undefined;
  const total = isFiltered
    ? Number(
        (await filtered.select((eb) => eb.fn.countAll<number>().as("count")).executeTakeFirst())?.count ?? 0,
      )
    : await countLive(db, scope.workspaceId, "companies");
  const offset = (query.page - 1) * query.perPage;
  if (total <= offset) return { items: [], total };
  const rows = await filtered
    .select(COMPANY_COLUMNS)
    .orderBy("companies.created_at", "desc")
    .orderBy("companies.seq", "desc")
    .limit(query.perPage)
    .offset(offset)
    .execute();
  return { items: await toCompanies(db, scope, rows), total };
}

/** The company's live contacts, primary ones first. */
export async function findMembers(db: Executor, scope: Scope, companyId: string): Promise<CompanyMember[]> {
  const rows = await db
    .selectFrom("contact_companies")
    .innerJoin("contacts", "contacts.id", "contact_companies.contact_id")
    .select([
      "contacts.id",
      "contacts.seq",
      "contacts.first_name",
      "contacts.last_name",
      "contacts.email",
      "contact_companies.role",
      "contact_companies.is_primary",
    ])
    .where("contact_companies.workspace_id", "=", scope.workspaceId)
    .where("contact_companies.company_id", "=", companyId)
    .where("contacts.workspace_id", "=", scope.workspaceId)
    .where("contacts.deleted_at", "is", null)
    .orderBy("contact_companies.is_primary", "desc")
    .orderBy("contacts.seq", "asc")
    .execute();
  return rows.map((row) => ({
    contact: {
      id: row.id,
      number: Number(row.seq),
      firstName: row.first_name,
      lastName: row.last_name,
      email: row.email,
    },
    role: row.role,
    isPrimary: Number(row.is_primary) === 1,
  }));
}

/** The company's live opportunities, newest first (read-only view of the opportunities table). */
export async function findCompanyOpportunities(
  db: Executor,
  scope: Scope,
  companyId: string,
): Promise<CompanyOpportunity[]> {
  const rows = await db
    .selectFrom("opportunities")
    .innerJoin("pipeline_stages", "pipeline_stages.id", "opportunities.stage_id")
    .select([
      "opportunities.id",
      "opportunities.seq",
      "opportunities.name",
      "pipeline_stages.key as stage_key",
      "opportunities.value_minor",
      "opportunities.currency",
      "opportunities.status",
    ])
    .where("opportunities.workspace_id", "=", scope.workspaceId)
    .where("opportunities.company_id", "=", companyId)
    .where("opportunities.deleted_at", "is", null)
    .orderBy("opportunities.created_at", "desc")
    .orderBy("opportunities.seq", "desc")
    .execute();
  return rows.map((row) => ({
    id: row.id,
    number: Number(row.seq),
    name: row.name,
    stageKey: row.stage_key,
    valueMinor: row.value_minor === null ? null : Number(row.value_minor),
    currency: row.currency,
    status: row.status,
  }));
}

/** The live activities logged against the company, newest first. */
export async function findCompanyActivities(
  db: Executor,
  scope: Scope,
  companyId: string,
): Promise<CompanyActivity[]> {
  const rows = await db
    .selectFrom("activities")
    .select([
      "activities.id",
      "activities.seq",
      "activities.type",
      "activities.subject",
      "activities.completed",
      "activities.due_at",
    ])
    .where("activities.workspace_id", "=", scope.workspaceId)
    .where("activities.entity_type", "=", "company")
    .where("activities.entity_id", "=", companyId)
    .where("activities.deleted_at", "is", null)
    .orderBy("activities.created_at", "desc")
    .orderBy("activities.seq", "desc")
    .execute();
  return rows.map((row) => ({
    id: row.id,
    number: Number(row.seq),
    type: row.type,
    subject: row.subject,
    completed: Number(row.completed) === 1,
    dueAt: row.due_at,
  }));
}
