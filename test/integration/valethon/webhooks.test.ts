import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serverSecretOf } from "../../../src/core/settings.js";
import { openSecret } from "../../../src/core/webhooks/signing.js";
import { call, startTestKit, type TestKit, VALETHON } from "../../support/app.js";
import { ENGINES } from "../../support/engines.js";

const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** A public IP literal: accepted without DNS and without KITH_WEBHOOK_ALLOW_PRIVATE. */
const PUBLIC_URL = "https://93.184.216.34/hooks/crm";

for (const engine of ENGINES) {
  describe(`Valethon webhooks (${engine})`, () => {
    let kit: TestKit;
    beforeAll(async () => {
      kit = await startTestKit(engine);
    });
    afterAll(async () => {
      await kit.close();
    });

    const api = (
      method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE",
      path: string,
      body?: unknown,
      key?: string,
    ) => call(kit, method, `${VALETHON}${path}`, { key: key ?? kit.secretKey, body });

    const webhookEvents = async (id: string) =>
      kit.core.db.selectFrom("events").selectAll().where("entity_id", "=", id).orderBy("position").execute();

    it("registers, lists, reads, updates and deletes, showing the secret only on creation", async () => {
      const created = await api("POST", "/webhooks", {
        url: PUBLIC_URL,
        events: ["lead.created", "lead.converted", "opportunity.won"],
        secret: "your_webhook_secret",
      });
      expect(created.statusCode).toBe(201);
      expect(created.json).toEqual({
        success: true,
        data: {
          webhook_id: expect.any(Number),
          uuid: expect.stringMatching(/^[0-9a-f-]{36}$/),
          url: PUBLIC_URL,
          events: ["lead.created", "lead.converted", "opportunity.won"],
          active: true,
          secret: "your_webhook_secret",
          created_at: expect.stringMatching(TIME),
        },
      });
      const id = created.json.data.webhook_id;

      const generated = await api("POST", "/webhooks", { url: PUBLIC_URL, events: ["*"] });
      expect(generated.statusCode).toBe(201);
      expect(generated.json.data.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
      expect(generated.json.data.events).toEqual(["*"]);

      const list = await api("GET", "/webhooks");
      expect(list.statusCode).toBe(200);
      expect(list.json).toEqual({
        success: true,
        data: [
          {
            webhook_id: id,
            uuid: created.json.data.uuid,
            url: PUBLIC_URL,
            events: ["lead.created", "lead.converted", "opportunity.won"],
            active: true,
            created_at: created.json.data.created_at,
            updated_at: created.json.data.created_at,
            disabled_reason: null,
          },
          expect.objectContaining({ webhook_id: generated.json.data.webhook_id, events: ["*"] }),
        ],
      });
      expect(list.body).not.toContain("your_webhook_secret");
      expect(list.body).not.toContain(generated.json.data.secret);

      const read = await api("GET", `/webhooks/${id}`);
      expect(read.json.data).toEqual({
        ...list.json.data[0],
        disabled_at: null,
        failing_since: null,
        previous_secret_expires_at: null,
      });
      expect(read.body).not.toContain('secret":');

      // Stored sealed, never in plain text.
      const row = await kit.core.db
        .selectFrom("webhooks")
        .selectAll()
        .where("seq", "=", id)
        .where("workspace_id", "=", kit.workspace.id)
        .executeTakeFirstOrThrow();
      expect(row.secret).not.toContain("your_webhook_secret");
      expect(openSecret(await serverSecretOf(kit.core, kit.config.secret), row.secret)).toBe(
        "your_webhook_secret",
      );

      const updated = await api("PATCH", `/webhooks/${id}`, { events: ["lead.updated"], active: false });
      expect(updated.statusCode).toBe(200);
      expect(updated.json.data).toMatchObject({
        webhook_id: id,
        events: ["lead.updated"],
        active: false,
        disabled_reason: "deactivated through the API",
        disabled_at: expect.stringMatching(TIME),
      });
      const reactivated = await api("PUT", `/webhooks/${id}`, { active: true });
      expect(reactivated.json.data).toMatchObject({
        active: true,
        disabled_at: null,
        disabled_reason: null,
        failing_since: null,
      });

      const deleted = await api("DELETE", `/webhooks/${id}`);
      expect(deleted.statusCode).toBe(200);
      expect(deleted.json).toEqual({ success: true, data: { webhook_id: id, deleted: true } });
      expect((await api("GET", `/webhooks/${id}`)).statusCode).toBe(404);
      expect((await api("DELETE", `/webhooks/${id}`)).statusCode).toBe(404);
      expect((await api("GET", "/webhooks")).json.data.map((w: any) => w.webhook_id)).not.toContain(id);

      // Events were appended with each write, never carrying a secret.
      const events = await webhookEvents(row.id);
      expect(events.map((e) => e.type)).toEqual([
        "webhook.created",
        "webhook.updated",
        "webhook.updated",
        "webhook.deleted",
      ]);
      for (const event of events) expect(event.data).not.toMatch(/secret/i);
      expect(JSON.parse(events[1]!.data).changes).toEqual({
        events: { from: ["lead.created", "lead.converted", "opportunity.won"], to: ["lead.updated"] },
        active: { from: true, to: false },
      });
    });

    it("refuses unknown events and unsafe URLs, naming the field", async () => {
      const unknown = await api("POST", "/webhooks", {
        url: PUBLIC_URL,
        events: ["lead.created", "lead.exploded"],
      });
      expect(unknown.statusCode).toBe(400);
      expect(unknown.json).toMatchObject({ success: false, code: "VALIDATION_ERROR" });
      expect(unknown.json.error).toMatch(/^events: unknown event "lead.exploded"/);
      expect((await api("POST", "/webhooks", { url: PUBLIC_URL, events: [] })).json.error).toMatch(/^events/);
      expect((await api("POST", "/webhooks", { url: PUBLIC_URL })).json.error).toMatch(/^events/);

      for (const url of [
        "http://127.0.0.1:9000/hook",
        "http://localhost/hook",
        "http://[::1]/hook",
        "http://10.0.0.1/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::ffff:127.0.0.1]/hook",
        "ftp://93.184.216.34/hook",
      ]) {
        const refused = await api("POST", "/webhooks", { url, events: ["*"] });
        expect(refused.statusCode, url).toBe(400);
        expect(refused.json.error, url).toMatch(/^url: /);
      }
      const short = await api("POST", "/webhooks", { url: PUBLIC_URL, events: ["*"], secret: "short" });
      expect(short.statusCode).toBe(400);
      expect(short.json.error).toMatch(/^secret/);

      const { json } = await api("POST", "/webhooks", { url: PUBLIC_URL, events: ["*"] });
      const badUpdate = await api("PATCH", `/webhooks/${json.data.webhook_id}`, {
        url: "http://192.168.0.1/",
      });
      expect(badUpdate.statusCode).toBe(400);
      expect(badUpdate.json.error).toMatch(/^url: /);
    });

    it("needs webhooks:manage, and keeps workspaces apart", async () => {
      const lacking = await kit.newKey(kit.scope, {
        type: "secret",
        scopes: ["leads:read", "leads:write"],
        rateLimit: 100_000,
      });
      for (const [method, path] of [
        ["GET", "/webhooks"],
        ["POST", "/webhooks"],
        ["GET", "/webhooks/1"],
        ["PATCH", "/webhooks/1"],
        ["DELETE", "/webhooks/1"],
        ["POST", "/webhooks/1/rotate-secret"],
        ["POST", "/webhooks/1/test"],
        ["GET", "/webhooks/1/deliveries"],
        ["POST", "/webhook-deliveries/00000000-0000-7000-8000-000000000000/redeliver"],
      ] as const) {
        const response = await api(
          method,
          path,
          method === "GET" || method === "DELETE" ? undefined : {},
          lacking,
        );
        expect(response.statusCode, `${method} ${path}`).toBe(403);
        expect(response.json).toMatchObject({ success: false, code: "FORBIDDEN" });
        expect(response.json.error).toContain("webhooks:manage");
      }

      const { json } = await api("POST", "/webhooks", { url: PUBLIC_URL, events: ["*"] });
      const id = json.data.webhook_id;
      const test = await api("POST", `/webhooks/${id}/test`);
      const otherKey = kit.other.secretKey;
      expect((await api("GET", "/webhooks", undefined, otherKey)).json.data).toEqual([]);
      for (const [method, path, body] of [
        ["GET", `/webhooks/${id}`, undefined],
        ["PATCH", `/webhooks/${id}`, { active: false }],
        ["DELETE", `/webhooks/${id}`, undefined],
        ["POST", `/webhooks/${id}/rotate-secret`, {}],
        ["POST", `/webhooks/${id}/test`, undefined],
        ["GET", `/webhooks/${id}/deliveries`, undefined],
        ["POST", `/webhook-deliveries/${test.json.data.delivery_id}/redeliver`, undefined],
      ] as const) {
        const response = await api(method, path, body, otherKey);
        expect(response.statusCode, `${method} ${path}`).toBe(404);
        expect(response.json.code).toBe("NOT_FOUND");
      }
      expect((await api("GET", `/webhooks/${id}`)).json.data.active).toBe(true);
      expect((await api("POST", "/webhook-deliveries/not-a-uuid/redeliver")).statusCode).toBe(404);
    });

    it("rotates the secret, keeping the old one for the overlap window", async () => {
      const { json } = await api("POST", "/webhooks", {
        url: PUBLIC_URL,
        events: ["*"],
        secret: "first_secret_0123456789",
      });
      const id = json.data.webhook_id;
      const rotated = await api("POST", `/webhooks/${id}/rotate-secret`, { overlap_hours: 2 });
      expect(rotated.statusCode).toBe(200);
      expect(rotated.json).toEqual({
        success: true,
        data: {
          webhook_id: id,
          secret: expect.stringMatching(/^whsec_/),
          previous_secret_expires_at: expect.stringMatching(TIME),
        },
      });
      const expires = new Date(rotated.json.data.previous_secret_expires_at).getTime();
      expect(Math.abs(expires - Date.now() - 2 * 3_600_000)).toBeLessThan(60_000);

      const serverSecret = await serverSecretOf(kit.core, kit.config.secret);
      const row = await kit.core.db
        .selectFrom("webhooks")
        .selectAll()
        .where("seq", "=", id)
        .where("workspace_id", "=", kit.workspace.id)
        .executeTakeFirstOrThrow();
      expect(openSecret(serverSecret, row.secret)).toBe(rotated.json.data.secret);
      expect(openSecret(serverSecret, row.previous_secret!)).toBe("first_secret_0123456789");
      expect((await api("GET", `/webhooks/${id}`)).json.data.previous_secret_expires_at).toBe(
        rotated.json.data.previous_secret_expires_at,
      );
      expect((await api("GET", `/webhooks/${id}`)).body).not.toContain(rotated.json.data.secret);

      const events = await webhookEvents(row.id);
      expect(events.map((e) => e.type)).toEqual(["webhook.created", "webhook.secret_rotated"]);
      expect(events[1]!.data).not.toContain(rotated.json.data.secret);
      expect(events[1]!.data).not.toContain("first_secret");

      // Default overlap (24 h) with no body; out of range refused.
      const again = await api("POST", `/webhooks/${id}/rotate-secret`);
      expect(again.statusCode).toBe(200);
      const hours = (new Date(again.json.data.previous_secret_expires_at).getTime() - Date.now()) / 3_600_000;
      expect(Math.round(hours)).toBe(24);
      const tooLong = await api("POST", `/webhooks/${id}/rotate-secret`, { overlap_hours: 169 });
      expect(tooLong.statusCode).toBe(400);
      expect(tooLong.json.error).toMatch(/overlap_hours/);
      const none = await api("POST", `/webhooks/${id}/rotate-secret`, { overlap_hours: 0 });
      expect(none.json.data.previous_secret_expires_at).toBeNull();
    });

    it("queues a test delivery, lists deliveries with attempts, redelivers, and cancels on delete", async () => {
      const { json } = await api("POST", "/webhooks", { url: PUBLIC_URL, events: ["lead.created"] });
      const id = json.data.webhook_id;
      const test = await api("POST", `/webhooks/${id}/test`);
      expect(test.statusCode).toBe(202);
      expect(test.json).toEqual({
        success: true,
        data: { delivery_id: expect.stringMatching(UUID), status: "pending" },
      });
      const deliveryId = test.json.data.delivery_id;

      const stored = await kit.core.db
        .selectFrom("webhook_deliveries")
        .selectAll()
        .where("id", "=", deliveryId)
        .executeTakeFirstOrThrow();
      expect(stored).toMatchObject({ status: "pending", event_type: "webhook.test", attempts: 0 });
      expect(stored.next_attempt_at).not.toBeNull();
      const payload = JSON.parse(stored.payload);
      expect(Object.keys(payload)).toEqual(["event", "timestamp", "data"]);
      expect(payload).toMatchObject({
        event: "webhook.test",
        timestamp: expect.stringMatching(TIME),
        data: { webhook_id: id },
      });

      // The dispatcher's work, simulated: one failed attempt.
      await kit.core.db
        .insertInto("webhook_attempts")
        .values({
          id: "0190c1e2-0000-7000-8000-0000000000aa",
          delivery_id: deliveryId,
          attempt: 1,
          started_at: "2026-03-13T10:00:00.000Z",
          duration_ms: 35,
          status_code: 500,
          response_body: "oops",
          error: null,
        })
        .execute();
      await kit.core.db
        .updateTable("webhook_deliveries")
        .set({ status: "failed", attempts: 1, last_status_code: 500, next_attempt_at: null })
        .where("id", "=", deliveryId)
        .execute();

      const page = await api("GET", `/webhooks/${id}/deliveries?per_page=10`);
      expect(page.statusCode).toBe(200);
      expect(page.json).toEqual({
        success: true,
        data: [
          {
            delivery_id: deliveryId,
            event: "webhook.test",
            status: "failed",
            attempts: 1,
            last_status_code: 500,
            created_at: expect.stringMatching(TIME),
            delivered_at: null,
            next_attempt_at: null,
            attempt_log: [
              {
                attempt: 1,
                started_at: "2026-03-13T10:00:00Z",
                duration_ms: 35,
                status_code: 500,
                error: null,
                response_body: "oops",
              },
            ],
          },
        ],
        pagination: { page: 1, per_page: 10, total: 1, total_pages: 1 },
      });
      expect((await api("GET", `/webhooks/${id}/deliveries?status=succeeded`)).json.data).toEqual([]);
      expect((await api("GET", `/webhooks/${id}/deliveries?status=bogus`)).statusCode).toBe(400);

      const again = await api("POST", `/webhook-deliveries/${deliveryId}/redeliver`);
      expect(again.statusCode).toBe(202);
      expect(again.json).toEqual({ success: true, data: { delivery_id: deliveryId, status: "pending" } });
      const redelivered = await kit.core.db
        .selectFrom("webhook_deliveries")
        .selectAll()
        .where("id", "=", deliveryId)
        .executeTakeFirstOrThrow();
      expect(redelivered.status).toBe("pending");
      expect(redelivered.next_attempt_at).not.toBeNull();

      // Deleting the webhook cancels what is still pending.
      await api("DELETE", `/webhooks/${id}`);
      const cancelled = await kit.core.db
        .selectFrom("webhook_deliveries")
        .select("status")
        .where("id", "=", deliveryId)
        .executeTakeFirstOrThrow();
      expect(cancelled.status).toBe("cancelled");
      expect((await api("POST", `/webhook-deliveries/${deliveryId}/redeliver`)).statusCode).toBe(404);
    });
  });

  describe(`Valethon webhooks with KITH_WEBHOOK_ALLOW_PRIVATE (${engine})`, () => {
    let kit: TestKit;
    beforeAll(async () => {
      kit = await startTestKit(engine, { env: { KITH_WEBHOOK_ALLOW_PRIVATE: "true" } });
    });
    afterAll(async () => {
      await kit.close();
    });

    it("accepts loopback and private URLs, still refusing non-http schemes", async () => {
      for (const url of [
        "http://127.0.0.1:9000/hook",
        "http://localhost:3000/hook",
        "http://10.0.0.1/hook",
      ]) {
        const created = await call(kit, "POST", `${VALETHON}/webhooks`, {
          key: kit.secretKey,
          body: { url, events: ["*"] },
        });
        expect(created.statusCode, url).toBe(201);
      }
      const ftp = await call(kit, "POST", `${VALETHON}/webhooks`, {
        key: kit.secretKey,
        body: { url: "ftp://127.0.0.1/hook", events: ["*"] },
      });
      expect(ftp.statusCode).toBe(400);
      expect(ftp.json.error).toMatch(/^url: /);
    });
  });
}
