/**
 * Appointments (seeds/004) over the core's meeting activities on a lead. Every write goes through
 * the activities service inside one transaction, so `activity.created` / `activity.updated` /
 * `activity.deleted` are appended with it and the appointment shows wherever a lead's activities
 * do (Valethon's lead activities, Axiomatic's timeline, webhooks, the events feed).
 *
 * Rules (docs/epixel.md, "Appointments"):
 * - times are wall-clock times in the workspace's time zone, stored as UTC;
 * - the end is after the start (an end equal to the start is refused as "prior" too);
 * - a new start is in the future by the core clock (an update that keeps the start does not
 *   re-check it, so a past appointment can still be marked `fullfilled`);
 * - the owner's live, not cancelled appointments do not overlap: intervals are half-open, so one
 *   may start exactly when another ends;
 * - the lead's owner or assignee (B's `canWorkOnLead`) may take an appointment under it; only the
 *   appointment's owner (its creator) may change or delete it.
 */
import { createActivityIn, deleteActivity, updateActivityIn } from "../activities/activities.service.js";
import type { ActivityInput } from "../activities/activity.types.js";
import type { Core, Scope, Trx } from "../core.js";
import { isCoreError, validationError } from "../errors.js";
import type { Lead } from "../leads/lead.types.js";
import { canWorkOnLead, findLeadBySlug } from "../leads/lead-slugs.js";
import { addDays, calendarPeriod, parseWallTime, type WallTime, zonedToUtc } from "../shared/time-zone.js";
import { workspaceTimeZone } from "../workspaces/workspace-time-zone.js";
import {
  APPOINTMENT_LIMITS,
  APPOINTMENT_PAGE,
  type AppointmentActor,
  type AppointmentChanges,
  AppointmentError,
  type AppointmentListQuery,
  type AppointmentView,
  DEFAULT_APPOINTMENT_STATUS,
  isAppointmentStatus,
  type NewAppointmentInput,
} from "./appointment.types.js";
import {
  APPOINTMENT_COLUMNS,
  type AppointmentRow,
  findAppointment,
  hasOverlap,
  liveAppointments,
  toAppointment,
} from "./appointments.repository.js";

export * from "./appointment.types.js";

/** The meeting's subject: who it is with (the lead's name, else its slug). */
function subjectFor(lead: Lead): string {
  const name = [lead.firstName, lead.lastName].filter(Boolean).join(" ").trim();
  return `Appointment with ${name || lead.slug}`.slice(0, 200);
}

function checkNote(note: string | null | undefined): string | null | undefined {
  if (note === undefined || note === null) return note;
  if ([...note].length > APPOINTMENT_LIMITS.note) throw new AppointmentError("note_too_long");
  return note === "" ? null : note;
}

/** Serialises one owner's appointment writes on PostgreSQL (SQLite runs one write transaction at a time). */
async function lockOwner(core: Core, trx: Trx, scope: Scope, ownerUserId: string): Promise<void> {
  if (core.engine !== "postgres") return;
  await trx
    .selectFrom("users")
    .select("id")
    .where("id", "=", ownerUserId)
    .where("workspace_id", "=", scope.workspaceId)
    .forUpdate()
    .execute();
}

async function workableLead(trx: Trx, scope: Scope, actor: AppointmentActor, slug: string): Promise<Lead> {
  const lead = await findLeadBySlug(trx, scope, slug);
  if (!lead) throw new AppointmentError("lead_not_found");
  if (!canWorkOnLead(lead, actor)) throw new AppointmentError("lead_forbidden");
  return lead;
}

/** The start and end as stored, after the end-after-start rule. */
function interval(startsAt: string, endsAt: string): void {
  if (endsAt <= startsAt) throw new AppointmentError("end_before_start");
}

/** The user's scope: the activity's `created_by` (the appointment's owner) is the acting user. */
const userScope = (scope: Scope, actor: AppointmentActor): Scope => ({
  workspaceId: scope.workspaceId,
  actor: actor.id,
});

export async function createAppointment(
  core: Core,
  scope: Scope,
  actor: AppointmentActor,
  input: NewAppointmentInput,
): Promise<AppointmentView> {
  const status = input.status ?? DEFAULT_APPOINTMENT_STATUS;
  if (!isAppointmentStatus(status)) throw new AppointmentError("invalid_status");
  const note = checkNote(input.note);
  const now = core.clock.now();
  const at = now.toISOString();
  const acting = userScope(scope, actor);
  return core.db.transaction().execute(async (trx) => {
    const lead = await workableLead(trx, acting, actor, input.leadSlug);
    const zone = await workspaceTimeZone(trx, scope.workspaceId);
    const startsAt = zonedToUtc(input.startsAt, zone).toISOString();
    const endsAt = zonedToUtc(input.endsAt, zone).toISOString();
    interval(startsAt, endsAt);
    if (startsAt <= at) throw new AppointmentError("in_the_past");
    await lockOwner(core, trx, scope, actor.id);
    if (
      status !== "cancelled" &&
      (await hasOverlap(trx, scope.workspaceId, { ownerUserId: actor.id, startsAt, endsAt }))
    ) {
      throw new AppointmentError("overlap");
    }
    const activity = await createActivityIn(trx, acting, at, {
      type: "meeting",
      subject: subjectFor(lead),
      description: note ?? null,
      entity: { entityType: "lead", id: lead.id },
      startsAt,
      endsAt,
      status,
    });
    return (await findAppointment(trx, scope.workspaceId, activity.number))!;
  });
}

/** The workspace's appointment numbered `number`, or null. */
export async function findAppointmentByNumber(
  core: Core,
  scope: Scope,
  number: number,
): Promise<AppointmentView | null> {
  return findAppointment(core.db, scope.workspaceId, number);
}

export async function getAppointment(core: Core, scope: Scope, number: number): Promise<AppointmentView> {
  const appointment = await findAppointment(core.db, scope.workspaceId, number);
  if (!appointment) throw new AppointmentError("not_found");
  return appointment;
}

/** Changes the given fields; only the owner may. Appends `activity.updated` when something changed. */
export async function updateAppointment(
  core: Core,
  scope: Scope,
  actor: AppointmentActor,
  number: number,
  changes: AppointmentChanges,
): Promise<AppointmentView> {
  if (changes.status !== undefined && !isAppointmentStatus(changes.status)) {
    throw new AppointmentError("invalid_status");
  }
  const note = checkNote(changes.note);
  const at = core.clock.now().toISOString();
  const acting = userScope(scope, actor);
  return core.db.transaction().execute(async (trx) => {
    const before = await findAppointment(trx, scope.workspaceId, number);
    if (!before) throw new AppointmentError("not_found");
    if (before.ownerUserId !== actor.id) throw new AppointmentError("not_owner");
    const lead =
      changes.leadSlug !== undefined ? await workableLead(trx, acting, actor, changes.leadSlug) : null;
    const zone = await workspaceTimeZone(trx, scope.workspaceId);
    const startsAt = changes.startsAt ? zonedToUtc(changes.startsAt, zone).toISOString() : before.startsAt;
    const endsAt = changes.endsAt ? zonedToUtc(changes.endsAt, zone).toISOString() : before.endsAt;
    const status = changes.status ?? before.status;
    interval(startsAt, endsAt);
    if (startsAt !== before.startsAt && startsAt <= at) throw new AppointmentError("in_the_past");
    const timesChanged = startsAt !== before.startsAt || endsAt !== before.endsAt;
    if (status !== "cancelled" && (timesChanged || before.status === "cancelled")) {
      await lockOwner(core, trx, scope, actor.id);
      if (
        await hasOverlap(trx, scope.workspaceId, {
          ownerUserId: actor.id,
          startsAt,
          endsAt,
          exceptId: before.id,
        })
      ) {
        throw new AppointmentError("overlap");
      }
    }
    const input: ActivityInput = { startsAt, endsAt, status };
    if (note !== undefined) input.description = note;
    if (lead) {
      input.entity = { entityType: "lead", id: lead.id };
      input.subject = subjectFor(lead);
    }
    await updateActivityIn(trx, acting, at, { id: before.id }, input);
    return (await findAppointment(trx, scope.workspaceId, number))!;
  });
}

/** Soft-deletes the appointment (its meeting activity); only the owner may. */
export async function deleteAppointment(
  core: Core,
  scope: Scope,
  actor: AppointmentActor,
  number: number,
): Promise<AppointmentView> {
  const appointment = await getAppointment(core, scope, number);
  // The owner never changes, so checking before the delete's own transaction is safe.
  if (appointment.ownerUserId !== actor.id) throw new AppointmentError("not_owner");
  try {
    await deleteActivity(core, userScope(scope, actor), { id: appointment.id });
  } catch (error) {
    // Deleted by a concurrent request in between.
    if (isCoreError(error) && error.code === "NOT_FOUND") throw new AppointmentError("not_found");
    throw error;
  }
  return appointment;
}

/** A `YYYY-MM-DD` local day, or null when it is not a real date. */
function localDay(day: string): WallTime | null {
  return parseWallTime(`${day} 00:00`);
}

/**
 * The user's appointments, earliest start first, with the workspace's time zone (in which a
 * dialect renders wall-clock times). A lead first name matches case-insensitively and exactly.
 */
export async function listAppointments(
  core: Core,
  scope: Scope,
  query: AppointmentListQuery,
): Promise<{ count: number; items: AppointmentView[]; timeZone: string }> {
  const zone = await workspaceTimeZone(core.db, scope.workspaceId);
  const now = core.clock.now();
  let rows = liveAppointments(core.db, scope.workspaceId).where("activities.created_by", "=", query.userId);
  if (query.window === "upcoming") {
    rows = rows.where("activities.starts_at", ">", now.toISOString());
  } else if (query.window) {
    const period = calendarPeriod(now, zone, query.window === "today" ? "day" : query.window);
    rows = rows
      .where("activities.starts_at", ">=", period.from.toISOString())
      .where("activities.starts_at", "<", period.to.toISOString());
  }
  if (query.date) {
    const day = localDay(query.date.day);
    if (!day) throw validationError("date", "must be a YYYY-MM-DD date");
    const from = zonedToUtc(day, zone).toISOString();
    const to = zonedToUtc(addDays(day, 1), zone).toISOString();
    if (query.date.setting === "on") {
      rows = rows.where("activities.starts_at", ">=", from).where("activities.starts_at", "<", to);
    } else if (query.date.setting === "before") {
      rows = rows.where("activities.starts_at", "<", from);
    } else {
      rows = rows.where("activities.starts_at", ">=", to);
    }
  }
  if (query.status === DEFAULT_APPOINTMENT_STATUS) {
    // A meeting without an appointment status reads as pending.
    rows = rows.where((eb) =>
      eb.or([eb("activities.status", "is", null), eb("activities.status", "=", "pending")]),
    );
  } else if (query.status) {
    rows = rows.where("activities.status", "=", query.status);
  }
  if (query.leadFirstName !== undefined) {
    const name = query.leadFirstName;
    // lower() on both sides, so both engines fold case the same way on either side.
    rows = rows.where((eb) => eb(eb.fn("lower", ["leads.first_name"]), "=", eb.fn("lower", [eb.val(name)])));
  }
  const total = await rows.select((eb) => eb.fn.countAll<number>().as("count")).executeTakeFirst();
  const count = Number(total?.count ?? 0);
  const offset = Math.max(0, query.offset ?? 0);
  const limit = Math.min(
    Math.max(1, query.limit ?? APPOINTMENT_PAGE.defaultLimit),
    APPOINTMENT_PAGE.maxLimit,
  );
  if (count <= offset) return { count, items: [], timeZone: zone };
  const page = await rows
    .select(APPOINTMENT_COLUMNS)
    .orderBy("activities.starts_at", "asc")
    .orderBy("activities.seq", "asc")
    .limit(limit)
    .offset(offset)
    .execute();
  return { count, items: page.map((row) => toAppointment(row as AppointmentRow)), timeZone: zone };
}
