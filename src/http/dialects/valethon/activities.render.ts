/** Renders core activities in Valethon's shape, and Valethon's request fields as core input. */
import type { Activity, ActivityInput, ActivityType } from "../../../core/activities/activity.types.js";
import { validationError } from "../../../core/errors.js";
import type { EntityRef, EntityType } from "../../../core/shared/entity-refs.js";
import type { ValethonEntityType } from "./activities.schemas.js";
import { renderOptionalTime, renderTime } from "./envelope.js";

/** Valethon calls companies "prospects"; the other record types keep their names. */
export const toCoreEntityType = (type: ValethonEntityType): EntityType =>
  type === "prospect" ? "company" : type;
export const toValethonEntityType = (type: EntityType): ValethonEntityType =>
  type === "company" ? "prospect" : type;

export function renderActivity(activity: Activity) {
  return {
    activity_id: activity.number,
    uuid: activity.id,
    type: activity.type,
    subject: activity.subject,
    description: activity.description,
    entity_type: activity.entity ? toValethonEntityType(activity.entity.entityType) : null,
    entity_id: activity.entity?.number ?? null,
    assigned_to: activity.assignee?.number ?? null,
    due_date: renderOptionalTime(activity.dueDate),
    duration_minutes: activity.durationMinutes,
    starts_at: renderOptionalTime(activity.startsAt),
    ends_at: renderOptionalTime(activity.endsAt),
    completed: activity.completed,
    completed_at: renderOptionalTime(activity.completedAt),
    created_at: renderTime(activity.createdAt),
    updated_at: renderTime(activity.updatedAt),
  };
}

export interface ValethonActivityBody {
  type?: ActivityType;
  subject?: string;
  description?: string | null;
  entity_type?: ValethonEntityType | null;
  entity_id?: number | null;
  assigned_to?: number | null;
  due_date?: string | null;
  duration_minutes?: number | null;
  starts_at?: string | null;
  ends_at?: string | null;
  completed?: boolean;
}

/**
 * The record a body or query names with entity_type + entity_id: both or neither. Returns
 * undefined when neither is given, null when both are null (detach).
 */
export function entityRefFrom(
  entityType: ValethonEntityType | null | undefined,
  entityId: number | null | undefined,
): EntityRef | null | undefined {
  if (entityType === undefined && entityId === undefined) return undefined;
  if (entityType === null && entityId === null) return null;
  if (entityType === undefined || entityType === null) {
    throw validationError("entityType", "is required with entity_id");
  }
  if (entityId === undefined || entityId === null) {
    throw validationError("entityId", "is required with entity_type");
  }
  return { entityType: toCoreEntityType(entityType), number: entityId };
}

export function activityInputFrom(body: ValethonActivityBody): ActivityInput {
  const input: ActivityInput = {
    type: body.type,
    subject: body.subject,
    description: body.description,
    dueDate: body.due_date,
    durationMinutes: body.duration_minutes,
    startsAt: body.starts_at,
    endsAt: body.ends_at,
    completed: body.completed,
  };
  const entity = entityRefFrom(body.entity_type, body.entity_id);
  if (entity !== undefined) input.entity = entity;
  if (body.assigned_to !== undefined) {
    input.assignee = body.assigned_to === null ? null : { number: body.assigned_to };
  }
  return input;
}
