/**
 * Epixel appointments (seeds/004 E3, E5, E6, E7) over the core's appointments
 * (src/core/appointments): meeting activities on a lead, so they show in the lead's Valethon
 * activities and Axiomatic timeline. Times are `yyyy-mm-dd HH:MM` in the workspace's time zone;
 * `appointment_id` is the activity's per-workspace number. Field errors (400) are collected and
 * answered together; business-rule failures are 401 with the document's messages.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import {
  APPOINTMENT_LIMITS,
  APPOINTMENT_PAGE,
  type AppointmentChanges,
  type AppointmentStatus,
  type AppointmentView,
  createAppointment,
  deleteAppointment,
  findAppointmentByNumber,
  isAppointmentError,
  isAppointmentStatus,
  listAppointments,
  updateAppointment,
} from "../../../core/appointments/appointments.service.js";
import type { Core, Scope } from "../../../core/core.js";
import { canWorkOnLead, findLeadBySlug } from "../../../core/leads/lead-slugs.js";
import { formatWallTime, parseWallTime, utcToZoned, type WallTime } from "../../../core/shared/time-zone.js";
import { workspaceTimeZone } from "../../../core/workspaces/workspace-time-zone.js";
import { actorOf, bodyOf, type EpixelUser, queryOf, queryText } from "./context.js";
import { FieldErrors, fieldError, ok, requestFailed } from "./envelope.js";
import { MESSAGES, positiveInteger } from "./fields.js";
import { pageOf, pageWindow } from "./pages.js";
import { epixelRoute } from "./route.js";

/** The document's messages, verbatim (typos included). */
export const APPOINTMENT_MESSAGES = {
  noBody: "Body data not found.",
  overlap: "Appointment schedule exists for this time.",
  endBeforeStart: "End Date Can't be prior to Start Date.",
  past: "Please Specify a date in the future.",
  cannotUpdate: "You can't update this appointment.",
  cannotDelete: "You can't delete this appointment.",
  required: MESSAGES.required,
  blank: MESSAGES.blankTypo,
  slugInvalid: "Requested slug is invalid.",
  leadForbidden: "You can't take appointment under this lead.",
  dateFormat: "Invalid date format.",
  note: MESSAGES.maxLength(APPOINTMENT_LIMITS.note),
  status: "Invalid appointment status.",
  idInvalid: "Invalid appointment id.",
  notFound: "Requested appointment not found.",
  // E3's filters: the document lists no errors for them; these keep its "datesettigs" / "Formate" spelling.
  dateSetting: "Invalid datesettigs value. Use on, before or after.",
  dateSettingRequired: "datesettigs is required when ondate is given.",
  onDateRequired: "ondate is required when datesettigs is given.",
  onDateFormat: "Invalid date Formate. Use MM/DD/YYYY.",
  integer: MESSAGES.integer,
} as const;

const SLUG_MAX = 258;
const DATE_SETTINGS = ["on", "before", "after"] as const;

/** The appointment as Epixel shows it: wall-clock times in the workspace's zone. */
export function renderAppointment(appointment: AppointmentView, timeZone: string) {
  return {
    id: appointment.number,
    uuid: appointment.id,
    lead_slug: appointment.leadSlug,
    appointment_date: formatWallTime(utcToZoned(appointment.startsAt, timeZone)),
    appointment_to: formatWallTime(utcToZoned(appointment.endsAt, timeZone)),
    appointment_note: appointment.note,
    appointment_status: appointment.status,
  };
}

/** E5/E6 answer: the appointment under the document's field names. */
function renderWritten(appointment: AppointmentView, timeZone: string) {
  const { id, uuid, lead_slug, ...fields } = renderAppointment(appointment, timeZone);
  return { appointment_id: id, uuid, slug: lead_slug, ...fields };
}

/** Maps the core's refusals to the document's messages. */
async function coreCall<T>(action: "update" | "delete" | "create", call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!isAppointmentError(error)) throw error;
    switch (error.reason) {
      case "lead_not_found":
        throw fieldError("slug", APPOINTMENT_MESSAGES.slugInvalid);
      case "lead_forbidden":
        throw fieldError("slug", APPOINTMENT_MESSAGES.leadForbidden);
      case "not_found":
        throw fieldError("appointment_id", APPOINTMENT_MESSAGES.notFound);
      case "not_owner":
        throw requestFailed(
          action === "delete" ? APPOINTMENT_MESSAGES.cannotDelete : APPOINTMENT_MESSAGES.cannotUpdate,
        );
      case "end_before_start":
        throw requestFailed(APPOINTMENT_MESSAGES.endBeforeStart);
      case "in_the_past":
        throw requestFailed(APPOINTMENT_MESSAGES.past);
      case "overlap":
        throw requestFailed(APPOINTMENT_MESSAGES.overlap);
      case "invalid_status":
        throw fieldError("appointment_status", APPOINTMENT_MESSAGES.status);
      case "note_too_long":
        throw fieldError("appointment_note", APPOINTMENT_MESSAGES.note);
      default: {
        const unreachable: never = error.reason;
        throw unreachable;
      }
    }
  }
}

/** The value of a field that must not be blank: undefined when absent (an error added when required). */
function present(
  errors: FieldErrors,
  body: Record<string, string>,
  field: string,
  required: boolean,
): string | undefined {
  const raw = body[field];
  if (raw === undefined) {
    if (required) errors.add(field, APPOINTMENT_MESSAGES.required);
    return undefined;
  }
  const value = raw.trim();
  if (value === "") {
    errors.add(field, APPOINTMENT_MESSAGES.blank);
    return undefined;
  }
  return value;
}

interface AppointmentFields {
  slug?: string;
  startsAt?: WallTime;
  endsAt?: WallTime;
  note?: string | null;
  status?: AppointmentStatus;
}

/**
 * The E5/E6 fields, checked into `errors`: slug (a live lead the user may work on), the two times,
 * the note (blank clears it) and the status (absent: unchanged, or `pending` on create).
 */
async function appointmentFields(
  core: Core,
  scope: Scope,
  user: EpixelUser,
  body: Record<string, string>,
  errors: FieldErrors,
  required: boolean,
): Promise<AppointmentFields> {
  const fields: AppointmentFields = {};
  const slug = present(errors, body, "slug", required);
  if (slug !== undefined) {
    const lead = slug.length > SLUG_MAX ? null : await findLeadBySlug(core.db, scope, slug);
    if (!lead) errors.add("slug", APPOINTMENT_MESSAGES.slugInvalid);
    else if (!canWorkOnLead(lead, user)) errors.add("slug", APPOINTMENT_MESSAGES.leadForbidden);
    else fields.slug = slug;
  }
  for (const [field, key] of [
    ["appointment_date", "startsAt"],
    ["appointment_to", "endsAt"],
  ] as const) {
    const text = present(errors, body, field, required);
    if (text === undefined) continue;
    const wall = parseWallTime(text);
    if (!wall) errors.add(field, APPOINTMENT_MESSAGES.dateFormat);
    else fields[key] = wall;
  }
  const note = body.appointment_note;
  if (note !== undefined) {
    const trimmed = note.trim();
    if ([...trimmed].length > APPOINTMENT_LIMITS.note)
      errors.add("appointment_note", APPOINTMENT_MESSAGES.note);
    else fields.note = trimmed === "" ? null : trimmed;
  }
  const status = body.appointment_status;
  if (status !== undefined) {
    if (!isAppointmentStatus(status.trim())) errors.add("appointment_status", APPOINTMENT_MESSAGES.status);
    else fields.status = status.trim() as AppointmentStatus;
  }
  return fields;
}

/** `appointment_id`: required, not blank, a positive integer, an appointment of the workspace. */
async function appointmentNumber(
  core: Core,
  scope: Scope,
  body: Record<string, string>,
  errors: FieldErrors,
) {
  const raw = present(errors, body, "appointment_id", true);
  if (raw === undefined) return undefined;
  const number = positiveInteger(raw);
  if (number === null) {
    errors.add("appointment_id", APPOINTMENT_MESSAGES.idInvalid);
    return undefined;
  }
  if (!(await findAppointmentByNumber(core, scope, number))) {
    errors.add("appointment_id", APPOINTMENT_MESSAGES.notFound);
    return undefined;
  }
  return number;
}

/** E5/E6's body, which may not be empty. */
function requiredBody(request: FastifyRequest): Record<string, string> {
  const body = bodyOf(request);
  if (Object.keys(body).length === 0) throw requestFailed(APPOINTMENT_MESSAGES.noBody);
  return body;
}

const MM_DD_YYYY = /^(\d{2})\/(\d{2})\/(\d{4})$/;

/** `MM/DD/YYYY` naming a real date, as `YYYY-MM-DD`; null otherwise. */
function onDate(text: string): string | null {
  const match = MM_DD_YYYY.exec(text);
  if (!match) return null;
  const [, month, day, year] = match;
  const day0 = `${year}-${month}-${day}`;
  return parseWallTime(`${day0} 00:00`) ? day0 : null;
}

/** The zone E5/E6 answers render their times in. */
const timeZone = (core: Core, scope: Scope) => workspaceTimeZone(core.db, scope.workspaceId);

export async function appointmentRoutes(app: FastifyInstance, deps: { core: Core }): Promise<void> {
  const { core } = deps;

  epixelRoute(
    app,
    "GET",
    "leads/appointments/list/",
    {
      summary: "List of your appointments",
      description:
        "Query: `datesetting` (`on`, `before`, `after`) with `ondate` (MM/DD/YYYY, required with datesetting), " +
        "`status` (pending, rescheduled, cancelled, fullfilled, confirmed), `lead` (the lead's first name, " +
        `case-insensitive), \`offset\`, \`limit\` (default ${APPOINTMENT_PAGE.defaultLimit}, at most ` +
        `${APPOINTMENT_PAGE.maxLimit}). Answers \`data: {count, next, previous, results}\`, earliest start first, ` +
        "times as `yyyy-mm-dd HH:MM` in the workspace's time zone.",
      permission: "activities:read",
    },
    async (request) => {
      const { scope, user } = actorOf(request);
      const query = queryOf(request);
      const text = (field: string) => queryText(query, field);
      const errors = new FieldErrors();
      const window = pageWindow(errors, query, APPOINTMENT_PAGE);
      const setting = text("datesetting");
      const dateText = text("ondate");
      let date: { setting: (typeof DATE_SETTINGS)[number]; day: string } | undefined;
      if (setting !== undefined && !(DATE_SETTINGS as readonly string[]).includes(setting)) {
        errors.add("datesetting", APPOINTMENT_MESSAGES.dateSetting);
      }
      if (setting === undefined && dateText !== undefined) {
        errors.add("datesetting", APPOINTMENT_MESSAGES.dateSettingRequired);
      }
      if (setting !== undefined && dateText === undefined)
        errors.add("ondate", APPOINTMENT_MESSAGES.onDateRequired);
      const day = dateText === undefined ? undefined : onDate(dateText);
      if (day === null) errors.add("ondate", APPOINTMENT_MESSAGES.onDateFormat);
      if (setting !== undefined && !errors.has("datesetting") && day) {
        date = { setting: setting as (typeof DATE_SETTINGS)[number], day };
      }
      const status = text("status");
      if (status !== undefined && !isAppointmentStatus(status))
        errors.add("status", APPOINTMENT_MESSAGES.status);
      errors.throwIfAny();
      const lead = text("lead");
      const page = await listAppointments(core, scope, {
        userId: user.id,
        ...(date ? { date } : {}),
        ...(status !== undefined ? { status: status as AppointmentStatus } : {}),
        ...(lead !== undefined ? { leadFirstName: lead } : {}),
        ...window,
      });
      return ok(pageOf(request, window, page, (item) => renderAppointment(item, page.timeZone)));
    },
  );

  epixelRoute(
    app,
    "POST",
    "leads/create/appointment/",
    {
      summary: "Create an appointment under a lead you own or are assigned to",
      description:
        "Fields `slug`*, `appointment_date`* and `appointment_to`* (`yyyy-mm-dd HH:MM` in the workspace's time " +
        "zone), `appointment_note` (at most 200 characters), `appointment_status` (default `pending`). Answers " +
        "`data: {appointment_id, uuid, slug, appointment_date, appointment_to, appointment_note, appointment_status}`.",
      permission: "activities:write",
    },
    async (request) => {
      const { scope, user } = actorOf(request);
      const body = requiredBody(request);
      const errors = new FieldErrors();
      const fields = await appointmentFields(core, scope, user, body, errors, true);
      errors.throwIfAny();
      const created = await coreCall("create", () =>
        createAppointment(core, scope, user, {
          leadSlug: fields.slug!,
          startsAt: fields.startsAt!,
          endsAt: fields.endsAt!,
          ...(fields.note !== undefined ? { note: fields.note } : {}),
          ...(fields.status !== undefined ? { status: fields.status } : {}),
        }),
      );
      return ok(renderWritten(created, await timeZone(core, scope)));
    },
  );

  epixelRoute(
    app,
    "POST",
    "leads/update/appointment/",
    {
      summary: "Update one of your appointments",
      description:
        "Field `appointment_id`*; the create fields are optional but may not be blank (a blank note clears it). " +
        "Answers as create.",
      permission: "activities:write",
    },
    async (request) => {
      const { scope, user } = actorOf(request);
      const body = requiredBody(request);
      const errors = new FieldErrors();
      const number = await appointmentNumber(core, scope, body, errors);
      const fields = await appointmentFields(core, scope, user, body, errors, false);
      errors.throwIfAny();
      const changes: AppointmentChanges = {};
      if (fields.slug !== undefined) changes.leadSlug = fields.slug;
      if (fields.startsAt !== undefined) changes.startsAt = fields.startsAt;
      if (fields.endsAt !== undefined) changes.endsAt = fields.endsAt;
      if (fields.note !== undefined) changes.note = fields.note;
      if (fields.status !== undefined) changes.status = fields.status;
      const updated = await coreCall("update", () => updateAppointment(core, scope, user, number!, changes));
      return ok(renderWritten(updated, await timeZone(core, scope)));
    },
  );

  epixelRoute(
    app,
    "POST",
    "leads/delete/appointment/",
    {
      summary: "Delete one of your appointments",
      description: "Field `appointment_id`*. Answers `data: {}`.",
      permission: "activities:write",
    },
    async (request) => {
      const { scope, user } = actorOf(request);
      const body = bodyOf(request);
      const errors = new FieldErrors();
      const number = await appointmentNumber(core, scope, body, errors);
      errors.throwIfAny();
      await coreCall("delete", () => deleteAppointment(core, scope, user, number!));
      return ok({});
    },
  );
}
