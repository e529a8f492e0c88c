/**
 * Appointment queries: live meeting activities with a start and an end, on a live lead of the
 * workspace. Every read starts from `liveAppointments`, which applies the workspace filter on both
 * tables, so no query here reaches another workspace's rows.
 */
import type { Executor } from "../core.js";
import {
  type Appointment,
  type AppointmentStatus,
  type AppointmentView,
  DEFAULT_APPOINTMENT_STATUS,
  isAppointmentStatus,
} from "./appointment.types.js";

export function liveAppointments(db: Executor, workspaceId: string) {
  return db
    .selectFrom("activities")
    .innerJoin("leads", (join) =>
      join
        .onRef("leads.id", "=", "activities.entity_id")
        .onRef("leads.workspace_id", "=", "activities.workspace_id"),
    )
    .where("activities.workspace_id", "=", workspaceId)
    .where("activities.deleted_at", "is", null)
    .where("activities.type", "=", "meeting")
    .where("activities.entity_type", "=", "lead")
    .where("activities.starts_at", "is not", null)
    .where("activities.ends_at", "is not", null)
    .where("leads.deleted_at", "is", null);
}

export const APPOINTMENT_COLUMNS = [
  "activities.id",
  "activities.seq",
  "activities.entity_id",
  "activities.created_by",
  "activities.starts_at",
  "activities.ends_at",
  "activities.description",
  "activities.status",
  "activities.created_at",
  "activities.updated_at",
  "leads.slug as lead_slug",
] as const;

export interface AppointmentRow {
  id: string;
  seq: number;
  entity_id: string | null;
  created_by: string | null;
  starts_at: string | null;
  ends_at: string | null;
  description: string | null;
  status: string | null;
  created_at: string;
  updated_at: string;
  lead_slug: string;
}

/** A meeting logged elsewhere without a status (or with a word of its own) reads as `pending`. */
const statusOf = (status: string | null): AppointmentStatus =>
  isAppointmentStatus(status) ? status : DEFAULT_APPOINTMENT_STATUS;

export function toAppointment(row: AppointmentRow): AppointmentView {
  const appointment: Appointment = {
    id: row.id,
    number: Number(row.seq),
    leadId: row.entity_id!,
    ownerUserId: row.created_by,
    startsAt: row.starts_at!,
    endsAt: row.ends_at!,
    note: row.description,
    status: statusOf(row.status),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
  return { ...appointment, leadSlug: row.lead_slug };
}

export async function findAppointment(
  db: Executor,
  workspaceId: string,
  number: number,
): Promise<AppointmentView | null> {
  const row = await liveAppointments(db, workspaceId)
    .select(APPOINTMENT_COLUMNS)
    .where("activities.seq", "=", number)
    .executeTakeFirst();
  return row ? toAppointment(row as AppointmentRow) : null;
}

/**
 * Whether another live, not cancelled appointment of the owner overlaps [startsAt, endsAt).
 * Intervals are half-open: one ending exactly when the other starts does not overlap it.
 */
export async function hasOverlap(
  db: Executor,
  workspaceId: string,
  check: { ownerUserId: string; startsAt: string; endsAt: string; exceptId?: string },
): Promise<boolean> {
  let query = liveAppointments(db, workspaceId)
    .select("activities.id")
    .where("activities.created_by", "=", check.ownerUserId)
    .where("activities.starts_at", "<", check.endsAt)
    .where("activities.ends_at", ">", check.startsAt)
    .where((eb) => eb.or([eb("activities.status", "is", null), eb("activities.status", "!=", "cancelled")]));
  if (check.exceptId) query = query.where("activities.id", "!=", check.exceptId);
  return (await query.limit(1).executeTakeFirst()) !== undefined;
}
