/**
 * Lead queries. Every read starts from `liveLeads`, which applies the workspace filter and hides
 * deleted rows, so no query path here can reach another workspace's leads.
 */
import { type ExpressionBuilder, type RawBuilder, sql } from "kysely";
import type { Database, LeadRow } from "../../db/schema.js";
import type { Executor, Scope } from "../core.js";
import type { Lead, LeadListQuery, LeadRef, LeadStatus, Page } from "./lead.types.js";

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
  "leads.created_at",
  "leads.updated_at",
] as const;

type LeadSelection = Pick<
  LeadRow,
  | "id"
  | "seq"
  | "first_name"
  | "last_name"
  | "email"
  | "phone"
  | "company_name"
  | "status"
  | "source"
  | "form_type"
  | "raw_payload"
  | "score"
  | "assigned_user_id"
  | "created_at"
  | "updated_at"
> & { assignee_seq: number | null; assignee_username: string | null };

export function liveLeads(db: Executor, scope: Scope) {
  return db
    .selectFrom("leads")
    .leftJoin("users", "users.id", "leads.assigned_user_id")
    .where("leads.workspace_id", "=", scope.workspaceId)
    .where("leads.deleted_at", "is", null);
}

function selectLead(query: ReturnType<typeof liveLeads>) {
  return query.select([...LEAD_COLUMNS, "users.seq as assignee_seq", "users.username as assignee_username"]);
}

export function toLead(row: LeadSelection): Lead {
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
    assignee:
      row.assigned_user_id === null
        ? null
        : {
            id: row.assigned_user_id,
            number: Number(row.assignee_seq),
            username: row.assignee_username ?? "",
          },
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

const byRef = (ref: LeadRef) => (eb: ExpressionBuilder<Database, "leads">) =>
  "number" in ref ? eb("leads.seq", "=", ref.number) : eb("leads.id", "=", ref.id);

export async function findLead(db: Executor, scope: Scope, ref: LeadRef): Promise<Lead | null> {
  const row = await selectLead(liveLeads(db, scope)).where(byRef(ref)).executeTakeFirst();
  return row ? toLead(row) : null;
}

/** Escapes LIKE wildcards so user text matches literally. */
const likePattern = (text: string) => `%${text.toLowerCase().replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
/** SQLite has no default LIKE escape character, so name one (PostgreSQL's default is the same). */
const likes = (expression: RawBuilder<unknown>, pattern: string) =>
  sql`${expression} like ${pattern} escape '\\'`;

export async function queryLeads(
  db: Executor,
  scope: Scope,
  query: LeadListQuery,
  assigneeId: string | null | undefined,
): Promise<Page<Lead>> {
  let filtered = liveLeads(db, scope);
  if (query.status) filtered = filtered.where("leads.status", "=", query.status);
  if (query.source) filtered = filtered.where("leads.source", "=", query.source);
  if (assigneeId !== undefined) {
    // An unknown assignee matches nothing rather than everything.
    filtered = filtered.where("leads.assigned_user_id", "=", assigneeId ?? "");
  }
  if (query.createdAfter) filtered = filtered.where("leads.created_at", ">=", query.createdAfter);
  if (query.createdBefore) filtered = filtered.where("leads.created_at", "<", query.createdBefore);
  if (query.search) {
    const pattern = likePattern(query.search);
    filtered = filtered.where(
      sql<boolean>`(${likes(sql`lower(coalesce(leads.first_name, '') || ' ' || coalesce(leads.last_name, ''))`, pattern)}
        or ${likes(sql.ref("leads.email_normalized"), pattern)}
        or ${likes(sql`lower(leads.company_name)`, pattern)})`,
    );
  }
  const countRow = await filtered
    .select((eb) => eb.fn.countAll<number>().as("count"))
    .executeTakeFirstOrThrow();
  const total = Number(countRow.count);
  if (total === 0) return { items: [], total };
  const rows = await selectLead(filtered)
    .orderBy(`leads.${query.sort}`, query.order)
    .orderBy("leads.seq", query.order)
    .limit(query.perPage)
    .offset((query.page - 1) * query.perPage)
    .execute();
  return { items: rows.map(toLead), total };
}
