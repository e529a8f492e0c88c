/** The only writer of activities. Each write commits together with its event(s). */
import type { Insertable, Updateable } from "kysely";
import type { ActivityTable } from "../../db/schema.js";
import type { Core, Scope, Trx } from "../core.js";
import { allocateNumber } from "../counters.js";
import { notFound, validationError } from "../errors.js";
import { appendEvent, type Changes } from "../events.js";
import { newId } from "../ids.js";
import type { EntityType } from "../shared/entity-refs.js";
import { type EntityRef, findEntity, getEntity, requireEntity } from "../shared/entity-refs.js";
import { softDeleteIn } from "../shared/soft-delete.js";
import { findUserId, requireUserId } from "../users/user-refs.js";
import { findActivity, queryActivities } from "./activities.repository.js";
import { checkActivityInput, checkMeetingTimes } from "./activity.rules.js";
import type { Activity, ActivityInput, ActivityListQuery, ActivityRef, Page } from "./activity.types.js";

/** The activity as events carry it: the record, not a dialect's rendering of it. */
const eventData = (activity: Activity) => ({ ...activity });

/**
 * Creates an activity inside the caller's transaction (for writes that record one among other
 * changes, such as a chat ticket). Appends `activity.created` (and `activity.completed`).
 */
export async function createActivityIn(
  trx: Trx,
  scope: Scope,
  at: string,
  rawInput: ActivityInput,
): Promise<Activity> {
  const input = checkActivityInput(rawInput);
  if (input.type === undefined) throw validationError("type", "is required");
  if (input.subject === undefined) throw validationError("subject", "is required");
  checkMeetingTimes(input.type, input.startsAt ?? null, input.endsAt ?? null);
  const entity = input.entity ? await requireEntity(trx, scope, input.entity, "entityId") : null;
  const assignedUserId = input.assignee ? await requireUserId(trx, scope, input.assignee, "assignee") : null;
  const id = newId();
  const seq = await allocateNumber(trx, scope.workspaceId, "activities");
  const row: Insertable<ActivityTable> = {
    id,
    workspace_id: scope.workspaceId,
    seq,
    type: input.type!,
    subject: input.subject!,
    description: input.description ?? null,
    entity_type: entity?.entityType ?? null,
    entity_id: entity?.id ?? null,
    assigned_user_id: assignedUserId,
    due_at: input.dueDate ?? null,
    duration_minutes: input.durationMinutes ?? null,
    starts_at: input.startsAt ?? null,
    ends_at: input.endsAt ?? null,
    completed: input.completed ? 1 : 0,
    completed_at: input.completed ? at : null,
    status: input.status ?? null,
    created_by: scope.actor,
    custom_fields: null,
    created_at: at,
    updated_at: at,
    deleted_at: null,
  };
  await trx.insertInto("activities").values(row).execute();
  const activity = (await findActivity(trx, scope, { id }))!;
  await appendEvent(trx, scope, at, {
    type: "activity.created",
    entityType: "activity",
    entityId: id,
    data: eventData(activity),
  });
  // An activity logged as already done (a call that happened) completes as it is created.
  if (activity.completed) {
    await appendEvent(trx, scope, at, {
      type: "activity.completed",
      entityType: "activity",
      entityId: id,
      data: eventData(activity),
    });
  }
  return activity;
}

export async function createActivity(core: Core, scope: Scope, rawInput: ActivityInput): Promise<Activity> {
  const at = core.clock.now().toISOString();
  return core.db.transaction().execute((trx) => createActivityIn(trx, scope, at, rawInput));
}

export async function getActivity(core: Core, scope: Scope, ref: ActivityRef): Promise<Activity> {
  const activity = await findActivity(core.db, scope, ref);
  if (!activity) throw notFound("activity");
  return activity;
}

/**
 * A page of activities, newest first (or as `query.order` says). A filter naming a user or record that does not exist
 * matches nothing.
 */
export async function listActivities(
  core: Core,
  scope: Scope,
  query: ActivityListQuery,
): Promise<Page<Activity>> {
  let entityId: string | undefined;
  if (query.entity) {
    const entity = await findEntity(core.db, scope, query.entity);
    if (!entity) return { items: [], total: 0 };
    entityId = entity.id;
  }
  let assigneeId: string | undefined;
  if (query.assignee) {
    const id = await findUserId(core.db, scope, query.assignee);
    if (!id) return { items: [], total: 0 };
    assigneeId = id;
  }
  return queryActivities(
    core.db,
    scope,
    {
      type: query.type,
      entityType: query.entity?.entityType ?? query.entityType,
      entityId,
      assigneeId,
      completed: query.completed,
    },
    { page: query.page, perPage: query.perPage },
    query.order,
  );
}

/** The record's activities, newest first; an unknown record is NOT_FOUND. */
export async function listEntityActivities(
  core: Core,
  scope: Scope,
  ref: EntityRef,
  page: { page: number; perPage: number },
): Promise<Page<Activity>> {
  const entity = await getEntity(core.db, scope, ref);
  return queryActivities(core.db, scope, { entityType: entity.entityType, entityId: entity.id }, page);
}

/** The latest activities of a record the caller has just read (no second lookup of the record). */
export async function latestActivitiesOf(
  core: Core,
  scope: Scope,
  entity: { entityType: EntityType; entityId: string },
  limit: number,
): Promise<Activity[]> {
  return (await queryActivities(core.db, scope, entity, { page: 1, perPage: limit })).items;
}

/** Updates an activity inside the caller's transaction; appends `activity.updated` when it changed. */
export async function updateActivityIn(
  trx: Trx,
  scope: Scope,
  at: string,
  ref: ActivityRef,
  rawInput: ActivityInput,
): Promise<Activity> {
  const input = checkActivityInput(rawInput);
  const before = await findActivity(trx, scope, ref);
  if (!before) throw notFound("activity");
  const update: Updateable<ActivityTable> = {};
  const changes: Changes = {};
  const set = <K extends keyof Activity>(field: K, column: keyof ActivityTable, value: Activity[K]) => {
    if (JSON.stringify(value) === JSON.stringify(before[field])) return;
    changes[field] = { from: before[field], to: value };
    (update as Record<string, unknown>)[column] = value;
  };
  if (input.type !== undefined) set("type", "type", input.type);
  if (input.subject !== undefined) set("subject", "subject", input.subject);
  if (input.description !== undefined) set("description", "description", input.description ?? null);
  if (input.dueDate !== undefined) set("dueDate", "due_at", input.dueDate ?? null);
  if (input.durationMinutes !== undefined) {
    set("durationMinutes", "duration_minutes", input.durationMinutes ?? null);
  }
  if (input.startsAt !== undefined) set("startsAt", "starts_at", input.startsAt ?? null);
  if (input.endsAt !== undefined) set("endsAt", "ends_at", input.endsAt ?? null);
  if (input.status !== undefined) set("status", "status", input.status ?? null);
  checkMeetingTimes(
    input.type ?? before.type,
    input.startsAt !== undefined ? input.startsAt : before.startsAt,
    input.endsAt !== undefined ? input.endsAt : before.endsAt,
  );
  if (input.entity !== undefined) {
    const entity = input.entity ? await requireEntity(trx, scope, input.entity, "entityId") : null;
    if (entity?.id !== before.entity?.id || entity?.entityType !== before.entity?.entityType) {
      changes.entity = { from: before.entity, to: entity };
      update.entity_type = entity?.entityType ?? null;
      update.entity_id = entity?.id ?? null;
    }
  }
  if (input.assignee !== undefined) {
    const userId = input.assignee ? await requireUserId(trx, scope, input.assignee, "assignee") : null;
    if (userId !== (before.assignee?.id ?? null)) {
      changes.assignee = { from: before.assignee, to: userId };
      update.assigned_user_id = userId;
    }
  }
  if (input.completed !== undefined && input.completed !== before.completed) {
    changes.completed = { from: before.completed, to: input.completed };
    update.completed = input.completed ? 1 : 0;
    update.completed_at = input.completed ? at : null;
  }
  if (Object.keys(changes).length === 0) return before;
  update.updated_at = at;
  await trx
    .updateTable("activities")
    .set(update)
    .where("id", "=", before.id)
    .where("workspace_id", "=", scope.workspaceId)
    .execute();
  const after = (await findActivity(trx, scope, { id: before.id }))!;
  if (changes.assignee) changes.assignee.to = after.assignee;
  await appendEvent(trx, scope, at, {
    type: "activity.updated",
    entityType: "activity",
    entityId: after.id,
    data: { ...eventData(after), changes },
  });
  if (changes.completed && after.completed) {
    await appendEvent(trx, scope, at, {
      type: "activity.completed",
      entityType: "activity",
      entityId: after.id,
      data: eventData(after),
    });
  }
  return after;
}

export async function updateActivity(
  core: Core,
  scope: Scope,
  ref: ActivityRef,
  rawInput: ActivityInput,
): Promise<Activity> {
  const at = core.clock.now().toISOString();
  return core.db.transaction().execute((trx) => updateActivityIn(trx, scope, at, ref, rawInput));
}

/** Soft delete: the row stays for history, and disappears from every read. */
export async function deleteActivity(core: Core, scope: Scope, ref: ActivityRef): Promise<Activity> {
  const at = core.clock.now().toISOString();
  return core.db.transaction().execute(async (trx) => {
    const activity = await findActivity(trx, scope, ref);
    if (!activity) throw notFound("activity");
    await softDeleteIn(trx, scope, at, {
      table: "activities",
      entityType: "activity",
      counterEntity: "activities",
      id: activity.id,
      eventData: eventData(activity),
    });
    return activity;
  });
}
