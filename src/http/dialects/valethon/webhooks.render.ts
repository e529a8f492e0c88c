/** Renders core webhooks and deliveries in Valethon's shape (integer webhook ids, snake_case). */
import type { Delivery, Webhook, WebhookWithSecret } from "../../../core/webhooks/webhook.types.js";
import { renderOptionalTime, renderTime } from "./envelope.js";

export function renderWebhook(webhook: Webhook) {
  return {
    webhook_id: webhook.number,
    uuid: webhook.id,
    url: webhook.url,
    events: webhook.events,
    active: webhook.active,
    created_at: renderTime(webhook.createdAt),
    updated_at: renderTime(webhook.updatedAt),
    disabled_reason: webhook.disabledReason,
  };
}

export function renderWebhookDetails(webhook: Webhook) {
  return {
    ...renderWebhook(webhook),
    disabled_at: renderOptionalTime(webhook.disabledAt),
    failing_since: renderOptionalTime(webhook.failingSince),
    previous_secret_expires_at: renderOptionalTime(webhook.previousSecretExpiresAt),
  };
}

/** The creation answer: the only rendering that carries the secret. */
export function renderCreatedWebhook(webhook: WebhookWithSecret) {
  return {
    webhook_id: webhook.number,
    uuid: webhook.id,
    url: webhook.url,
    events: webhook.events,
    active: webhook.active,
    secret: webhook.secret,
    created_at: renderTime(webhook.createdAt),
  };
}

export function renderDelivery(delivery: Delivery) {
  return {
    delivery_id: delivery.id,
    event: delivery.event,
    status: delivery.status,
    attempts: delivery.attempts,
    last_status_code: delivery.lastStatusCode,
    created_at: renderTime(delivery.createdAt),
    delivered_at: renderOptionalTime(delivery.deliveredAt),
    next_attempt_at: renderOptionalTime(delivery.nextAttemptAt),
    attempt_log: delivery.attemptLog.map((attempt) => ({
      attempt: attempt.attempt,
      started_at: renderTime(attempt.startedAt),
      duration_ms: attempt.durationMs,
      status_code: attempt.statusCode,
      error: attempt.error,
      response_body: attempt.responseBody,
    })),
  };
}
