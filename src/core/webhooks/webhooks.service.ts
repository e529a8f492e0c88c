/**
 * The only writer of webhook registrations (and of test deliveries and redeliveries). Each write
 * commits with its event (`webhook.created`, `webhook.updated`, `webhook.deleted`,
 * `webhook.secret_rotated`, whose data never carries a secret). Secrets are stored sealed with the
 * server secret and shown once: on creation and on rotation.
 */
import type { Selectable } from "kysely";
import type { WebhookTable } from "../../db/schema.js";
import type { Core, Executor, Scope, Trx } from "../core.js";
import { allocateNumber, countLive, releaseLive } from "../counters.js";
import { conflict, notFound, validationError } from "../errors.js";
import { appendEvent, type Changes } from "../events.js";
import { isUuid, newId } from "../ids.js";
import { cancelPendingIn } from "./deliveries.js";
import { generateWebhookSecret, sealSecret, unsignedPayload } from "./signing.js";
import {
  ALL_EVENTS,
  type Delivery,
  type DeliveryStatus,
  type Page,
  WEBHOOK_EVENTS_OF,
  WEBHOOK_LIMITS,
  type Webhook,
  type WebhookDialect,
  type WebhookInput,
  type WebhookWithSecret,
} from "./webhook.types.js";
import { checkWebhookUrl } from "./webhook-url.js";

/** What the service needs besides the core: the key that seals secrets, and the URL policy. */
export interface WebhookSettings {
  serverSecret: string;
  /** KITH_WEBHOOK_ALLOW_PRIVATE: accept loopback/private URLs (tests, local development). */
  allowPrivate: boolean;
}

const COUNTER = "webhooks";
const DELIVERY_COUNTER = "webhook_deliveries";

type WebhookRow = Selectable<WebhookTable>;

function parseEvents(stored: string): string[] {
  try {
    const parsed: unknown = JSON.parse(stored);
    return Array.isArray(parsed) ? parsed.map(String) : [];
  } catch {
    return [];
  }
}

function toWebhook(row: WebhookRow, now: Date): Webhook {
  const overlapOpen =
    row.previous_secret !== null &&
    row.previous_secret_expires_at !== null &&
    new Date(row.previous_secret_expires_at).getTime() > now.getTime();
  return {
    id: row.id,
    dialect: row.dialect as WebhookDialect,
    number: Number(row.seq),
    url: row.url,
    events: parseEvents(row.events),
    active: Number(row.active) === 1,
    disabledAt: row.disabled_at,
    disabledReason: row.disabled_reason,
    failingSince: row.failing_since,
    previousSecretExpiresAt: overlapOpen ? row.previous_secret_expires_at : null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** What webhook events carry: the registration, never a secret. */
const eventData = (webhook: Webhook) => ({
  id: webhook.id,
  webhook_id: webhook.number,
  url: webhook.url,
  events: webhook.events,
  active: webhook.active,
  created_at: webhook.createdAt,
  updated_at: webhook.updatedAt,
});

function checkEvents(events: unknown, dialect: WebhookDialect): string[] {
  const WEBHOOK_EVENTS = WEBHOOK_EVENTS_OF[dialect];
  if (!Array.isArray(events) || events.length === 0) {
    throw validationError("events", `must be a non-empty array of: ${WEBHOOK_EVENTS.join(", ")} (or "*")`);
  }
  const out: string[] = [];
  for (const event of events) {
    if (typeof event !== "string" || (event !== ALL_EVENTS && !WEBHOOK_EVENTS.includes(event))) {
      throw validationError(
        "events",
        `unknown event ${JSON.stringify(event)}; allowed: ${WEBHOOK_EVENTS.join(", ")} (or "*")`,
      );
    }
    if (!out.includes(event)) out.push(event);
  }
  // "*" subsumes every other entry.
  return out.includes(ALL_EVENTS) ? [ALL_EVENTS] : out;
}

function checkSecret(secret: unknown): string {
  if (typeof secret !== "string") throw validationError("secret", "must be a string");
  if (secret.length < WEBHOOK_LIMITS.secretMin || secret.length > WEBHOOK_LIMITS.secretMax) {
    throw validationError(
      "secret",
      `must be ${WEBHOOK_LIMITS.secretMin} to ${WEBHOOK_LIMITS.secretMax} characters`,
    );
  }
  if (!/^[\x21-\x7e]+$/.test(secret))
    throw validationError("secret", "must be printable ASCII without spaces");
  return secret;
}

async function checkUrl(url: unknown, settings: WebhookSettings): Promise<string> {
  if (typeof url !== "string") throw validationError("url", "is required");
  return (await checkWebhookUrl(url, settings.allowPrivate)).href;
}

/** A webhook by its number (Valethon) or its UUID (CRMLead Pro). */
export type WebhookRef = number | { id: string };

/** A live webhook of this workspace and dialect: one dialect never sees another's webhooks. */
async function findRow(
  db: Executor,
  scope: Scope,
  ref: WebhookRef,
  dialect: WebhookDialect,
): Promise<WebhookRow | undefined> {
  if (typeof ref !== "number" && !isUuid(ref.id)) return undefined;
  let query = db
    .selectFrom("webhooks")
    .selectAll()
    .where("workspace_id", "=", scope.workspaceId)
    .where("dialect", "=", dialect)
    .where("deleted_at", "is", null);
  query = typeof ref === "number" ? query.where("seq", "=", ref) : query.where("id", "=", ref.id);
  return query.executeTakeFirst();
}

async function requireRow(
  db: Executor,
  scope: Scope,
  ref: WebhookRef,
  dialect: WebhookDialect = "valethon",
): Promise<WebhookRow> {
  const row = await findRow(db, scope, ref, dialect);
  if (!row) throw notFound("webhook");
  return row;
}

export async function listWebhooks(
  core: Core,
  scope: Scope,
  dialect: WebhookDialect = "valethon",
): Promise<Webhook[]> {
  const rows = await core.db
    .selectFrom("webhooks")
    .selectAll()
    .where("workspace_id", "=", scope.workspaceId)
    .where("dialect", "=", dialect)
    .where("deleted_at", "is", null)
    .orderBy("seq")
    .execute();
  const now = core.clock.now();
  return rows.map((row) => toWebhook(row, now));
}

export async function getWebhook(core: Core, scope: Scope, number: number): Promise<Webhook> {
  return toWebhook(await requireRow(core.db, scope, number), core.clock.now());
}

export async function createWebhook(
  core: Core,
  scope: Scope,
  settings: WebhookSettings,
  input: WebhookInput,
  dialect: WebhookDialect = "valethon",
): Promise<WebhookWithSecret> {
  const events = checkEvents(input.events, dialect);
  const secret = input.secret === undefined ? generateWebhookSecret() : checkSecret(input.secret);
  const url = await checkUrl(input.url, settings);
  const active = input.active ?? true;
  const now = core.clock.now();
  const at = now.toISOString();
  return core.db.transaction().execute(async (trx) => {
    if ((await countLive(trx, scope.workspaceId, COUNTER)) >= WEBHOOK_LIMITS.perWorkspace) {
      throw conflict(`a workspace may have at most ${WEBHOOK_LIMITS.perWorkspace} webhooks`);
    }
    const id = newId();
    const seq = await allocateNumber(trx, scope.workspaceId, COUNTER);
    const row: WebhookRow = {
      id,
      workspace_id: scope.workspaceId,
      seq,
      dialect,
      url,
      events: JSON.stringify(events),
      secret: sealSecret(settings.serverSecret, secret),
      previous_secret: null,
      previous_secret_expires_at: null,
      active: active ? 1 : 0,
      disabled_at: null,
      disabled_reason: null,
      failing_since: null,
      created_at: at,
      updated_at: at,
      deleted_at: null,
    };
    await trx.insertInto("webhooks").values(row).execute();
    const webhook = toWebhook(row, now);
    await appendEvent(trx, scope, at, {
      type: "webhook.created",
      entityType: "webhook",
      entityId: id,
      data: eventData(webhook),
    });
    return { ...webhook, secret };
  });
}

/**
 * Partial update of url, events and active. Deactivating cancels the pending deliveries;
 * re-activating clears the automatic disabling (disabled_at, disabled_reason, failing_since).
 */
export async function updateWebhook(
  core: Core,
  scope: Scope,
  settings: WebhookSettings,
  number: number,
  input: WebhookInput,
): Promise<Webhook> {
  if (input.secret !== undefined) {
    throw validationError("secret", "cannot be changed by an update; rotate the secret instead");
  }
  const url = input.url === undefined ? undefined : await checkUrl(input.url, settings);
  const events = input.events === undefined ? undefined : checkEvents(input.events, "valethon");
  const now = core.clock.now();
  const at = now.toISOString();
  return core.db.transaction().execute(async (trx) => {
    const before = await requireRow(trx, scope, number);
    const was = toWebhook(before, now);
    const changes: Changes = {};
    const set: Partial<WebhookRow> = {};
    if (url !== undefined && url !== before.url) {
      set.url = url;
      changes.url = { from: before.url, to: url };
    }
    if (events !== undefined && JSON.stringify(events) !== JSON.stringify(was.events)) {
      set.events = JSON.stringify(events);
      changes.events = { from: was.events, to: events };
    }
    if (input.active !== undefined && input.active !== was.active) {
      set.active = input.active ? 1 : 0;
      changes.active = { from: was.active, to: input.active };
      if (input.active) {
        set.disabled_at = null;
        set.disabled_reason = null;
        set.failing_since = null;
      } else {
        set.disabled_at = at;
        set.disabled_reason = "deactivated through the API";
        await cancelPendingIn(trx, before.id, at);
      }
    }
    if (Object.keys(changes).length === 0) return was;
    set.updated_at = at;
    await trx.updateTable("webhooks").set(set).where("id", "=", before.id).execute();
    const webhook = toWebhook({ ...before, ...set }, now);
    await appendEvent(trx, scope, at, {
      type: "webhook.updated",
      entityType: "webhook",
      entityId: webhook.id,
      data: { ...eventData(webhook), changes },
    });
    return webhook;
  });
}

/** Soft delete: the row stays for the delivery log; its pending deliveries are cancelled. */
export async function deleteWebhook(
  core: Core,
  scope: Scope,
  ref: WebhookRef,
  dialect: WebhookDialect = "valethon",
): Promise<Webhook> {
  const now = core.clock.now();
  const at = now.toISOString();
  return core.db.transaction().execute(async (trx) => {
    const row = await requireRow(trx, scope, ref, dialect);
    await trx
      .updateTable("webhooks")
      .set({ deleted_at: at, updated_at: at, active: 0 })
      .where("id", "=", row.id)
      .execute();
    await releaseLive(trx, scope.workspaceId, COUNTER);
    await cancelPendingIn(trx, row.id, at);
    const webhook = toWebhook({ ...row, updated_at: at, active: 0 }, now);
    await appendEvent(trx, scope, at, {
      type: "webhook.deleted",
      entityType: "webhook",
      entityId: row.id,
      data: eventData(webhook),
    });
    return webhook;
  });
}

/**
 * Replaces the signing secret with a new generated one. The old secret keeps signing (a second
 * `webhook-signature` entry) for `overlapHours` (0: stops at once), so receivers can switch over.
 */
export async function rotateWebhookSecret(
  core: Core,
  scope: Scope,
  settings: WebhookSettings,
  number: number,
  options: { overlapHours?: number } = {},
): Promise<WebhookWithSecret> {
  const overlapHours = options.overlapHours ?? WEBHOOK_LIMITS.overlapHoursDefault;
  if (!Number.isFinite(overlapHours) || overlapHours < 0 || overlapHours > WEBHOOK_LIMITS.overlapHoursMax) {
    throw validationError("overlapHours", `must be between 0 and ${WEBHOOK_LIMITS.overlapHoursMax}`);
  }
  const secret = generateWebhookSecret();
  const now = core.clock.now();
  const at = now.toISOString();
  const expiresAt = new Date(now.getTime() + overlapHours * 3_600_000).toISOString();
  return core.db.transaction().execute(async (trx) => {
    const row = await requireRow(trx, scope, number);
    const set = {
      secret: sealSecret(settings.serverSecret, secret),
      previous_secret: overlapHours > 0 ? row.secret : null,
      previous_secret_expires_at: overlapHours > 0 ? expiresAt : null,
      updated_at: at,
    };
    await trx.updateTable("webhooks").set(set).where("id", "=", row.id).execute();
    const webhook = toWebhook({ ...row, ...set }, now);
    await appendEvent(trx, scope, at, {
      type: "webhook.secret_rotated",
      entityType: "webhook",
      entityId: row.id,
      data: { ...eventData(webhook), previous_secret_expires_at: webhook.previousSecretExpiresAt },
    });
    return { ...webhook, secret };
  });
}

/**
 * Queues a `webhook.test` delivery to this webhook only (not through the event stream, so no
 * other subscriber sees it). Its payload is stored unsigned, like every delivery.
 */
export async function sendTestEvent(
  core: Core,
  scope: Scope,
  number: number,
): Promise<{ deliveryId: string }> {
  const now = core.clock.now();
  const at = now.toISOString();
  return core.db.transaction().execute(async (trx) => {
    const row = await requireRow(trx, scope, number);
    if (Number(row.active) !== 1) throw conflict("the webhook is not active; activate it first", "active");
    const id = newId();
    const timestamp = `${at.slice(0, 19)}Z`;
    const payload = unsignedPayload("webhook.test", timestamp, {
      webhook_id: Number(row.seq),
      message: "This is a test event sent from Kith.",
    });
    await trx
      .insertInto("webhook_deliveries")
      .values({
        id,
        workspace_id: scope.workspaceId,
        webhook_id: row.id,
        seq: await allocateNumber(trx, scope.workspaceId, DELIVERY_COUNTER),
        // No event row: a test is not a domain event. A fresh id keeps (webhook, event) unique.
        event_id: newId(),
        event_type: "webhook.test",
        payload,
        status: "pending",
        attempts: 0,
        next_attempt_at: at,
        created_at: at,
        updated_at: at,
      })
      .execute();
    return { deliveryId: id };
  });
}

export interface DeliveryQuery {
  page: number;
  perPage: number;
  status?: DeliveryStatus;
}

/** A webhook's deliveries, newest first, each with its attempt log. */
export async function listDeliveries(
  core: Core,
  scope: Scope,
  number: number,
  query: DeliveryQuery,
): Promise<Page<Delivery>> {
  const row = await requireRow(core.db, scope, number);
  let base = core.db
    .selectFrom("webhook_deliveries")
    .where("workspace_id", "=", scope.workspaceId)
    .where("webhook_id", "=", row.id);
  if (query.status) base = base.where("status", "=", query.status);
  const [{ total }] = (await base.select((eb) => eb.fn.countAll<number>().as("total")).execute()) as [
    { total: number },
  ];
  const rows = await base
    .selectAll()
    .orderBy("created_at", "desc")
    .orderBy("seq", "desc")
    .limit(query.perPage)
    .offset((query.page - 1) * query.perPage)
    .execute();
  const attempts = rows.length
    ? await core.db
        .selectFrom("webhook_attempts")
        .selectAll()
        .where(
          "delivery_id",
          "in",
          rows.map((r) => r.id),
        )
        .orderBy("attempt")
        .execute()
    : [];
  const items: Delivery[] = rows.map((r) => ({
    id: r.id,
    webhookId: row.id,
    event: r.event_type,
    status: r.status,
    attempts: Number(r.attempts),
    nextAttemptAt: r.next_attempt_at,
    lastStatusCode: r.last_status_code === null ? null : Number(r.last_status_code),
    lastError: r.last_error,
    createdAt: r.created_at,
    deliveredAt: r.delivered_at,
    attemptLog: attempts
      .filter((a) => a.delivery_id === r.id)
      .map((a) => ({
        attempt: Number(a.attempt),
        startedAt: a.started_at,
        durationMs: Number(a.duration_ms),
        statusCode: a.status_code === null ? null : Number(a.status_code),
        error: a.error,
        responseBody: a.response_body,
      })),
  }));
  return { items, total: Number(total) };
}

/**
 * Sends one delivery again: the same delivery (so the same `webhook-id`), pending and due now.
 * Its webhook must still exist and be active.
 */
export async function redeliver(
  core: Core,
  scope: Scope,
  deliveryId: string,
): Promise<{ deliveryId: string }> {
  if (!isUuid(deliveryId)) throw notFound("delivery");
  const at = core.clock.now().toISOString();
  return core.db.transaction().execute(async (trx: Trx) => {
    const delivery = await trx
      .selectFrom("webhook_deliveries as d")
      .innerJoin("webhooks as w", "w.id", "d.webhook_id")
      .select(["d.id", "d.status", "w.active", "w.deleted_at"])
      .where("d.id", "=", deliveryId)
      .where("d.workspace_id", "=", scope.workspaceId)
      .where("w.dialect", "=", "valethon")
      .executeTakeFirst();
    if (!delivery || delivery.deleted_at !== null) throw notFound("delivery");
    if (Number(delivery.active) !== 1)
      throw conflict("the webhook is not active; activate it first", "active");
    await trx
      .updateTable("webhook_deliveries")
      // A claim is left alone: an attempt in flight finishes and records itself first.
      .set({ status: "pending", next_attempt_at: at, updated_at: at })
      .where("id", "=", delivery.id)
      .execute();
    return { deliveryId: delivery.id };
  });
}
