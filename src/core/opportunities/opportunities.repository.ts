/**
 * Opportunity queries. Every read starts from `liveOpportunities`, which applies the workspace
 * filter and hides deleted rows, so no query path here can reach another workspace's deals.
 * Linked records (company, contact, stage, pipeline, owner) are fetched apart, in one query each.
 */
import type { OpportunityTable } from "../../db/schema.js";
import type { Executor, Scope } from "../core.js";
import type { CountCache } from "../count-cache.js";
import { readCounter } from "../counters.js";
import { parseStoredCustomFields } from "../custom-fields/custom-field-values.js";
import { validationError } from "../errors.js";
import type { Page, UserSummary } from "../leads/lead.types.js";
import { findStagesById } from "../pipelines/pipelines.repository.js";
import { findUserSummaries } from "../users/user-refs.js";
import type {
  Opportunity,
  OpportunityActivity,
  OpportunityListQuery,
  OpportunityNote,
  OpportunityRef,
  OpportunityStatus,
  RecordRef,
} from "./opportunity.types.js";

const COLUMNS = [
  "id",
  "seq",
  "name",
  "company_id",
  "contact_id",
  "lead_id",
  "pipeline_id",
  "stage_id",
  "value_minor",
  "currency",
  "probability",
  "expected_close_date",
  "status",
  "owner_user_id",
  "won_at",
  "lost_at",
  "close_reason",
  "custom_fields",
  "created_at",
  "updated_at",
] as const;

type OpportunitySelection = Pick<OpportunityTable, (typeof COLUMNS)[number]>;

export function liveOpportunities(db: Executor, workspaceId: string) {
  return db
    .selectFrom("opportunities")
    .where("opportunities.workspace_id", "=", workspaceId)
    .where("opportunities.deleted_at", "is", null);
}

const ids = (values: (string | null)[]) => [...new Set(values.filter((v): v is string => v !== null))];

async function toOpportunities(
  db: Executor,
  scope: Scope,
  rows: OpportunitySelection[],
): Promise<Opportunity[]> {
  if (rows.length === 0) return [];
  const companyIds = ids(rows.map((r) => r.company_id));
  const contactIds = ids(rows.map((r) => r.contact_id));
  const ownerIds = ids(rows.map((r) => r.owner_user_id));
  const pipelineIds = ids(rows.map((r) => r.pipeline_id));
  const [companies, contacts, stages, pipelines, owners] = await Promise.all([
    companyIds.length
      ? db
          .selectFrom("companies")
          .select(["id", "seq", "name"])
          .where("workspace_id", "=", scope.workspaceId)
          .where("deleted_at", "is", null)
          .where("id", "in", companyIds)
          .execute()
      : [],
    contactIds.length
      ? db
          .selectFrom("contacts")
          .select(["id", "seq", "first_name", "last_name", "email"])
          .where("workspace_id", "=", scope.workspaceId)
          .where("deleted_at", "is", null)
          .where("id", "in", contactIds)
          .execute()
      : [],
    findStagesById(db, scope, ids(rows.map((r) => r.stage_id))),
    db
      .selectFrom("pipelines")
      .select(["id", "seq", "key"])
      .where("workspace_id", "=", scope.workspaceId)
      .where("id", "in", pipelineIds)
      .execute(),
    ownerIds.length ? findUserSummaries(db, scope, ownerIds) : new Map<string, UserSummary>(),
  ]);
  const companyById = new Map(
    companies.map((c) => [c.id, { id: c.id, number: Number(c.seq), name: c.name }]),
  );
  const contactById = new Map(
    contacts.map((c) => [
      c.id,
      { id: c.id, number: Number(c.seq), firstName: c.first_name, lastName: c.last_name, email: c.email },
    ]),
  );
  const pipelineById = new Map(pipelines.map((p) => [p.id, { id: p.id, number: Number(p.seq), key: p.key }]));
  return rows.map((row) => {
    const stage = stages.get(row.stage_id)!;
    return {
      id: row.id,
      number: Number(row.seq),
      name: row.name,
      company: row.company_id ? (companyById.get(row.company_id) ?? null) : null,
      contact: row.contact_id ? (contactById.get(row.contact_id) ?? null) : null,
      leadId: row.lead_id,
      pipeline: pipelineById.get(row.pipeline_id)!,
      stage: { id: stage.id, number: stage.number, key: stage.key, name: stage.name, kind: stage.kind },
      status: row.status as OpportunityStatus,
      valueMinor: row.value_minor === null ? null : Number(row.value_minor),
      currency: row.currency,
      probability: row.probability === null ? null : Number(row.probability),
      expectedCloseDate: row.expected_close_date,
      owner: row.owner_user_id ? (owners.get(row.owner_user_id) ?? null) : null,
      wonAt: row.won_at,
      lostAt: row.lost_at,
      closeReason: row.close_reason,
      // Everything stored; the service shows only the values of currently defined fields.
      customFields: parseStoredCustomFields(row.custom_fields),
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  });
}

export async function findOpportunity(
  db: Executor,
  scope: Scope,
  ref: OpportunityRef,
): Promise<Opportunity | null> {
  let query = liveOpportunities(db, scope.workspaceId).select(COLUMNS);
  query = "number" in ref ? query.where("seq", "=", ref.number) : query.where("id", "=", ref.id);
  const row = await query.executeTakeFirst();
  return row ? ((await toOpportunities(db, scope, [row]))[0] ?? null) : null;
}

/** A live company's id by reference, or a validation error on `field`. */
export async function requireCompanyId(
  db: Executor,
  scope: Scope,
  ref: RecordRef,
  field: string,
): Promise<string> {
  let query = db
    .selectFrom("companies")
    .select("id")
    .where("workspace_id", "=", scope.workspaceId)
    .where("deleted_at", "is", null);
  query = "number" in ref ? query.where("seq", "=", ref.number) : query.where("id", "=", ref.id);
  const row = await query.executeTakeFirst();
  if (!row) throw validationError(field, "no such prospect account in this workspace");
  return row.id;
}

/** A live contact's id by reference, or a validation error on `field`. */
export async function requireContactId(
  db: Executor,
  scope: Scope,
  ref: RecordRef,
  field: string,
): Promise<string> {
  let query = db
    .selectFrom("contacts")
    .select("id")
    .where("workspace_id", "=", scope.workspaceId)
    .where("deleted_at", "is", null);
  query = "number" in ref ? query.where("seq", "=", ref.number) : query.where("id", "=", ref.id);
  const row = await query.executeTakeFirst();
  if (!row) throw validationError(field, "no such contact in this workspace");
  return row.id;
}

/** Resolved filter values: "" for a reference that does not exist (it matches nothing). */
export interface OpportunityFilter {
  stageKey?: string;
  status?: OpportunityStatus;
  ownerId?: string;
  companyId?: string;
  minMinor?: number;
  maxMinor?: number;
}

function filtered(db: Executor, scope: Scope, f: OpportunityFilter) {
  let query = liveOpportunities(db, scope.workspaceId);
  if (f.stageKey !== undefined) {
    query = query.where("opportunities.stage_id", "in", (eb) =>
      eb
        .selectFrom("pipeline_stages")
        .select("pipeline_stages.id")
        .where("pipeline_stages.workspace_id", "=", scope.workspaceId)
        .where("pipeline_stages.key", "=", f.stageKey!),
    );
  }
  if (f.status !== undefined) query = query.where("opportunities.status", "=", f.status);
  if (f.ownerId !== undefined) query = query.where("opportunities.owner_user_id", "=", f.ownerId);
  if (f.companyId !== undefined) query = query.where("opportunities.company_id", "=", f.companyId);
  if (f.minMinor !== undefined) query = query.where("opportunities.value_minor", ">=", f.minMinor);
  if (f.maxMinor !== undefined) query = query.where("opportunities.value_minor", "<=", f.maxMinor);
  return query;
}

export async function queryOpportunities(
  db: Executor,
  scope: Scope,
  query: Pick<OpportunityListQuery, "page" | "perPage">,
  filter: OpportunityFilter,
  counts: CountCache,
): Promise<Page<Opportunity>> {
  const isFiltered = Object.values(filter).some((value) => value !== undefined);
  const counter = await readCounter(db, scope.workspaceId, "opportunities");
  const total = isFiltered
    ? await counts.get(
        `opportunities\u0000${scope.workspaceId}\u0000${JSON.stringify(filter)}`,
        counter.version,
        async () =>
          Number(
            (
              await filtered(db, scope, filter)
                .select((eb) => eb.fn.countAll<number>().as("count"))
                .executeTakeFirst()
            )?.count ?? 0,
          ),
      )
    : counter.liveCount;
  const offset = (query.page - 1) * query.perPage;
  if (total <= offset) return { items: [], total };
  const rows = await filtered(db, scope, filter)
    .select(COLUMNS.map((column) => `opportunities.${column}` as const))
    .orderBy("opportunities.created_at", "desc")
    .orderBy("opportunities.seq", "desc")
    .limit(query.perPage)
    .offset(offset)
    .execute();
  return { items: await toOpportunities(db, scope, rows), total };
}

/** Live opportunities in a stage. */
export async function countInStage(db: Executor, scope: Scope, stageId: string): Promise<number> {
  const row = await liveOpportunities(db, scope.workspaceId)
    .where("stage_id", "=", stageId)
    .select((eb) => eb.fn.countAll<number>().as("count"))
    .executeTakeFirst();
  return Number(row?.count ?? 0);
}

/** The opportunity's activities and notes (read-only here; their own modules write them). */
export async function findOpportunityTimeline(
  db: Executor,
  scope: Scope,
  opportunityId: string,
  limit: number,
): Promise<{ activities: OpportunityActivity[]; notes: OpportunityNote[] }> {
  const [activityRows, noteRows] = await Promise.all([
    db
      .selectFrom("activities")
      .select([
        "id",
        "seq",
        "type",
        "subject",
        "description",
        "assigned_user_id",
        "due_at",
        "duration_minutes",
        "completed",
        "completed_at",
        "created_at",
      ])
      .where("workspace_id", "=", scope.workspaceId)
      .where("deleted_at", "is", null)
      .where("entity_type", "=", "opportunity")
      .where("entity_id", "=", opportunityId)
      .orderBy("created_at", "desc")
      .orderBy("seq", "desc")
      .limit(limit)
      .execute(),
    db
      .selectFrom("notes")
      .select(["id", "seq", "content", "is_pinned", "created_at", "updated_at"])
      .where("workspace_id", "=", scope.workspaceId)
      .where("deleted_at", "is", null)
      .where("entity_type", "=", "opportunity")
      .where("entity_id", "=", opportunityId)
      .orderBy("is_pinned", "desc")
      .orderBy("created_at", "desc")
      .orderBy("seq", "desc")
      .limit(limit)
      .execute(),
  ]);
  const assigneeIds = ids(activityRows.map((r) => r.assigned_user_id));
  const assignees = assigneeIds.length ? await findUserSummaries(db, scope, assigneeIds) : new Map();
  return {
    activities: activityRows.map((r) => ({
      id: r.id,
      number: Number(r.seq),
      type: r.type,
      subject: r.subject,
      description: r.description,
      assignee: r.assigned_user_id ? (assignees.get(r.assigned_user_id) ?? null) : null,
      dueAt: r.due_at,
      durationMinutes: r.duration_minutes === null ? null : Number(r.duration_minutes),
      completed: Number(r.completed) === 1,
      completedAt: r.completed_at,
      createdAt: r.created_at,
    })),
    notes: noteRows.map((r) => ({
      id: r.id,
      number: Number(r.seq),
      content: r.content,
      isPinned: Number(r.is_pinned) === 1,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    })),
  };
}
