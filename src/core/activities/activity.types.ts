/** Activities as the core knows them: calls, emails, meetings, tasks and notes logged on records. */
import type { Page, UserRef, UserSummary } from "../leads/lead.types.js";
import type { EntityLink, EntityRef } from "../shared/entity-refs.js";

export const ACTIVITY_TYPES = ["call", "email", "meeting", "task", "note"] as const;
export type ActivityType = (typeof ACTIVITY_TYPES)[number];

/** Bounds every dialect's schema states and the core enforces. */
export const ACTIVITY_LIMITS = {
  subject: 200,
  description: 10_000,
  durationMin: 0,
  /** One week. */
  durationMax: 10_080,
  status: 40,
} as const;

export interface Activity {
  id: string;
  number: number;
  type: ActivityType;
  subject: string;
  description: string | null;
  /** The record the activity is logged on, or null for a free-standing one. */
  entity: EntityLink | null;
  assignee: UserSummary | null;
  dueDate: string | null;
  durationMinutes: number | null;
  startsAt: string | null;
  endsAt: string | null;
  completed: boolean;
  completedAt: string | null;
  /** A meeting's appointment status (seeds/004), an email's sent/failed; null otherwise. */
  status: string | null;
  /** Who logged it: the scope's actor (a user id, an API key id, or `system`). */
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
}

export type ActivityRef = { number: number } | { id: string };

/**
 * Writable fields. On create, absent means empty (type and subject are required); on update,
 * absent means unchanged. Times are ISO 8601 date-times.
 */
export interface ActivityInput {
  type?: ActivityType;
  subject?: string;
  description?: string | null;
  entity?: EntityRef | null;
  assignee?: UserRef | null;
  dueDate?: string | null;
  durationMinutes?: number | null;
  startsAt?: string | null;
  endsAt?: string | null;
  /** Setting true stamps completedAt (once); false clears it. */
  completed?: boolean;
  /** Free status word (appointments check theirs against their own list). */
  status?: string | null;
}

export interface ActivityListQuery {
  page: number;
  perPage: number;
  type?: ActivityType;
  /** Only activities on records of this type. */
  entityType?: EntityRef["entityType"];
  /** Only activities on this record (one that does not exist matches nothing). */
  entity?: EntityRef;
  assignee?: UserRef;
  completed?: boolean;
  /** Default `newest`: newest first. `dueFirst`: earliest due date first (so overdue ones lead), undated last. */
  order?: ActivityOrder;
}

export type ActivityOrder = "newest" | "dueFirst";

export type { Page };
