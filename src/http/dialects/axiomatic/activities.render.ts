/** Renders core activities as Axiomatic activities, and Axiomatic's record ids as a core record. */
import type { Activity } from "../../../core/activities/activity.types.js";
import { CoreError, validationError } from "../../../core/errors.js";
import type { EntityRef } from "../../../core/shared/entity-refs.js";

export function renderActivity(activity: Activity) {
  const on = (type: string) => (activity.entity?.entityType === type ? activity.entity.id : null);
  return {
    id: activity.id,
    type: activity.type,
    subject: activity.subject,
    description: activity.description,
    leadId: on("lead"),
    companyId: on("company"),
    contactId: on("contact"),
    assigneeUserId: activity.assignee?.id ?? null,
    dueDate: activity.dueDate,
    durationMinutes: activity.durationMinutes,
    startsAt: activity.startsAt,
    endsAt: activity.endsAt,
    completed: activity.completed,
    completedAt: activity.completedAt,
    createdAt: activity.createdAt,
    updatedAt: activity.updatedAt,
  };
}

const RECORD_FIELDS = [
  ["leadId", "lead"],
  ["companyId", "company"],
  ["contactId", "contact"],
] as const;

export type RecordIds = { leadId?: string; companyId?: string; contactId?: string };

/** The one record the ids name (a second one is refused), with the field it came from. */
export function recordFrom(ids: RecordIds): { field: string; entity: EntityRef } | undefined {
  const given = RECORD_FIELDS.filter(([field]) => ids[field] !== undefined);
  if (given.length > 1) throw validationError(given[1]![0], `give only one of leadId, companyId, contactId`);
  const [field, entityType] = given[0] ?? [];
  return field && entityType ? { field, entity: { entityType, id: ids[field]! } } : undefined;
}

/**
 * Runs a core call, naming its fields as Axiomatic does: the core's `entityId` (the record an
 * activity is on) is the field the record was given in, and `assignee` is `assigneeUserId`.
 */
export async function withActivityFields<T>(recordField: string | undefined, call: () => Promise<T>) {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof CoreError)) throw error;
    const renamed =
      error.field === "entityId" ? recordField : error.field === "assignee" ? "assigneeUserId" : undefined;
    if (renamed === undefined) throw error;
    throw new CoreError(error.code, error.detail, renamed);
  }
}
