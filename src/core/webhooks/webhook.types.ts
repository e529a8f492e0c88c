/** Webhook registrations and their deliveries as the core hands them out (never with a secret). */
import { CRMLEADPRO_WEBHOOK_EVENTS } from "./crmleadpro-payloads.js";
import { VALETHON_EVENT_OF } from "./deliveries.js";

/** The events a webhook may subscribe to (Valethon's 13 and Kith's 3 chat events), or `*` for all of them. */
export const WEBHOOK_EVENTS: readonly string[] = [...new Set(Object.values(VALETHON_EVENT_OF))];
export const ALL_EVENTS = "*";

/** Whose events, payload and signature a webhook gets (the `webhooks.dialect` column). */
export type WebhookDialect = "valethon" | "crmleadpro";

/** The events a webhook of each dialect may subscribe to (besides `*`). */
export const WEBHOOK_EVENTS_OF: Readonly<Record<WebhookDialect, readonly string[]>> = {
  valethon: WEBHOOK_EVENTS,
  crmleadpro: CRMLEADPRO_WEBHOOK_EVENTS,
};

export const WEBHOOK_LIMITS = {
  /** Registrations per workspace (deleted ones excluded). */
  perWorkspace: 100,
  urlLength: 2048,
  secretMin: 16,
  secretMax: 256,
  /** Rotation overlap: both secrets sign deliveries for this long. */
  overlapHoursDefault: 24,
  overlapHoursMax: 168,
} as const;

export interface Webhook {
  id: string;
  dialect: WebhookDialect;
  number: number;
  url: string;
  events: string[];
  active: boolean;
  disabledAt: string | null;
  disabledReason: string | null;
  failingSince: string | null;
  /** When the previous secret stops signing (a rotation's overlap), if one is still in use. */
  previousSecretExpiresAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Returned by create and rotate only: the one time the plain secret is shown. */
export interface WebhookWithSecret extends Webhook {
  secret: string;
}

export interface WebhookInput {
  url?: string;
  events?: string[];
  /** Create only: the secret to sign with; generated (`whsec_…`) when absent. */
  secret?: string;
  active?: boolean;
}

export type DeliveryStatus = "pending" | "succeeded" | "failed" | "cancelled";
export const DELIVERY_STATUSES: readonly DeliveryStatus[] = ["pending", "succeeded", "failed", "cancelled"];

export interface DeliveryAttempt {
  attempt: number;
  startedAt: string;
  durationMs: number;
  statusCode: number | null;
  error: string | null;
  responseBody: string | null;
}

export interface Delivery {
  id: string;
  webhookId: string;
  event: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
  attemptLog: DeliveryAttempt[];
}

export interface Page<T> {
  items: T[];
  total: number;
}
