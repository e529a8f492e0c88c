/**
 * Webhook deliveries: turning the event stream into deliveries (fan-out), claiming due deliveries
 * for a worker, and recording the outcome of each attempt.
 *
 * Fan-out reads the `events` table after the `outbox_cursors` row "webhooks", in position order,
 * and inserts one `webhook_deliveries` row per (subscribed webhook, event) — `on conflict do
 * nothing` on (webhook_id, event_id), so a re-run never duplicates — and advances the cursor, all
 * in one transaction. On PostgreSQL the cursor row is locked (`select … for update`), so one worker
 * fans out at a time; SQLite has a single writer anyway.
 *
 * The payload stored on a delivery is the Valethon body without its signature:
 * `{"event": "<valethon event>", "timestamp": "<event time, ISO 8601 UTC>", "data": <the event's data>}`
 * where data is the core record as the event recorded it (plus `changes` for updates). The
 * signature is added at send time (see signing.ts), because it depends on the current secret.
 *
 * A webhook's `dialect` decides its events and payload: `valethon` as above; `crmleadpro` as
 * crmleadpro-payloads.ts renders them (the stored payload is then the exact body sent).
 */
import type { WebhookDeliveryTable } from "../../db/schema.js";
import type { Core, Trx } from "../core.js";
import { allocateNumber } from "../counters.js";
import { appendEvent } from "../events.js";
import { newId } from "../ids.js";
import { crmleadproEventOf, crmleadproPayload, stageIdsOf } from "./crmleadpro-payloads.js";
import { unsignedPayload } from "./signing.js";

/** Core event type → Valethon webhook event. Core events not listed are not delivered. */
export const VALETHON_EVENT_OF: Readonly<Record<string, string>> = {
  "lead.created": "lead.created",
  "lead.updated": "lead.updated",
  "lead.converted": "lead.converted",
  "lead.deleted": "lead.deleted",
  "opportunity.created": "opportunity.created",
  "opportunity.stage_changed": "opportunity.stage_changed",
  "opportunity.won": "opportunity.won",
  "opportunity.lost": "opportunity.lost",
  "contact.created": "contact.created",
  "contact.updated": "contact.updated",
  "company.created": "prospect.created",
  "company.converted": "prospect.converted",
  "activity.completed": "activity.completed",
  // Kith's website chat.
  "conversation.created": "conversation.created",
  "conversation.message_created": "conversation.message_created",
  "conversation.closed": "conversation.closed",
};

export const WEBHOOK_CURSOR = "webhooks";
const COUNTER_ENTITY = "webhook_deliveries";

/**
 * On PostgreSQL, positions come from a sequence and are handed out before commit, so a later
 * position can become visible before an earlier one. A hole in the positions is therefore waited
 * for (up to this long) before fan-out moves past it; a hole left by a rolled-back transaction is
 * skipped once the grace has passed. SQLite commits one writer at a time, so it has no such holes.
 */
export const GAP_GRACE_MS = 3_000;

export interface FanOutOptions {
  batchSize?: number;
  /**
   * When each hole in the positions was first seen (kept by the caller between runs). The
   * dispatcher always passes one, from the very first event on: even the first batch may have a
   * hole that a transaction in flight is about to fill.
   */
  gaps?: Map<number, number>;
}

interface EventRow {
  position: number;
  id: string;
  workspace_id: string;
  type: string;
  data: string;
  created_at: string;
}

interface SubscribedWebhook {
  id: string;
  dialect: string;
  events: string[];
}

/** Fans the next batch of events out into deliveries; returns how many deliveries were created. */
export async function fanOutEvents(
  core: Core,
  options: FanOutOptions = {},
): Promise<{ events: number; deliveries: number }> {
  const batchSize = options.batchSize ?? 500;
  const now = core.clock.now();
  const at = now.toISOString();
  // Create the cursor at 0 (before every event) so nothing committed is ever skipped.
  await core.db
    .insertInto("outbox_cursors")
    .values({ name: WEBHOOK_CURSOR, position: 0, updated_at: at })
    .onConflict((conflict) => conflict.column("name").doNothing())
    .execute();

  return core.db.transaction().execute(async (trx) => {
    let cursorQuery = trx.selectFrom("outbox_cursors").select("position").where("name", "=", WEBHOOK_CURSOR);
    if (core.engine === "postgres") cursorQuery = cursorQuery.forUpdate();
    const cursor = Number((await cursorQuery.executeTakeFirstOrThrow()).position);

    const events = (await trx
      .selectFrom("events")
      .select(["position", "id", "workspace_id", "type", "data", "created_at"])
      .where("position", ">", cursor)
      .orderBy("position")
      .limit(batchSize)
      .execute()) as EventRow[];
    if (events.length === 0) return { events: 0, deliveries: 0 };

    // Stop before a hole that may still be filled by a transaction in flight (PostgreSQL only).
    const ready: EventRow[] = [];
    let expected = cursor + 1;
    for (const event of events) {
      const position = Number(event.position);
      // Without a record of holes (a one-off run) there is nothing to wait with, so it proceeds.
      if (core.engine === "postgres" && options.gaps && position !== expected) {
        const seen = options.gaps.get(expected);
        if (seen === undefined) {
          options.gaps.set(expected, Date.now());
          break;
        }
        if (Date.now() - seen < GAP_GRACE_MS) break;
        options.gaps.delete(expected);
      }
      ready.push(event);
      expected = position + 1;
    }
    if (ready.length === 0) return { events: 0, deliveries: 0 };

    const webhooksOf = new Map<string, SubscribedWebhook[]>();
    const workspaces = [...new Set(ready.map((event) => event.workspace_id))];
    const rows = await trx
      .selectFrom("webhooks")
      .select(["id", "workspace_id", "dialect", "events"])
      .where("workspace_id", "in", workspaces)
      .where("active", "=", 1)
      .where("deleted_at", "is", null)
      .orderBy("seq")
      .execute();
    for (const row of rows) {
      const list = webhooksOf.get(row.workspace_id) ?? [];
      list.push({ id: row.id, dialect: row.dialect, events: parseEvents(row.events) });
      webhooksOf.set(row.workspace_id, list);
    }

    const stageKeys = rows.some((row) => row.dialect === "crmleadpro")
      ? await stageKeysOf(trx, ready)
      : new Map<string, string>();

    let deliveries = 0;
    for (const event of ready) {
      deliveries += await fanOutCrmLeadPro(
        trx,
        event,
        webhooksOf.get(event.workspace_id) ?? [],
        stageKeys,
        at,
      );
      const valethonEvent = VALETHON_EVENT_OF[event.type];
      if (!valethonEvent) continue;
      for (const webhook of webhooksOf.get(event.workspace_id) ?? []) {
        if (webhook.dialect !== "valethon") continue;
        if (!webhook.events.includes("*") && !webhook.events.includes(valethonEvent)) continue;
        const payload = unsignedPayload(valethonEvent, isoSeconds(event.created_at), JSON.parse(event.data));
        const inserted = await insertDelivery(trx, {
          id: newId(),
          workspace_id: event.workspace_id,
          webhook_id: webhook.id,
          seq: await allocateNumber(trx, event.workspace_id, COUNTER_ENTITY),
          event_id: event.id,
          event_type: valethonEvent,
          payload,
          at,
        });
        deliveries += inserted;
      }
    }

    const last = Number(ready[ready.length - 1]!.position);
    await trx
      .updateTable("outbox_cursors")
      .set({ position: last, updated_at: at })
      .where("name", "=", WEBHOOK_CURSOR)
      .execute();
    return { events: ready.length, deliveries };
  });
}

/** The keys of the stages the batch's lead events name, by stage id (one query). */
async function stageKeysOf(trx: Trx, events: EventRow[]): Promise<Map<string, string>> {
  const ids = new Set<string>();
  for (const event of events) {
    if (event.type !== "lead.created" && event.type !== "lead.updated") continue;
    for (const id of stageIdsOf(event.type, JSON.parse(event.data))) ids.add(id);
  }
  if (ids.size === 0) return new Map();
  const rows = await trx
    .selectFrom("pipeline_stages")
    .select(["id", "key"])
    .where("id", "in", [...ids])
    .execute();
  return new Map(rows.map((row) => [row.id, row.key]));
}

/** The deliveries of one event to the workspace's CRMLead Pro webhooks. */
async function fanOutCrmLeadPro(
  trx: Trx,
  event: EventRow,
  webhooks: SubscribedWebhook[],
  stageKeys: ReadonlyMap<string, string>,
  at: string,
): Promise<number> {
  const subscribed = webhooks.filter((webhook) => webhook.dialect === "crmleadpro");
  if (subscribed.length === 0) return 0;
  const data = JSON.parse(event.data) as Record<string, unknown>;
  const name = crmleadproEventOf(event.type, data);
  if (!name) return 0;
  let payload: string | undefined;
  let inserted = 0;
  for (const webhook of subscribed) {
    if (!webhook.events.includes("*") && !webhook.events.includes(name)) continue;
    payload ??= crmleadproPayload(name, isoSeconds(event.created_at), data, stageKeys);
    inserted += await insertDelivery(trx, {
      id: newId(),
      workspace_id: event.workspace_id,
      webhook_id: webhook.id,
      seq: await allocateNumber(trx, event.workspace_id, COUNTER_ENTITY),
      event_id: event.id,
      event_type: name,
      payload,
      at,
    });
  }
  return inserted;
}

function parseEvents(stored: string): string[] {
  try {
    const parsed = JSON.parse(stored);
    return Array.isArray(parsed) ? parsed.map(String) : [];
  } catch {
    return [];
  }
}

/** Valethon shows times to the second (`2026-03-13T10:00:00Z`). */
const isoSeconds = (stored: string) => `${new Date(stored).toISOString().slice(0, 19)}Z`;

async function insertDelivery(
  trx: Trx,
  row: {
    id: string;
    workspace_id: string;
    webhook_id: string;
    seq: number;
    event_id: string;
    event_type: string;
    payload: string;
    at: string;
  },
): Promise<number> {
  const result = await trx
    .insertInto("webhook_deliveries")
    .values({
      id: row.id,
      workspace_id: row.workspace_id,
      webhook_id: row.webhook_id,
      seq: row.seq,
      event_id: row.event_id,
      event_type: row.event_type,
      payload: row.payload,
      status: "pending",
      attempts: 0,
      next_attempt_at: row.at,
      created_at: row.at,
      updated_at: row.at,
    })
    .onConflict((conflict) => conflict.columns(["webhook_id", "event_id"]).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n);
}

export type ClaimedDelivery = Pick<
  WebhookDeliveryTable,
  "id" | "workspace_id" | "webhook_id" | "event_id" | "event_type" | "payload" | "attempts"
>;

/**
 * Claims up to `limit` due deliveries (pending, due, unclaimed or with an expired claim) for
 * `workerId` until `claimUntil`. PostgreSQL skips rows another worker is claiming at the same
 * moment (`for update skip locked`); on SQLite the single UPDATE … RETURNING is atomic.
 */
export async function claimDueDeliveries(
  core: Core,
  options: { workerId: string; limit: number; claimSeconds: number; excludeWebhooks?: string[] },
): Promise<ClaimedDelivery[]> {
  if (options.limit <= 0) return [];
  const now = core.clock.now();
  const at = now.toISOString();
  const until = new Date(now.getTime() + options.claimSeconds * 1000).toISOString();
  const exclude = options.excludeWebhooks ?? [];
  const rows = await core.db
    .updateTable("webhook_deliveries")
    .set({ claimed_by: options.workerId, claimed_until: until })
    .where("id", "in", (eb) => {
      let due = eb
        .selectFrom("webhook_deliveries as due")
        .select("due.id")
        .where("due.status", "=", "pending")
        .where("due.next_attempt_at", "<=", at)
        .where((w) => w.or([w("due.claimed_until", "is", null), w("due.claimed_until", "<", at)]));
      if (exclude.length) due = due.where("due.webhook_id", "not in", exclude);
      due = due.orderBy("due.next_attempt_at").limit(options.limit);
      if (core.engine === "postgres") due = due.forUpdate().skipLocked();
      return due;
    })
    // The claim is re-checked here too: on PostgreSQL the subquery's rows are locked, and a row
    // claimed in between by another worker no longer qualifies.
    .where("status", "=", "pending")
    .where((w) => w.or([w("claimed_until", "is", null), w("claimed_until", "<", at)]))
    .returning(["id", "workspace_id", "webhook_id", "event_id", "event_type", "payload", "attempts"])
    .execute();
  return rows;
}

/** Gives back claims a worker took but will not use now (the rows become claimable at once). */
export async function releaseClaims(core: Core, workerId: string, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await core.db
    .updateTable("webhook_deliveries")
    .set({ claimed_by: null, claimed_until: null })
    .where("id", "in", ids)
    .where("claimed_by", "=", workerId)
    .execute();
}

export interface AttemptRecord {
  deliveryId: string;
  webhookId: string;
  workspaceId: string;
  /** 1-based number of this attempt. */
  attempt: number;
  startedAt: Date;
  durationMs: number;
  statusCode: number | null;
  responseBody: string | null;
  error: string | null;
}

export type AttemptOutcome =
  | { kind: "succeeded" }
  | { kind: "gone" }
  | { kind: "retry"; nextAttemptAt: Date }
  | { kind: "failed" };

/** How long a webhook may keep failing before it is disabled. */
export const DISABLE_AFTER_FAILING_MS = 3 * 24 * 60 * 60 * 1000;

/**
 * Records one attempt and its consequence, in one transaction: the attempt log row, the delivery's
 * new state, and the webhook's failure tracking (a success clears `failing_since`; 410, or failing
 * for more than three days, disables the webhook, cancels its pending deliveries and appends
 * `webhook.disabled`).
 */
export async function recordAttempt(
  core: Core,
  record: AttemptRecord,
  outcome: AttemptOutcome,
): Promise<void> {
  const now = core.clock.now();
  const at = now.toISOString();
  await core.db.transaction().execute(async (trx) => {
    await trx
      .insertInto("webhook_attempts")
      .values({
        id: newId(),
        delivery_id: record.deliveryId,
        attempt: record.attempt,
        started_at: record.startedAt.toISOString(),
        duration_ms: Math.max(0, Math.round(record.durationMs)),
        status_code: record.statusCode,
        response_body: record.responseBody,
        error: record.error,
      })
      .execute();

    const common = {
      attempts: record.attempt,
      last_status_code: record.statusCode,
      last_error: record.error,
      claimed_by: null,
      claimed_until: null,
      updated_at: at,
    };
    const delivery = trx.updateTable("webhook_deliveries").where("id", "=", record.deliveryId);
    switch (outcome.kind) {
      case "succeeded":
        await delivery
          .set({ ...common, status: "succeeded", delivered_at: at, next_attempt_at: null })
          .execute();
        await trx
          .updateTable("webhooks")
          .set({ failing_since: null })
          .where("id", "=", record.webhookId)
          .where("failing_since", "is not", null)
          .execute();
        return;
      case "gone":
        await delivery.set({ ...common, status: "failed", next_attempt_at: null }).execute();
        await disableWebhookIn(trx, record, at, "the endpoint answered 410 Gone");
        return;
      case "retry":
      case "failed": {
        await delivery
          .set(
            outcome.kind === "retry"
              ? { ...common, status: "pending", next_attempt_at: outcome.nextAttemptAt.toISOString() }
              : { ...common, status: "failed", next_attempt_at: null },
          )
          .execute();
        await trx
          .updateTable("webhooks")
          .set({ failing_since: at })
          .where("id", "=", record.webhookId)
          .where("failing_since", "is", null)
          .execute();
        const webhook = await trx
          .selectFrom("webhooks")
          .select(["failing_since", "active"])
          .where("id", "=", record.webhookId)
          .executeTakeFirst();
        if (
          webhook?.active === 1 &&
          webhook.failing_since &&
          now.getTime() - new Date(webhook.failing_since).getTime() > DISABLE_AFTER_FAILING_MS
        ) {
          await disableWebhookIn(trx, record, at, "deliveries kept failing for more than 3 days");
        }
        return;
      }
    }
  });
}

async function disableWebhookIn(
  trx: Trx,
  target: { webhookId: string; workspaceId: string },
  at: string,
  reason: string,
): Promise<void> {
  const changed = await trx
    .updateTable("webhooks")
    .set({ active: 0, disabled_at: at, disabled_reason: reason, updated_at: at })
    .where("id", "=", target.webhookId)
    .where("active", "=", 1)
    .executeTakeFirst();
  await cancelPendingIn(trx, target.webhookId, at);
  if (Number(changed.numUpdatedRows) === 0) return;
  const webhook = await trx
    .selectFrom("webhooks")
    .select(["id", "seq", "url"])
    .where("id", "=", target.webhookId)
    .executeTakeFirstOrThrow();
  await appendEvent(trx, { workspaceId: target.workspaceId, actor: "system" }, at, {
    type: "webhook.disabled",
    entityType: "webhook",
    entityId: webhook.id,
    data: { id: webhook.id, webhook_id: Number(webhook.seq), url: webhook.url, reason, disabled_at: at },
  });
}

/** The columns of a pending delivery that will not be sent: no next attempt, no claim. */
const cancelled = (at: string) =>
  ({
    status: "cancelled",
    next_attempt_at: null,
    claimed_by: null,
    claimed_until: null,
    updated_at: at,
  }) as const;

/** Cancels a webhook's pending deliveries (it was disabled or deleted). */
export async function cancelPendingIn(trx: Trx, webhookId: string, at: string): Promise<void> {
  await trx
    .updateTable("webhook_deliveries")
    .set(cancelled(at))
    .where("webhook_id", "=", webhookId)
    .where("status", "=", "pending")
    .execute();
}

/** Marks one delivery cancelled (its webhook is gone or inactive when its turn comes). */
export async function cancelDelivery(core: Core, deliveryId: string): Promise<void> {
  const at = core.clock.now().toISOString();
  await core.db
    .updateTable("webhook_deliveries")
    .set(cancelled(at))
    .where("id", "=", deliveryId)
    .where("status", "=", "pending")
    .execute();
}
