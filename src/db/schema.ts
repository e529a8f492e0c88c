/**
 * Row types of every table, as Kysely sees them. Ids are UUIDv7 text; times are ISO 8601 text
 * (see core/clock.ts); JSON columns hold JSON text. The same shapes hold on SQLite and PostgreSQL.
 */
import type { Generated, Insertable, Selectable, Updateable } from "kysely";

export interface WorkspaceTable {
  id: string;
  slug: string;
  name: string;
  created_at: string;
  updated_at: string;
}

export interface SettingTable {
  key: string;
  value: string;
}

export interface UserTable {
  id: string;
  workspace_id: string;
  seq: number;
  username: string;
  name: string;
  email: string;
  password_hash: string | null;
  role: "admin" | "agent";
  active: number;
  created_at: string;
  updated_at: string;
}

export interface ApiKeyTable {
  id: string;
  workspace_id: string;
  name: string | null;
  type: "secret" | "public_live" | "public_test";
  format: string;
  /** The visible start of the key (`crm_a1b2c3`), safe to show and log. */
  prefix: string;
  /** SHA-256 of the whole key, hex. The key itself is never stored. */
  digest: string;
  /** JSON array of permissions; NULL means every permission of the key's type. */
  scopes: string | null;
  rate_limit: number | null;
  /** JSON array of allowed browser origins for public keys; NULL means any. */
  origins: string | null;
  status: "active" | "suspended" | "revoked";
  created_at: string;
  updated_at: string;
  last_used_at: string | null;
}

/** Per workspace and record type: the last number handed out, and how many records are live. */
export interface CounterTable {
  workspace_id: string;
  entity: string;
  last_number: number;
  /** Records not deleted, so an unfiltered list's total costs one row read, not a count. */
  live_count: number;
}

export interface LeadTable {
  id: string;
  workspace_id: string;
  seq: number;
  first_name: string | null;
  last_name: string | null;
  email: string | null;
  /** Lower-cased email, for the per-workspace uniqueness of live leads and for search. */
  email_normalized: string | null;
  phone: string | null;
  company_name: string | null;
  status: string;
  source: string | null;
  form_type: string | null;
  raw_payload: string | null;
  score: number | null;
  assigned_user_id: string | null;
  custom_fields: string | null;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
}

export interface EventTable {
  /** Global order of events (the feed cursor). */
  position: Generated<number>;
  /** Stable event id (UUIDv7), also the webhook id of its deliveries. */
  id: string;
  workspace_id: string;
  type: string;
  entity_type: string;
  entity_id: string;
  /** JSON: the record after the change, plus `changes` for updates. */
  data: string;
  /** Who caused it: an API key id, a user id or `system`. */
  actor: string | null;
  created_at: string;
}

export interface Database {
  workspaces: WorkspaceTable;
  settings: SettingTable;
  users: UserTable;
  api_keys: ApiKeyTable;
  counters: CounterTable;
  leads: LeadTable;
  events: EventTable;
}

export type WorkspaceRow = Selectable<WorkspaceTable>;
export type UserRow = Selectable<UserTable>;
export type ApiKeyRow = Selectable<ApiKeyTable>;
export type LeadRow = Selectable<LeadTable>;
export type NewLeadRow = Insertable<LeadTable>;
export type LeadUpdate = Updateable<LeadTable>;
export type EventRow = Selectable<EventTable>;
