/**
 * Activity queries. Every read starts from `liveActivities`, which applies the workspace filter
 * and hides deleted rows, so no query path here can reach another workspace's activities.
 */
import { type Selectable, sql } from "kysely";
import type { ActivityTable } from "../../db/schema.js";
import type { Executor, Scope } from "../core.js";
import { countLive } from "../counters.js";
import type { UserSummary } from "../leads/lead.types.js";
import { type EntityType, entityNumbers, numberOf } from "../shared/entity-refs.js";
import { findUserSummaries } from "../users/user-refs.js";
import type { Activity, ActivityOrder, ActivityRef, ActivityType, Page } from "./activity.types.js";

type ActivityRow = Selectable<ActivityTable>;

export function liveActivities(db: Executor, workspaceId: string) {
  return db
    .selectFrom("activities")
    .where("activities.workspace_id", "=", workspaceId)
    .where("activities.deleted_at", "is", null);
}

/** The rows as activities, with their assignees and records' numbers fetched in bulk. */
async function toActivities(db: Executor, scope: Scope, rows: ActivityRow[]): Promise<Activity[]> {
  const userIds = [...new Set(rows.map((row) => row.assigned_user_id).filter((id) => id !== null))];
  const assignees: ReadonlyMap<string, UserSummary> =
    userIds.length === 0 ? new Map() : await findUserSummaries(db, scope, userIds);
  const linked = rows
    .filter((row) => row.entity_type !== null && row.entity_id !== null)
    .map((row) => ({ entityType: row.entity_type!, id: row.entity_id! }));
  const numbers = linked.length === 0 ? new Map<string, number>() : await entityNumbers(db, scope, linked);
  return rows.map((row) => {
    const number =
      row.entity_type && row.entity_id ? numberOf(numbers, row.entity_type, row.entity_id) : null;
    return {
      id: row.id,
      number: Number(row.seq),
      type: row.type as ActivityType,
      subject: row.subject,
      description: row.description,
      entity:
        row.entity_type && row.entity_id && number !== null
          ? { entityType: row.entity_type as EntityType, id: row.entity_id, number }
          : null,
      assignee: row.assigned_user_id === null ? null : (assignees.get(row.assigned_user_id) ?? null),
      dueDate: row.due_at,
      durationMinutes: row.duration_minutes === null ? null : Number(row.duration_minutes),
      startsAt: row.starts_at,
      endsAt: row.ends_at,
      completed: Number(row.completed) === 1,
      completedAt: row.completed_at,
      status: row.status,
      createdBy: row.created_by,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  });
}

export async function findActivity(db: Executor, scope: Scope, ref: ActivityRef): Promise<Activity | null> {
  let query = liveActivities(db, scope.workspaceId).selectAll("activities");
  query = "number" in ref ? query.where("seq", "=", ref.number) : query.where("id", "=", ref.id);
  const row = await query.executeTakeFirst();
  return row ? (await toActivities(db, scope, [row]))[0]! : null;
}

/** Resolved filter values: ids, not references. */
export interface ActivityFilter {
  type?: ActivityType;
  entityType?: EntityType;
  entityId?: string;
  assigneeId?: string;
  completed?: boolean;
}

export async function queryActivities(
  db: Executor,
  scope: Scope,
  filter: ActivityFilter,
  page: { page: number; perPage: number },
  order: ActivityOrder = "newest",
): Promise<Page<Activity>> {
  let query = liveActivities(db, scope.workspaceId);
  if (filter.type !== undefined) query = query.where("type", "=", filter.type);
  if (filter.entityType !== undefined) query = query.where("entity_type", "=", filter.entityType);
  if (filter.entityId !== undefined) query = query.where("entity_id", "=", filter.entityId);
  if (filter.assigneeId !== undefined) query = query.where("assigned_user_id", "=", filter.assigneeId);
  if (filter.completed !== undefined) query = query.where("completed", "=", filter.completed ? 1 : 0);
  const filtered = Object.values(filter).some((value) => value !== undefined);
  const total = filtered
    ? Number(
        (await query.select((eb) => eb.fn.countAll<number>().as("count")).executeTakeFirst())?.count ?? 0,
      )
    : await countLive(db, scope.workspaceId, "activities");
  const offset = (page.page - 1) * page.perPage;
  if (total <= offset) return { items: [], total };
  const ordered =
    order === "dueFirst"
      ? query.orderBy(sql`due_at is null`).orderBy("due_at", "asc").orderBy("seq", "asc")
      : query.orderBy("created_at", "desc").orderBy("seq", "desc");
  const rows = await ordered.selectAll("activities").limit(page.perPage).offset(offset).execute();
  return { items: await toActivities(db, scope, rows), total };
}
