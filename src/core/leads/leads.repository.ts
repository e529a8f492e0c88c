/**
 * Lead queries. Every read starts from `liveLeads`, which applies the workspace filter and hides
 * deleted rows, so no query path here can reach another workspace's leads.
 */
import { sql } from "kysely";
import { engineOf } from "../../db/database.js";
import { prepared } from "../../db/prepared.js";
import type { LeadRow } from "../../db/schema.js";
import type { Executor, Scope } from "../core.js";
import type { CountCache } from "../count-cache.js";
import { readCounter } from "../counters.js";
import { parseStoredCustomFields } from "../custom-fields/custom-field-values.js";
import { matchExpression, newestMatchingIds, searchTerms } from "../search/search.service.js";
import { idsWithTag, normalizeTag } from "../tags/tags.js";
import { findUserSummaries } from "../users/user-refs.js";
import type {
  Lead,
  LeadListQuery,
  LeadRef,
  LeadSortField,
  LeadStatus,
  Page,
  UserSummary,
} from "./lead.types.js";

const LEAD_COLUMNS = [
  "leads.id",
  "leads.seq",
  "leads.first_name",
  "leads.last_name",
  "leads.email",
  "leads.phone",
  "leads.company_name",
  "leads.status",
  "leads.source",
  "leads.form_type",
  "leads.raw_payload",
  "leads.score",
  "leads.assigned_user_id",
  "leads.title",
  "leads.stage_id",
  "leads.stage_changed_at",
  "leads.value_minor",
  "leads.currency",
  "leads.company_id",
  "leads.contact_id",
  "leads.created_at",
  "leads.updated_at",
  "leads.custom_fields",
  "leads.slug",
  "leads.owner_user_id",
] as const;

type LeadSelection = Pick<LeadRow, (typeof LEAD_COLUMNS)[number] extends `leads.${infer C}` ? C : never>;

export function liveLeads(db: Executor, workspaceId: string) {
  return db
    .selectFrom("leads")
    .where("leads.workspace_id", "=", workspaceId)
    .where("leads.deleted_at", "is", null);
}

/** Deleted (archived) leads: still rows, shown only where a dialect asks for them. */
function archivedLeads(db: Executor, workspaceId: string) {
  return db
    .selectFrom("leads")
    .where("leads.workspace_id", "=", workspaceId)
    .where("leads.deleted_at", "is not", null);
}

// Assignees are looked up apart rather than joined: a join makes SQLite read every row a page's
// OFFSET skips, where the index alone would do.
function selectLead(query: ReturnType<typeof liveLeads>) {
  return query.select(LEAD_COLUMNS);
}

function toLead(row: LeadSelection, assignees: ReadonlyMap<string, UserSummary>): Lead {
  return {
    id: row.id,
    number: Number(row.seq),
    firstName: row.first_name,
    lastName: row.last_name,
    email: row.email,
    phone: row.phone,
    companyName: row.company_name,
    status: row.status as LeadStatus,
    source: row.source,
    formType: row.form_type,
    rawPayload: row.raw_payload === null ? null : JSON.parse(row.raw_payload),
    score: row.score === null ? null : Number(row.score),
    assignee: row.assigned_user_id === null ? null : (assignees.get(row.assigned_user_id) ?? null),
    title: row.title,
    stageId: row.stage_id,
    stageChangedAt: row.stage_changed_at,
    valueMinor: row.value_minor === null ? null : Number(row.value_minor),
    currency: row.currency,
    companyId: row.company_id,
    contactId: row.contact_id,
    slug: row.slug ?? `lead-${row.seq}`,
    ownerUserId: row.owner_user_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    // Everything stored; the service shows only the values of currently defined fields.
    customFields: parseStoredCustomFields(row.custom_fields),
  };
}

const NO_ASSIGNEES: ReadonlyMap<string, UserSummary> = new Map();

/** The rows as leads, with their assignees fetched in one query. */
async function toLeads(db: Executor, scope: Scope, rows: LeadSelection[]): Promise<Lead[]> {
  const ids = [...new Set(rows.map((row) => row.assigned_user_id).filter((id) => id !== null))];
  const assignees = ids.length === 0 ? NO_ASSIGNEES : await findUserSummaries(db, scope, ids);
  return rows.map((row) => toLead(row, assignees));
}

const leadByNumber = prepared((db, p: { workspaceId: string; number: number }) =>
  selectLead(liveLeads(db, p.workspaceId)).where("leads.seq", "=", p.number),
);
const leadById = prepared((db, p: { workspaceId: string; id: string }) =>
  selectLead(liveLeads(db, p.workspaceId)).where("leads.id", "=", p.id),
);

/** An archived (deleted) lead by id, for dialects that keep archived ids resolvable. */
export async function findArchivedLead(db: Executor, scope: Scope, id: string): Promise<Lead | null> {
  const row = await selectLead(archivedLeads(db, scope.workspaceId))
    .where("leads.id", "=", id)
    .executeTakeFirst();
  return row ? (await toLeads(db, scope, [row]))[0]! : null;
}

export async function findLead(db: Executor, scope: Scope, ref: LeadRef): Promise<Lead | null> {
  const [row] =
    "number" in ref
      ? await leadByNumber(db, { workspaceId: scope.workspaceId, number: ref.number })
      : await leadById(db, { workspaceId: scope.workspaceId, id: ref.id });
  return row ? (await toLeads(db, scope, [row]))[0]! : null;
}

/** A list's filter values; which of them are set decides the query's shape. */
interface LeadFilterParams {
  workspaceId: string;
  status?: string;
  source?: string;
  /** "" for an assignee that does not exist: it matches nothing rather than everything. */
  assigneeId?: string;
  unassigned?: boolean;
  createdAfter?: string;
  createdBefore?: string;
  /** "" for a stage that does not exist: it matches nothing rather than everything. */
  stageId?: string;
  companyId?: string;
  contactId?: string;
  tag?: string;
  archived?: boolean;
  /** The search index's query for the `search` text (see matchExpression). */
  match?: string;
}

type LeadListShape = Record<Exclude<keyof LeadFilterParams, "workspaceId">, boolean>;

function filteredLeads(db: Executor, p: LeadFilterParams, shape: LeadListShape) {
  let query = shape.archived ? archivedLeads(db, p.workspaceId) : liveLeads(db, p.workspaceId);
  if (shape.tag) query = query.where("leads.id", "in", idsWithTag(db, p.workspaceId, "lead", p.tag!));
  if (shape.status) query = query.where("leads.status", "=", p.status!);
  if (shape.source) query = query.where("leads.source", "=", p.source!);
  if (shape.assigneeId) query = query.where("leads.assigned_user_id", "=", p.assigneeId!);
  if (shape.unassigned) query = query.where("leads.assigned_user_id", "is", null);
  if (shape.createdAfter) query = query.where("leads.created_at", ">=", p.createdAfter!);
  if (shape.createdBefore) query = query.where("leads.created_at", "<", p.createdBefore!);
  if (shape.stageId) query = query.where("leads.stage_id", "=", p.stageId!);
  if (shape.companyId) query = query.where("leads.company_id", "=", p.companyId!);
  if (shape.contactId) query = query.where("leads.contact_id", "=", p.contactId!);
  if (shape.match) {
    query = query.where("leads.id", "in", newestMatchingIds(engineOf(db), p.workspaceId, "lead", p.match!));
  }
  return query;
}

const countLeads = prepared((db, p: LeadFilterParams, shape: LeadListShape) =>
  filteredLeads(db, p, shape).select((eb) => eb.fn.countAll<number>().as("count")),
);

const leadPage = prepared(
  (
    db,
    p: LeadFilterParams & { limit: number; offset: number },
    variant: { shape: LeadListShape; sort: LeadSortField; order: "asc" | "desc" },
  ) =>
    selectLead(filteredLeads(db, p, variant.shape))
      .orderBy(`leads.${variant.sort}`, variant.order)
      .orderBy("leads.seq", variant.order)
      .limit(p.limit)
      .offset(p.offset),
);

export async function queryLeads(
  db: Executor,
  scope: Scope,
  query: LeadListQuery,
  assigneeId: string | null | undefined,
  stageId: string | null | undefined,
  counts: CountCache,
): Promise<Page<Lead>> {
  const terms = query.search === undefined ? undefined : searchTerms(query.search);
  // Text with no letters or digits matches nothing.
  if (terms?.length === 0) return { items: [], total: 0 };
  const params: LeadFilterParams = {
    workspaceId: scope.workspaceId,
    status: query.status,
    source: query.source,
    assigneeId: assigneeId === undefined ? undefined : (assigneeId ?? ""),
    unassigned: query.unassigned || undefined,
    createdAfter: query.createdAfter,
    createdBefore: query.createdBefore,
    stageId: stageId === undefined ? undefined : (stageId ?? ""),
    companyId: query.companyId,
    contactId: query.contactId,
    // Normalised here: the prepared query only binds it (see db/prepared.ts).
    tag: query.tag === undefined ? undefined : normalizeTag(query.tag),
    archived: query.archived || undefined,
    match: terms === undefined ? undefined : matchExpression(engineOf(db), terms),
  };
  const shape: LeadListShape = {
    status: params.status !== undefined,
    source: params.source !== undefined,
    assigneeId: params.assigneeId !== undefined,
    unassigned: params.unassigned !== undefined,
    createdAfter: params.createdAfter !== undefined,
    createdBefore: params.createdBefore !== undefined,
    stageId: params.stageId !== undefined,
    companyId: params.companyId !== undefined,
    contactId: params.contactId !== undefined,
    tag: params.tag !== undefined,
    archived: params.archived !== undefined,
    match: params.match !== undefined,
  };
  const filtered = Object.values(shape).some(Boolean);
  const counter = await readCounter(db, scope.workspaceId, "leads");
  const total = filtered
    ? await counts.get(`leads\u0000${JSON.stringify(params)}`, counter.version, async () =>
        Number((await countLeads(db, params, shape))[0]?.count ?? 0),
      )
    : counter.liveCount;
  const offset = (query.page - 1) * query.perPage;
  if (total <= offset) return { items: [], total };
  const searchOnly = shape.match && Object.values(shape).filter(Boolean).length === 1;
  const rows =
    searchOnly && query.sort === "created_at"
      ? await searchPage(db, scope.workspaceId, params.match!, query.order, query.perPage, offset)
      : await leadPage(
          db,
          { ...params, limit: query.perPage, offset },
          { shape, sort: query.sort, order: query.order },
        );
  return { items: await toLeads(db, scope, rows), total };
}

/**
 * A page of a search-only list in creation order, read in the search index's own order: a lead's
 * search document is written when the lead is created and keeps its id, so index order is creation
 * order, and the page costs its own rows rather than every match.
 */
async function searchPage(
  db: Executor,
  workspaceId: string,
  match: string,
  order: "asc" | "desc",
  limit: number,
  offset: number,
): Promise<LeadSelection[]> {
  const columns = sql.join(LEAD_COLUMNS.map((column) => sql.ref(column)));
  const direction = order === "asc" ? sql`asc` : sql`desc`;
  const query =
    engineOf(db) === "postgres"
      ? sql<LeadSelection>`select ${columns} from search_documents d
          join leads on leads.id = d.entity_id
          where d.workspace_id = ${workspaceId} and d.entity_type = 'lead'
            and d.tsv @@ to_tsquery('simple', ${match})
            and leads.workspace_id = ${workspaceId} and leads.deleted_at is null
          order by d.id ${direction} limit ${limit} offset ${offset}`
      : sql<LeadSelection>`select ${columns} from search_fts
          join search_documents d on d.id = search_fts.rowid
          join leads on leads.id = d.entity_id
          where search_fts match ${match} and d.workspace_id = ${workspaceId} and d.entity_type = 'lead'
            and leads.workspace_id = ${workspaceId} and leads.deleted_at is null
          order by search_fts.rowid ${direction} limit ${limit} offset ${offset}`;
  return (await query.execute(db)).rows;
}
