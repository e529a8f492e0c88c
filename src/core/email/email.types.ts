/** Email connections (the mailboxes a workspace sends through) and outbound emails, as the core hands them out. */

/** A label of where the mailbox lives; every channel sends over SMTP with the connection's settings. */
export const EMAIL_CHANNELS = ["smtp", "gmail", "outlook"] as const;
export type EmailChannel = (typeof EMAIL_CHANNELS)[number];

export const CONNECTION_STATUSES = ["active", "disabled"] as const;
export type ConnectionStatus = (typeof CONNECTION_STATUSES)[number];

export const OUTBOUND_STATUSES = ["queued", "sending", "sent", "failed"] as const;
export type OutboundStatus = (typeof OUTBOUND_STATUSES)[number];

export const EMAIL_LIMITS = {
  name: 100,
  fromName: 100,
  host: 253,
  username: 254,
  password: 1024,
  subject: 500,
  /** Bytes of HTML per message. */
  html: 1_000_000,
  perWorkspace: 50,
} as const;

/** A connection as every reader sees it: the password is never in it, only whether one is set. */
export interface EmailConnection {
  id: string;
  number: number;
  channel: EmailChannel;
  name: string;
  fromEmail: string;
  fromName: string | null;
  host: string;
  port: number;
  secure: boolean;
  username: string | null;
  hasPassword: boolean;
  status: ConnectionStatus;
  createdAt: string;
  updatedAt: string;
}

/**
 * Writable fields. On create, absent means the default (channel, name, fromEmail, host and port
 * are required; secure defaults to port 465; status to active); on update, absent means unchanged
 * and a null password removes it.
 */
export interface EmailConnectionInput {
  channel?: string;
  name?: string;
  fromEmail?: string;
  fromName?: string | null;
  host?: string;
  port?: number;
  secure?: boolean;
  username?: string | null;
  password?: string | null;
  status?: string;
}

/** A record named by its UUID (string) or its per-workspace number. */
export type RecordId = string | number;

export interface OutboundEmailInput {
  connectionId: RecordId;
  leadId?: RecordId | null;
  contactId?: RecordId | null;
  /** Defaults to the lead's (or contact's) email address. */
  to?: string | null;
  subject: string;
  html: string;
}

export interface OutboundEmail {
  id: string;
  number: number;
  connectionId: string;
  connectionNumber: number;
  leadId: string | null;
  leadNumber: number | null;
  contactId: string | null;
  contactNumber: number | null;
  to: string;
  subject: string;
  status: OutboundStatus;
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  messageId: string | null;
  /** The `email` activity recorded once the message was sent or failed. */
  activityId: string | null;
  activityNumber: number | null;
  createdAt: string;
  updatedAt: string;
  sentAt: string | null;
}
