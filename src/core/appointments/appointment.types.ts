/**
 * Appointments (seeds/004): the core's meeting activities on a lead, with a start, an end, a note
 * (the activity's description) and a status. Their owner is the user who made them (the activity's
 * `created_by`). Wall-clock times are in the workspace's time zone.
 */
import { CoreError, type CoreErrorCode } from "../errors.js";
import type { WallTime } from "../shared/time-zone.js";

/** `fullfilled` is spelt as the Epixel document spells it. A new appointment is `pending`. */
export const APPOINTMENT_STATUSES = [
  "pending",
  "rescheduled",
  "cancelled",
  "fullfilled",
  "confirmed",
] as const;
export type AppointmentStatus = (typeof APPOINTMENT_STATUSES)[number];
export const DEFAULT_APPOINTMENT_STATUS: AppointmentStatus = "pending";

export const isAppointmentStatus = (value: unknown): value is AppointmentStatus =>
  typeof value === "string" && (APPOINTMENT_STATUSES as readonly string[]).includes(value);

export const APPOINTMENT_LIMITS = { note: 200 } as const;

export interface Appointment {
  id: string;
  /** The activity's per-workspace number (Epixel's `appointment_id`). */
  number: number;
  leadId: string;
  ownerUserId: string | null;
  /** UTC ISO 8601. */
  startsAt: string;
  endsAt: string;
  note: string | null;
  status: AppointmentStatus;
  createdAt: string;
  updatedAt: string;
}

export type AppointmentView = Appointment & { leadSlug: string };

/** The acting user: the owner of what it creates. */
export interface AppointmentActor {
  id: string;
  role: "admin" | "agent";
}

export interface NewAppointmentInput {
  leadSlug: string;
  /** Wall-clock times in the workspace's time zone. */
  startsAt: WallTime;
  endsAt: WallTime;
  note?: string | null;
  /** Default `pending`. */
  status?: AppointmentStatus;
}

/** Absent fields stay as they are. */
export type AppointmentChanges = Partial<NewAppointmentInput>;

export type AppointmentWindow = "upcoming" | "today" | "week" | "month";
export const APPOINTMENT_WINDOWS: readonly AppointmentWindow[] = ["upcoming", "today", "week", "month"];

export interface AppointmentListQuery {
  /** The acting user's appointments (owner). */
  userId: string;
  /** `upcoming`: starting after now; the others: starting within the current local day, ISO week (Monday first) or month. */
  window?: AppointmentWindow;
  /** A local day (`YYYY-MM-DD`): starting on it, before it begins, or after it ends. */
  date?: { setting: "on" | "before" | "after"; day: string };
  status?: AppointmentStatus;
  /** The lead's first name, compared case-insensitively. */
  leadFirstName?: string;
  offset?: number;
  limit?: number;
}

export const APPOINTMENT_PAGE = { defaultLimit: 20, maxLimit: 100 } as const;

/**
 * Why an appointment write was refused. Every dialect can map each reason to its own message
 * (Epixel's are in its document); the code keeps other mappings working.
 */
export type AppointmentErrorReason =
  | "lead_not_found"
  | "lead_forbidden"
  | "not_found"
  | "not_owner"
  | "end_before_start"
  | "in_the_past"
  | "overlap"
  | "invalid_status"
  | "note_too_long";

const REASONS: Record<AppointmentErrorReason, { code: CoreErrorCode; field?: string; detail: string }> = {
  lead_not_found: { code: "NOT_FOUND", field: "lead", detail: "lead not found" },
  lead_forbidden: {
    code: "FORBIDDEN",
    field: "lead",
    detail: "is neither owned by nor assigned to the user",
  },
  not_found: { code: "NOT_FOUND", detail: "appointment not found" },
  not_owner: { code: "FORBIDDEN", detail: "only the appointment's owner may change it" },
  end_before_start: { code: "VALIDATION", field: "endsAt", detail: "must be after the start time" },
  in_the_past: { code: "VALIDATION", field: "startsAt", detail: "must be in the future" },
  overlap: { code: "CONFLICT", field: "startsAt", detail: "overlaps another appointment of the owner" },
  invalid_status: {
    code: "VALIDATION",
    field: "status",
    detail: `must be one of ${APPOINTMENT_STATUSES.join(", ")}`,
  },
  note_too_long: {
    code: "VALIDATION",
    field: "note",
    detail: `must be at most ${APPOINTMENT_LIMITS.note} characters`,
  },
};

export class AppointmentError extends CoreError {
  constructor(readonly reason: AppointmentErrorReason) {
    const { code, field, detail } = REASONS[reason];
    super(code, detail, field);
  }
}

export const isAppointmentError = (error: unknown): error is AppointmentError =>
  error instanceof AppointmentError;
