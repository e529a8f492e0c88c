/**
 * Row types of every table, as Kysely sees them. Ids are UUIDv7 text; times are ISO 8601 text
 * (see core/clock.ts); JSON columns hold JSON text. The same shapes hold on SQLite and PostgreSQL.
 */
import type { Generated, Insertable, Selectable, Updateable } from "kysely";

export interface WorkspaceTable {
  id: string;
  slug: string;
  name: string;
  /** growth | pro (migration 11): CRMLead Pro's rate limits. */
  plan: Generated<string>;
  /** IANA time zone of the workspace's wall-clock times (migration 14); `UTC` by default. */
  time_zone: Generated<string>;
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
  /** Bumped by every write of the type, so derived figures (filtered counts) can be cached safely. */
  version: Generated<number>;
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
  converted_contact_id: Generated<string | null>;
  converted_company_id: Generated<string | null>;
  converted_opportunity_id: Generated<string | null>;
  converted_at: Generated<string | null>;
  /** The pipeline card's fields (migration 09); null on leads that are not on the board. */
  title: Generated<string | null>;
  stage_id: Generated<string | null>;
  stage_changed_at: Generated<string | null>;
  value_minor: Generated<number | null>;
  currency: Generated<string | null>;
  company_id: Generated<string | null>;
  contact_id: Generated<string | null>;
  /** Epixel (migration 13): the lead's slug (unique per workspace), set on every new lead. */
  slug: string;
  /** The user who created the lead through Epixel; null for leads made elsewhere. */
  owner_user_id: Generated<string | null>;
  /** The Epixel status word set through Epixel; null = the default word of `status`. */
  status_word: Generated<string | null>;
  location: Generated<string | null>;
  message: Generated<string | null>;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
}

/** Per workspace, Epixel's lead status words and the core status each maps onto (migration 13). */
export interface LeadStatusDefinitionTable {
  workspace_id: string;
  word: string;
  description: string;
  color: string;
  sort_order: number;
  core_status: string;
}

/** Live leads and their value per stage and currency ('' = no value), kept in the write's transaction. */
export interface LeadStageTotalTable {
  workspace_id: string;
  stage_id: string;
  currency: string;
  lead_count: number;
  value_minor: number;
}

/** Live leads per creation period (day or month), stage and currency (migration 12; lead-cohorts.ts). */
export interface LeadCohortTotalTable {
  workspace_id: string;
  period: string;
  stage_id: string;
  currency: string;
  lead_count: number;
  value_minor: number;
  stage_age_ms: number;
}

/** Live leads per creation period and set of stages ever stood in (migration 12). */
export interface LeadCohortPathTable {
  workspace_id: string;
  period: string;
  stage_ids: string;
  lead_count: number;
}

/** Completed stays of live leads per creation period and stage (migration 12). */
export interface LeadCohortStayTable {
  workspace_id: string;
  period: string;
  stage_id: string;
  stay_count: number;
  stay_ms: number;
}

/** One move of a lead from a stage to another (migration 09); read by lead timelines. */
export interface LeadStageMoveTable {
  id: string;
  workspace_id: string;
  lead_id: string;
  from_stage_id: string | null;
  from_stage_name: string | null;
  to_stage_id: string;
  to_stage_name: string;
  actor: string | null;
  moved_at: string;
}

/** Columns every numbered, soft-deleted CRM record has. */
interface RecordColumns {
  id: string;
  workspace_id: string;
  /** Per-workspace number (Valethon's integer ids). */
  seq: number;
  /** JSON object of custom-field values, keyed by field key. */
  custom_fields: string | null;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
}

/** Companies; Valethon calls them prospect accounts. */
export interface CompanyTable extends RecordColumns {
  name: string;
  name_normalized: string;
  website: string | null;
  industry: string | null;
  phone: string | null;
  email: string | null;
  relationship: "prospect" | "customer" | "vendor" | "both";
  status: "active" | "inactive" | "converted" | "archived";
  owner_user_id: string | null;
  notes: string | null;
  converted_at: string | null;
}

export interface ContactTable extends RecordColumns {
  first_name: string | null;
  last_name: string | null;
  email: string | null;
  email_normalized: string | null;
  phone: string | null;
  title: string | null;
  role: string | null;
  notes: string | null;
  primary_company_id: string | null;
  owner_user_id: string | null;
  source_lead_id: string | null;
}

export interface ContactCompanyTable {
  id: string;
  workspace_id: string;
  contact_id: string;
  company_id: string;
  role: string | null;
  is_primary: number;
  created_at: string;
  updated_at: string;
}

export interface EntityTagTable {
  workspace_id: string;
  entity_type: string;
  entity_id: string;
  tag: string;
  tag_normalized: string;
  /** Order in which the record's tags were given. */
  position: number;
}

export interface PipelineTable {
  id: string;
  workspace_id: string;
  seq: number;
  key: string;
  name: string;
  is_default: number;
  created_at: string;
  updated_at: string;
}

export interface PipelineStageTable {
  id: string;
  workspace_id: string;
  pipeline_id: string;
  seq: number;
  key: string;
  name: string;
  kind: "open" | "won" | "lost";
  position: number;
  probability: number;
  color: string | null;
  description: string | null;
  created_at: string;
  updated_at: string;
}

export interface OpportunityTable extends RecordColumns {
  name: string;
  company_id: string | null;
  contact_id: string | null;
  lead_id: string | null;
  pipeline_id: string;
  stage_id: string;
  /** Minor units (cents) of `currency`. */
  value_minor: number | null;
  currency: string;
  probability: number | null;
  /** YYYY-MM-DD */
  expected_close_date: string | null;
  status: "open" | "won" | "lost";
  owner_user_id: string | null;
  won_at: string | null;
  lost_at: string | null;
  close_reason: string | null;
}

export interface ActivityTable extends RecordColumns {
  type: "call" | "email" | "meeting" | "task" | "note";
  subject: string;
  description: string | null;
  entity_type: string | null;
  entity_id: string | null;
  assigned_user_id: string | null;
  due_at: string | null;
  duration_minutes: number | null;
  starts_at: string | null;
  ends_at: string | null;
  completed: number;
  completed_at: string | null;
  status: string | null;
  created_by: string | null;
}

export interface NoteTable extends RecordColumns {
  entity_type: string;
  entity_id: string;
  content: string;
  is_pinned: number;
  author_user_id: string | null;
  created_by: string | null;
}

export interface CustomFieldDefinitionTable {
  id: string;
  workspace_id: string;
  seq: number;
  entity_type: "lead" | "contact" | "company" | "opportunity";
  key: string;
  label: string;
  field_type: "text" | "number" | "date" | "boolean" | "select" | "multiselect";
  /** JSON array of allowed values (select, multiselect). */
  options: string | null;
  required: number;
  position: number;
  created_at: string;
  updated_at: string;
}

export interface SearchDocumentTable {
  id: Generated<number>;
  workspace_id: string;
  entity_type: string;
  entity_id: string;
  number: number;
  title: string;
  subtitle: string | null;
  body: string;
  updated_at: string;
}

export interface WebhookTable {
  id: string;
  workspace_id: string;
  seq: number;
  /** The API whose event names, payload and signature it gets: valethon | crmleadpro (migration 11). */
  dialect: Generated<string>;
  url: string;
  /** JSON array of event types, or ["*"]. */
  events: string;
  /** Sealed with the server secret (see core/webhooks); never returned after creation. */
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: string | null;
  active: number;
  disabled_at: string | null;
  disabled_reason: string | null;
  failing_since: string | null;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
}

export interface WebhookDeliveryTable {
  /** Also the `webhook-id` header of every attempt. */
  id: string;
  workspace_id: string;
  webhook_id: string;
  seq: number;
  event_id: string;
  event_type: string;
  payload: string;
  status: "pending" | "succeeded" | "failed" | "cancelled";
  attempts: number;
  next_attempt_at: string | null;
  claimed_by: string | null;
  claimed_until: string | null;
  last_status_code: number | null;
  last_error: string | null;
  delivered_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface WebhookAttemptTable {
  id: string;
  delivery_id: string;
  attempt: number;
  started_at: string;
  duration_ms: number;
  status_code: number | null;
  response_body: string | null;
  error: string | null;
}

export interface OutboxCursorTable {
  name: string;
  position: number;
  updated_at: string;
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

/** An agent's login to the web inbox (see migrations/2026-11-23-06-agent-sessions.ts). */
export interface AgentSessionTable {
  id: string;
  workspace_id: string;
  user_id: string;
  /** SHA-256 of the session token, hex. The token itself is never stored. */
  token_digest: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
}

/** A website-chat conversation: one widget session and what the visitor said in it. */
export interface ConversationTable {
  id: string;
  workspace_id: string;
  seq: number;
  /** SHA-256 (hex) of the widget's session token; the token itself is never stored. */
  session_digest: string;
  visitor_id: string;
  visitor_name: string | null;
  visitor_email: string | null;
  ip: string | null;
  user_agent: string | null;
  referrer: string | null;
  page_url: string | null;
  status: "open" | "waiting" | "closed";
  /** When a human took over; from then on the bot stays quiet. */
  handed_off_at: string | null;
  assignee_user_id: string | null;
  is_read: number;
  lead_id: string | null;
  contact_id: string | null;
  company_id: string | null;
  ticket_activity_id: string | null;
  last_message_at: string | null;
  last_message_preview: string | null;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
}

export interface ChatMessageTable {
  id: string;
  workspace_id: string;
  conversation_id: string;
  sender: "visitor" | "bot" | "agent";
  text: string;
  /** JSON array of action labels. */
  suggested_actions: string;
  author_user_id: string | null;
  created_at: string;
}

export interface BotIntentTable {
  id: string;
  workspace_id: string;
  seq: number;
  name: string;
  /** JSON arrays of strings. */
  keywords: string;
  phrases: string;
  reply: string;
  suggested_actions: string;
  priority: number;
  enabled: number;
  created_at: string;
  updated_at: string;
}

export interface ServiceComponentTable {
  id: string;
  workspace_id: string;
  seq: number;
  name: string;
  name_normalized: string;
  status: "operational" | "degraded" | "outage" | "maintenance";
  message: string | null;
  sort_order: number;
  created_at: string;
  updated_at: string;
}

/** Per-workspace chat settings; NULL settings mean their defaults. */
export interface ChatSettingsTable {
  workspace_id: string;
  greeting: string | null;
  company_name: string | null;
  primary_color: string | null;
  logo_url: string | null;
  intents_seeded: Generated<number>;
  status_updated_at: string | null;
  updated_at: string;
}

export interface EmailConnectionTable {
  id: string;
  workspace_id: string;
  seq: number;
  channel: string;
  name: string;
  from_email: string;
  from_name: string | null;
  host: string;
  port: number;
  /** 1: TLS from the first byte; 0: plain, upgraded with STARTTLS when offered. */
  secure: number;
  username: string | null;
  /** Sealed with the server secret (see core/email); never returned. */
  password: string | null;
  status: "active" | "disabled";
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
}

export interface OutboundEmailTable {
  id: string;
  workspace_id: string;
  seq: number;
  connection_id: string;
  lead_id: string | null;
  contact_id: string | null;
  to_email: string;
  subject: string;
  html: string;
  text: string;
  status: "queued" | "sending" | "sent" | "failed";
  attempts: number;
  next_attempt_at: string | null;
  claimed_by: string | null;
  claimed_until: string | null;
  last_error: string | null;
  message_id: string | null;
  activity_id: string | null;
  created_at: string;
  updated_at: string;
  sent_at: string | null;
}

/** Named sets of companies and contacts for campaigns. */
export interface MarketingListTable {
  id: string;
  workspace_id: string;
  seq: number;
  name: string;
  description: string | null;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
}

export interface MarketingListMemberTable {
  workspace_id: string;
  list_id: string;
  member_type: "company" | "contact";
  member_id: string;
  added_at: string;
}

/** WhatsApp Business (Cloud API) senders for campaigns (migration 10). */
export interface WhatsAppConnectionTable {
  id: string;
  workspace_id: string;
  seq: number;
  name: string;
  base_url: string;
  phone_number_id: string;
  /** Sealed with the server secret (see core/campaigns); never returned. */
  token: string;
  status: "active" | "disabled";
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
}

export interface CampaignTable {
  id: string;
  workspace_id: string;
  seq: number;
  channel: "email" | "whatsapp";
  name: string;
  status: "queued" | "sending" | "sent" | "failed";
  email_connection_id: string | null;
  whatsapp_connection_id: string | null;
  subject: string | null;
  html: string | null;
  template_name: string | null;
  template_language: string | null;
  /** JSON array of strings. */
  template_variables: string | null;
  /** JSON of the audience as given. */
  audience: string;
  created_at: string;
  updated_at: string;
  sent_at: string | null;
}

export interface CampaignRecipientTable {
  id: string;
  workspace_id: string;
  campaign_id: string;
  record_type: "lead" | "contact";
  record_id: string;
  name: string | null;
  address: string | null;
  /** JSON object of placeholder values. */
  variables: string;
  status: "queued" | "sending" | "sent" | "failed" | "skipped";
  skip_reason: "no_address" | "unsubscribed" | "duplicate" | null;
  attempts: number;
  next_attempt_at: string | null;
  claimed_by: string | null;
  claimed_until: string | null;
  last_error: string | null;
  provider_message_id: string | null;
  sent_at: string | null;
  position: number;
}

export interface CampaignUnsubscribeTable {
  workspace_id: string;
  channel: "email" | "whatsapp";
  address: string;
  created_at: string;
}

export interface Database {
  workspaces: WorkspaceTable;
  settings: SettingTable;
  users: UserTable;
  api_keys: ApiKeyTable;
  counters: CounterTable;
  leads: LeadTable;
  lead_status_definitions: LeadStatusDefinitionTable;
  lead_stage_moves: LeadStageMoveTable;
  lead_stage_totals: LeadStageTotalTable;
  lead_cohort_totals: LeadCohortTotalTable;
  lead_cohort_paths: LeadCohortPathTable;
  lead_cohort_stays: LeadCohortStayTable;
  events: EventTable;
  companies: CompanyTable;
  contacts: ContactTable;
  contact_companies: ContactCompanyTable;
  entity_tags: EntityTagTable;
  pipelines: PipelineTable;
  pipeline_stages: PipelineStageTable;
  opportunities: OpportunityTable;
  activities: ActivityTable;
  notes: NoteTable;
  custom_field_definitions: CustomFieldDefinitionTable;
  search_documents: SearchDocumentTable;
  webhooks: WebhookTable;
  webhook_deliveries: WebhookDeliveryTable;
  webhook_attempts: WebhookAttemptTable;
  outbox_cursors: OutboxCursorTable;
  conversations: ConversationTable;
  chat_messages: ChatMessageTable;
  bot_intents: BotIntentTable;
  service_components: ServiceComponentTable;
  chat_settings: ChatSettingsTable;
  agent_sessions: AgentSessionTable;
  marketing_lists: MarketingListTable;
  marketing_list_members: MarketingListMemberTable;
  email_connections: EmailConnectionTable;
  outbound_emails: OutboundEmailTable;
  whatsapp_connections: WhatsAppConnectionTable;
  campaigns: CampaignTable;
  campaign_recipients: CampaignRecipientTable;
  campaign_unsubscribes: CampaignUnsubscribeTable;
}

export type WorkspaceRow = Selectable<WorkspaceTable>;
export type UserRow = Selectable<UserTable>;
export type ApiKeyRow = Selectable<ApiKeyTable>;
export type LeadRow = Selectable<LeadTable>;
export type NewLeadRow = Insertable<LeadTable>;
export type LeadUpdate = Updateable<LeadTable>;
export type EventRow = Selectable<EventTable>;
