/** Leads as the core knows them: people who showed interest, before they become contacts. */

export const LEAD_STATUSES = ["new", "contacted", "qualified", "unqualified", "converted"] as const;
export type LeadStatus = (typeof LEAD_STATUSES)[number];

export const LEAD_SORT_FIELDS = [
  "created_at",
  "updated_at",
  "first_name",
  "last_name",
  "email",
  "score",
  "status",
] as const;
export type LeadSortField = (typeof LEAD_SORT_FIELDS)[number];

/** Bounds every dialect's schema states and the core enforces. */
export const LEAD_LIMITS = {
  name: 100,
  email: 254,
  phone: 40,
  companyName: 200,
  source: 100,
  formType: 100,
  rawPayloadBytes: 64 * 1024,
  title: 200,
  scoreMin: 0,
  scoreMax: 100,
} as const;

export interface UserSummary {
  id: string;
  number: number;
  username: string;
}

export interface Lead {
  id: string;
  number: number;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phone: string | null;
  companyName: string | null;
  status: LeadStatus;
  source: string | null;
  formType: string | null;
  rawPayload: Record<string, unknown> | null;
  score: number | null;
  assignee: UserSummary | null;
  /** The pipeline card: what the deal is called, where it stands, what it is worth, with whom. */
  title: string | null;
  /** A stage of the workspace's default pipeline; null only on leads from before stages. */
  stageId: string | null;
  stageChangedAt: string | null;
  /** Minor units (cents) of `currency`, or null when no value is known. */
  valueMinor: number | null;
  currency: string | null;
  companyId: string | null;
  contactId: string | null;
  /** Epixel's name for the lead, unique per workspace (src/core/leads/lead-slugs.ts). */
  slug: string;
  /** The user who created the lead through Epixel; null for leads made through other APIs. */
  ownerUserId: string | null;
  /**
   * Values of the workspace's current lead custom fields, keyed by field key. Every function of
   * leads.service sets it (the repository's rows leave it out).
   */
  customFields?: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

/** How a caller names a workspace user: by number (Valethon), id (UUID) or username (Epixel). */
export type UserRef = { number: number } | { id: string } | { username: string };

/** How a caller names a stage of the default pipeline for a lead: its UUID, its key, or a name (or key). */
export type LeadStageRef = { id: string } | { key: string } | { name: string };

/** How a caller names a lead: by its per-workspace number or its UUID. */
export type LeadRef = { number: number } | { id: string };

/** Writable fields. On create, absent means empty; on update, absent means unchanged. */
export interface LeadInput {
  firstName?: string | null;
  lastName?: string | null;
  email?: string | null;
  phone?: string | null;
  companyName?: string | null;
  status?: LeadStatus;
  source?: string | null;
  formType?: string | null;
  rawPayload?: Record<string, unknown> | null;
  score?: number | null;
  assignee?: UserRef | null;
  title?: string | null;
  /** A stage of the default pipeline; absent on create means its first open stage. */
  stage?: LeadStageRef;
  /** Major units; stored as minor units. */
  value?: number | null;
  currency?: string;
  company?: { id: string } | null;
  contact?: { id: string } | null;
  /** Replaces the lead's tags (null or [] removes them all). Read them with tags.readTags. */
  tags?: string[] | null;
  /** Custom-field values to set (null removes one); absent keys stay as they are. */
  customFields?: Record<string, unknown>;
}

export interface LeadListQuery {
  page: number;
  perPage: number;
  status?: LeadStatus;
  source?: string;
  assignee?: UserRef;
  /** Only leads nobody is assigned to. */
  unassigned?: boolean;
  /** Matches first/last name, email or company name, case-insensitively. */
  search?: string;
  createdAfter?: string;
  createdBefore?: string;
  /** A stage by UUID, key or name (names compare case-insensitively); no such stage matches nothing. */
  stage?: LeadStageRef;
  companyId?: string;
  contactId?: string;
  /** Leads carrying this tag (case-insensitive). */
  tag?: string;
  /** Archived (deleted) leads instead of live ones. */
  archived?: boolean;
  sort: LeadSortField;
  order: "asc" | "desc";
}

export interface Page<T> {
  items: T[];
  total: number;
}
