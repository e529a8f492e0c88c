/** Field rules of an activity, applied to every write whatever dialect it came through. */
import { validationError } from "../errors.js";
import { isEntityType } from "../shared/entity-refs.js";
import { optionalText, requireOneOf, requireText } from "../shared/validate.js";
import { ACTIVITY_LIMITS, ACTIVITY_TYPES, type ActivityInput } from "./activity.types.js";

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

/** An ISO 8601 date-time with a zone, as the stored UTC form; null and undefined pass through. */
export function dateTime(field: string, value: string | null | undefined): string | null | undefined {
  if (value === undefined || value === null) return value;
  const date = typeof value === "string" && DATE_TIME.test(value) ? new Date(value) : null;
  if (!date || Number.isNaN(date.getTime())) {
    throw validationError(field, "must be an ISO 8601 date-time such as 2026-03-10T14:30:00Z");
  }
  return date.toISOString();
}

/** Normalises and checks the given fields (absent ones stay absent). */
export function checkActivityInput(input: ActivityInput): ActivityInput {
  const out: ActivityInput = { ...input };
  if (input.type !== undefined) out.type = requireOneOf("type", input.type, ACTIVITY_TYPES);
  if (input.subject !== undefined)
    out.subject = requireText("subject", input.subject, ACTIVITY_LIMITS.subject);
  if (input.description !== undefined) {
    out.description = optionalText("description", input.description, ACTIVITY_LIMITS.description);
  }
  if (input.entity) {
    if (!isEntityType(input.entity.entityType)) {
      throw validationError("entityType", "must be a lead, contact, company or opportunity");
    }
  }
  if (input.durationMinutes !== undefined && input.durationMinutes !== null) {
    const minutes = input.durationMinutes;
    if (
      !Number.isInteger(minutes) ||
      minutes < ACTIVITY_LIMITS.durationMin ||
      minutes > ACTIVITY_LIMITS.durationMax
    ) {
      throw validationError(
        "durationMinutes",
        `must be a whole number from ${ACTIVITY_LIMITS.durationMin} to ${ACTIVITY_LIMITS.durationMax}`,
      );
    }
  }
  if (input.status !== undefined) out.status = optionalText("status", input.status, ACTIVITY_LIMITS.status);
  out.dueDate = dateTime("dueDate", input.dueDate);
  out.startsAt = dateTime("startsAt", input.startsAt);
  out.endsAt = dateTime("endsAt", input.endsAt);
  if (input.completed !== undefined && typeof input.completed !== "boolean") {
    throw validationError("completed", "must be a boolean");
  }
  return out;
}

/** Meeting times, checked on the record as it will be after the write. */
export function checkMeetingTimes(type: string, startsAt: string | null, endsAt: string | null): void {
  if ((startsAt !== null || endsAt !== null) && type !== "meeting") {
    throw validationError(startsAt !== null ? "startsAt" : "endsAt", "is only for meetings");
  }
  if (startsAt !== null && endsAt !== null && endsAt <= startsAt) {
    throw validationError("endsAt", "must be after the start time");
  }
}
