/** Campaigns, their recipients and WhatsApp connections, as the core hands them out. */

export const CAMPAIGN_CHANNELS = ["email", "whatsapp"] as const;
export type CampaignChannel = (typeof CAMPAIGN_CHANNELS)[number];

export const CAMPAIGN_STATUSES = ["queued", "sending", "sent", "failed"] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

export const RECIPIENT_STATUSES = ["queued", "sending", "sent", "failed", "skipped"] as const;
export type RecipientStatus = (typeof RECIPIENT_STATUSES)[number];

export const SKIP_REASONS = ["no_address", "unsubscribed", "duplicate"] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

export const CAMPAIGN_LIMITS = {
  name: 200,
  /** Recipients (records) one campaign may reach; a larger audience is refused. */
  recipients: 50_000,
  /** Ids in audience.leadIds / audience.contactIds, and tags in audience.tags. */
  idsPerAudience: 10_000,
  tags: 50,
  templateName: 512,
  templateVariables: 20,
  templateVariable: 1024,
  /** Recipients per page of listCampaignRecipients. */
  perPage: 500,
} as const;

export const WHATSAPP_LIMITS = {
  name: 100,
  baseUrl: 2048,
  phoneNumberId: 64,
  token: 4096,
  perWorkspace: 20,
} as const;

/** A record named by its UUID (string) or its per-workspace number. */
export type RecordId = string | number;

/** Who a campaign reaches: the union of every part given (at least one), deduplicated by address. */
export interface CampaignAudience {
  listId?: RecordId;
  tags?: string[];
  leadFilter?: { status?: string; source?: string; stageKey?: string };
  leadIds?: RecordId[];
  contactIds?: RecordId[];
}

export interface EmailCampaignInput {
  name?: unknown;
  connectionId?: RecordId;
  subject?: unknown;
  html?: unknown;
  audience?: CampaignAudience;
}

export interface WhatsAppCampaignInput {
  name?: unknown;
  connectionId?: RecordId;
  templateName?: unknown;
  templateLanguage?: unknown;
  /** Body parameters in order; each may use the {{…}} placeholders. */
  variables?: unknown;
  /**
   * Calling code (digits, e.g. "44") put in front of phone numbers written without one (a leading
   * trunk 0 is dropped). Without it such numbers are skipped as no_address.
   */
  defaultCountryCode?: unknown;
  audience?: CampaignAudience;
}

export interface CampaignCounts {
  queued: number;
  sending: number;
  sent: number;
  failed: number;
  skipped: number;
  total: number;
}

export interface Campaign {
  id: string;
  number: number;
  channel: CampaignChannel;
  name: string;
  status: CampaignStatus;
  /** The email or WhatsApp connection's UUID. */
  connectionId: string;
  subject: string | null;
  html: string | null;
  templateName: string | null;
  templateLanguage: string | null;
  templateVariables: string[] | null;
  audience: CampaignAudience;
  counts: CampaignCounts;
  createdAt: string;
  updatedAt: string;
  sentAt: string | null;
}

export interface CampaignRecipient {
  id: string;
  recordType: "lead" | "contact";
  recordId: string;
  name: string | null;
  address: string | null;
  status: RecipientStatus;
  skipReason: SkipReason | null;
  attempts: number;
  lastError: string | null;
  providerMessageId: string | null;
  sentAt: string | null;
}

export interface Page<T> {
  items: T[];
  total: number;
}

export interface WhatsAppConnectionInput {
  name?: unknown;
  baseUrl?: unknown;
  phoneNumberId?: unknown;
  token?: unknown;
  status?: unknown;
}

/** A WhatsApp connection as every reader sees it: never the token, only that one is set. */
export interface WhatsAppConnection {
  id: string;
  number: number;
  name: string;
  baseUrl: string;
  phoneNumberId: string;
  hasToken: true;
  status: "active" | "disabled";
  createdAt: string;
  updatedAt: string;
}
