/**
 * The webhook dispatcher against real loopback receivers (node:http), on every engine: fan-out,
 * signing (verified with the `standardwebhooks` library), retries with a controllable clock,
 * 410 and long failure disabling the endpoint, 3xx not followed, Retry-After, and no double sends.
 */
import { createHmac } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Clock } from "../../../src/core/clock.js";
import { allocateNumber } from "../../../src/core/counters.js";
import { newId } from "../../../src/core/ids.js";
import { ensureServerSecret } from "../../../src/core/settings.js";
import { fanOutEvents, WEBHOOK_CURSOR } from "../../../src/core/webhooks/deliveries.js";
import { generateWebhookSecret, sealSecret } from "../../../src/core/webhooks/signing.js";
import { WebhookDispatcher } from "../../../src/jobs/webhook-dispatcher.js";
import { call, startTestKit, type TestKit, VALETHON } from "../../support/app.js";
import { ENGINES } from "../../support/engines.js";

interface Received {
  path: string;
  headers: Record<string, string>;
  body: string;
}

interface Receiver {
  url: string;
  received: Received[];
  /** Answers, in order; the last one repeats. */
  answers: { status: number; headers?: Record<string, string>; body?: string }[];
  close(): Promise<void>;
}

async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  const receiver: Omit<Receiver, "url" | "close"> = { received, answers: [{ status: 204 }] };
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const index = Math.min(received.length, receiver.answers.length - 1);
      received.push({
        path: request.url ?? "",
        headers: request.headers as Record<string, string>,
        body: Buffer.concat(chunks).toString("utf8"),
      });
      const answer = receiver.answers[index]!;
      response.writeHead(answer.status, answer.headers);
      response.end(answer.body ?? "");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    ...receiver,
    received,
    get answers() {
      return receiver.answers;
    },
    set answers(value) {
      receiver.answers = value;
    },
    url: `http://127.0.0.1:${port}/hook`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const LEAD = (email: string) => ({ first_name: "Ada", last_name: "Lovelace", email, source: "website_form" });

for (const engine of ENGINES) {
  describe(`webhook dispatcher on ${engine}`, () => {
    let kit: TestKit;
    let serverSecret: string;
    let nowMs = Date.now();
    const clock: Clock = { now: () => new Date(nowMs) };
    const receivers: Receiver[] = [];
    const dispatchers: WebhookDispatcher[] = [];
    /** What the app's afterWrite hook reports to (in `kith serve`, the dispatcher's notify). */
    let onWrite = () => {};

    const dispatcher = (options: Partial<ConstructorParameters<typeof WebhookDispatcher>[0]> = {}) => {
      const created = new WebhookDispatcher({
        core: kit.core,
        serverSecret,
        allowPrivate: true,
        clock,
        random: () => 0.5,
        timeoutMs: 2_000,
        ...options,
      });
      dispatchers.push(created);
      return created;
    };

    /** A fresh workspace with one webhook pointing at a fresh receiver. */
    async function setUp(events: string[] = ["*"]) {
      const ws = await kit.newWorkspace(`Hooks ${newId().slice(-6)}`);
      const receiver = await startReceiver();
      receivers.push(receiver);
      const secret = generateWebhookSecret();
      const at = clock.now().toISOString();
      const webhookId = newId();
      await kit.core.db
        .insertInto("webhooks")
        .values({
          id: webhookId,
          workspace_id: ws.workspace.id,
          seq: await allocateNumber(kit.core.db, ws.workspace.id, "webhooks"),
          url: receiver.url,
          events: JSON.stringify(events),
          secret: sealSecret(serverSecret, secret),
          active: 1,
          created_at: at,
          updated_at: at,
        })
        .execute();
      const createLead = async (email: string) => {
        const response = await call(kit, "POST", `${VALETHON}/leads`, {
          key: ws.secretKey,
          body: LEAD(email),
        });
        expect(response.statusCode).toBe(201);
        return response.json.data;
      };
      return { ws, receiver, secret, webhookId, createLead };
    }

    const deliveriesOf = (webhookId: string) =>
      kit.core.db
        .selectFrom("webhook_deliveries")
        .selectAll()
        .where("webhook_id", "=", webhookId)
        .orderBy("seq")
        .execute();
    const attemptsOf = (deliveryId: string) =>
      kit.core.db
        .selectFrom("webhook_attempts")
        .selectAll()
        .where("delivery_id", "=", deliveryId)
        .orderBy("attempt")
        .execute();
    const webhookRow = (id: string) =>
      kit.core.db.selectFrom("webhooks").selectAll().where("id", "=", id).executeTakeFirstOrThrow();

    beforeAll(async () => {
      kit = await startTestKit(engine, {
        env: { KITH_WEBHOOK_ALLOW_PRIVATE: "true" },
        clock,
        afterWrite: () => onWrite(),
      });
      serverSecret = await ensureServerSecret(kit.core, kit.config.secret);
    });
    afterAll(async () => {
      for (const d of dispatchers) await d.stop();
      for (const r of receivers) await r.close();
      await kit?.close();
    });

    it("delivers a lead.created signed in the Valethon body and with Standard Webhooks headers", async () => {
      const { receiver, secret, createLead } = await setUp();
      const lead = await createLead("signed@example.com");
      const result = await dispatcher().runOnce();
      expect(result.sent).toBeGreaterThanOrEqual(1);
      expect(receiver.received).toHaveLength(1);
      const { headers, body, path } = receiver.received[0]!;
      expect(path).toBe("/hook");
      expect(headers["content-type"]).toBe("application/json");

      // Verified as a receiver would, with the standardwebhooks library.
      expect(() => new Webhook(secret).verify(body, headers)).not.toThrow();
      const tampered = body.replace("signed@example.com", "signeD@example.com");
      expect(() => new Webhook(secret).verify(tampered, headers)).toThrow();

      const parsed = JSON.parse(body);
      expect(Object.keys(parsed)).toEqual(["event", "timestamp", "data", "signature"]);
      expect(parsed.event).toBe("lead.created");
      expect(parsed.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(parsed.data.email).toBe("signed@example.com");
      expect(parsed.data.id).toBe(lead.uuid);
      const signed = JSON.stringify({ event: parsed.event, timestamp: parsed.timestamp, data: parsed.data });
      const hmac = (message: string) => createHmac("sha256", secret).update(message).digest("hex");
      expect(parsed.signature).toBe(`sha256=${hmac(signed)}`);
      expect(headers["x-valethon-signature"]).toBe(`sha256=${hmac(body)}`);
    });

    it("does not deliver an event type the webhook did not subscribe to, and a fan-out re-run never duplicates", async () => {
      const { webhookId, receiver, createLead } = await setUp(["lead.updated"]);
      await createLead("unsubscribed@example.com");
      await dispatcher().runOnce();
      expect(receiver.received).toHaveLength(0);
      expect(await deliveriesOf(webhookId)).toHaveLength(0);

      const other = await setUp(["lead.created"]);
      await other.createLead("once@example.com");
      await dispatcher().runOnce();
      expect(await deliveriesOf(other.webhookId)).toHaveLength(1);
      // Rewind the cursor to the beginning: fanning everything out again adds nothing.
      await kit.core.db
        .updateTable("outbox_cursors")
        .set({ position: 0 })
        .where("name", "=", WEBHOOK_CURSOR)
        .execute();
      for (let i = 0; i < 20; i++) if ((await fanOutEvents(kit.core)).events === 0) break;
      expect(await deliveriesOf(other.webhookId)).toHaveLength(1);
      expect(other.receiver.received).toHaveLength(1);
    });

    it("retries a failed delivery on schedule with the same webhook-id and logs every attempt", async () => {
      const { webhookId, receiver, secret, createLead } = await setUp();
      receiver.answers = [{ status: 500, body: "x".repeat(5000) }, { status: 200 }];
      await createLead("retry@example.com");
      const worker = dispatcher();
      await worker.runOnce();
      expect(receiver.received).toHaveLength(1);
      let [delivery] = await deliveriesOf(webhookId);
      expect(delivery!.status).toBe("pending");
      expect(delivery!.attempts).toBe(1);
      // random 0.5 → no jitter: the first retry is due 5 s later.
      expect(Date.parse(delivery!.next_attempt_at!)).toBe(nowMs + 5_000);
      expect((await webhookRow(webhookId)).failing_since).not.toBeNull();

      // Not due yet.
      await worker.runOnce();
      expect(receiver.received).toHaveLength(1);

      nowMs += 6_000;
      await worker.runOnce();
      expect(receiver.received).toHaveLength(2);
      expect(receiver.received[1]!.headers["webhook-id"]).toBe(receiver.received[0]!.headers["webhook-id"]);
      expect(receiver.received[1]!.headers["webhook-id"]).toBe(delivery!.id);
      expect(() =>
        new Webhook(secret).verify(receiver.received[1]!.body, receiver.received[1]!.headers),
      ).not.toThrow();

      [delivery] = await deliveriesOf(webhookId);
      expect(delivery!.status).toBe("succeeded");
      expect(delivery!.delivered_at).not.toBeNull();
      const attempts = await attemptsOf(delivery!.id);
      expect(attempts.map((a) => [a.attempt, a.status_code])).toEqual([
        [1, 500],
        [2, 200],
      ]);
      expect(attempts[0]!.response_body).toHaveLength(2048);
      expect(attempts[0]!.duration_ms).toBeGreaterThanOrEqual(0);
      expect((await webhookRow(webhookId)).failing_since).toBeNull();
    });

    it("disables the webhook on 410 Gone and cancels its pending deliveries", async () => {
      const { webhookId, receiver, createLead } = await setUp();
      receiver.answers = [{ status: 410 }];
      await createLead("gone1@example.com");
      await dispatcher().runOnce();
      const webhook = await webhookRow(webhookId);
      expect(webhook.active).toBe(0);
      expect(webhook.disabled_at).not.toBeNull();
      expect(webhook.disabled_reason).toMatch(/410/);
      const [delivery] = await deliveriesOf(webhookId);
      expect(delivery!.status).toBe("failed");
      const events = await kit.core.db
        .selectFrom("events")
        .select(["type", "data"])
        .where("entity_id", "=", webhookId)
        .execute();
      expect(events.map((e) => e.type)).toEqual(["webhook.disabled"]);
      expect(events[0]!.data).not.toContain("whsec_");

      await createLead("gone2@example.com");
      await dispatcher().runOnce();
      expect(receiver.received).toHaveLength(1);
      expect(await deliveriesOf(webhookId)).toHaveLength(1);
    });

    it("counts a 3xx as a failure and does not follow the redirect", async () => {
      const { webhookId, receiver, createLead } = await setUp();
      receiver.answers = [
        { status: 302, headers: { location: receiver.url.replace("/hook", "/elsewhere") } },
      ];
      await createLead("redirect@example.com");
      await dispatcher().runOnce();
      expect(receiver.received.map((r) => r.path)).toEqual(["/hook"]);
      const [delivery] = await deliveriesOf(webhookId);
      expect(delivery!.status).toBe("pending");
      expect(delivery!.last_status_code).toBe(302);
      expect(delivery!.attempts).toBe(1);
    });

    it("honours Retry-After on 503 and 429 within [5 s, 1 h]", async () => {
      const { webhookId, receiver, createLead } = await setUp();
      receiver.answers = [{ status: 503, headers: { "retry-after": "120" } }];
      await createLead("busy@example.com");
      await dispatcher().runOnce();
      let [delivery] = await deliveriesOf(webhookId);
      expect(Date.parse(delivery!.next_attempt_at!)).toBe(nowMs + 120_000);

      receiver.answers = [{ status: 429, headers: { "retry-after": "86400" } }];
      nowMs += 121_000;
      await dispatcher().runOnce();
      [delivery] = await deliveriesOf(webhookId);
      expect(delivery!.attempts).toBe(2);
      expect(Date.parse(delivery!.next_attempt_at!)).toBe(nowMs + 3_600_000);
    });

    it("disables a webhook that has been failing for more than three days", async () => {
      const { webhookId, receiver, createLead } = await setUp();
      receiver.answers = [{ status: 500 }];
      await kit.core.db
        .updateTable("webhooks")
        .set({ failing_since: new Date(nowMs - 4 * 24 * 3600 * 1000).toISOString() })
        .where("id", "=", webhookId)
        .execute();
      await createLead("failing@example.com");
      await dispatcher().runOnce();
      const webhook = await webhookRow(webhookId);
      expect(webhook.active).toBe(0);
      expect(webhook.disabled_reason).toMatch(/3 days/);
      const [delivery] = await deliveriesOf(webhookId);
      expect(delivery!.status).toBe("cancelled");
      const disabled = await kit.core.db
        .selectFrom("events")
        .select("type")
        .where("entity_id", "=", webhookId)
        .where("type", "=", "webhook.disabled")
        .execute();
      expect(disabled).toHaveLength(1);
    });

    it("gives up after the last scheduled attempt", async () => {
      const { webhookId, receiver, createLead } = await setUp();
      receiver.answers = [{ status: 500 }];
      await createLead("give-up@example.com");
      const worker = dispatcher();
      for (let i = 0; i < 10; i++) {
        await worker.runOnce();
        nowMs += 12 * 3600 * 1000;
        // Keep the webhook from being disabled for failing long: this test is about the schedule.
        await kit.core.db
          .updateTable("webhooks")
          .set({ failing_since: null })
          .where("id", "=", webhookId)
          .execute();
      }
      const [delivery] = await deliveriesOf(webhookId);
      expect(delivery!.status).toBe("failed");
      expect(delivery!.attempts).toBe(10);
      expect(receiver.received).toHaveLength(10);
    });

    it("never sends the same delivery twice when two dispatchers run at once", async () => {
      const { webhookId, receiver, createLead } = await setUp();
      for (let i = 0; i < 30; i++) await createLead(`many${i}@example.com`);
      const a = dispatcher({ perWebhook: 2 });
      const b = dispatcher({ perWebhook: 2 });
      // Each dispatcher sends at most 2 at a time to one webhook, so this takes several rounds.
      for (let round = 0; round < 40 && receiver.received.length < 30; round++) {
        await Promise.all([a.runOnce(), b.runOnce()]);
      }
      const ids = receiver.received.map((r) => r.headers["webhook-id"]);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toHaveLength(30);
      const deliveries = await deliveriesOf(webhookId);
      expect(deliveries.every((d) => d.status === "succeeded" && d.attempts === 1)).toBe(true);
    });

    it("runs as a loop that delivers new events and stops cleanly", async () => {
      const { receiver, createLead } = await setUp();
      const worker = dispatcher();
      worker.start();
      await createLead("looped@example.com");
      worker.wake();
      const deadline = Date.now() + 5_000;
      while (receiver.received.length === 0 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      await worker.stop();
      expect(receiver.received).toHaveLength(1);
    });

    it("delivers a write made through the API at once, not at the next poll", async () => {
      const { receiver, createLead } = await setUp();
      // A poll far longer than the test: only the write's notification can start the round.
      const worker = dispatcher({ pollMs: 60_000 });
      onWrite = () => worker.notify();
      try {
        worker.start();
        await new Promise((r) => setTimeout(r, 200)); // let the first (empty) round pass
        await createLead("notified@example.com");
        const deadline = Date.now() + 3_000;
        while (receiver.received.length === 0 && Date.now() < deadline)
          await new Promise((r) => setTimeout(r, 10));
        expect(receiver.received).toHaveLength(1);
      } finally {
        onWrite = () => {};
        await worker.stop();
      }
    });

    it("reports successful writes to afterWrite, and neither reads nor refused writes", async () => {
      const { ws, createLead } = await setUp();
      let writes = 0;
      onWrite = () => writes++;
      try {
        await createLead("counted@example.com");
        expect(writes).toBe(1);
        const list = await call(kit, "GET", `${VALETHON}/leads`, { key: ws.secretKey });
        expect(list.statusCode).toBe(200);
        const refused = await call(kit, "POST", `${VALETHON}/leads`, {
          key: ws.secretKey,
          body: { email: "x" },
        });
        expect(refused.statusCode).toBe(400);
        expect(writes).toBe(1);
      } finally {
        onWrite = () => {};
      }
    });
  });
}
