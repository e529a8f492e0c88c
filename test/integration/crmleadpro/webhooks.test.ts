/**
 * CRMLead Pro webhooks end to end, on every engine, against real loopback receivers (node:http):
 * registration over HTTP (events checked against the dialect's vocabulary, private URLs refused
 * unless KITH_WEBHOOK_ALLOW_PRIVATE), deliveries through the same outbox and dispatcher as
 * Valethon's, with CRMLead Pro's event names, body and ids, signed with `X-CRMLeadPro-Signature`
 * (verified here with node:crypto over the raw body) and the Standard Webhooks headers (verified
 * with the `standardwebhooks` library). A dialect never sees the other's webhooks, and a workspace
 * never receives another's events.
 */
import { createHmac } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createContact, updateContact } from "../../../src/core/contacts/contacts.service.js";
import type { Scope } from "../../../src/core/core.js";
import { createEmailConnection } from "../../../src/core/email/email-connections.service.js";
import { newId } from "../../../src/core/ids.js";
import { serverSecretOf } from "../../../src/core/settings.js";
import { encodeUuid } from "../../../src/core/shared/public-ids.js";
import { WebhookDispatcher } from "../../../src/jobs/webhook-dispatcher.js";
import { call, startTestKit, type TestKit, VALETHON } from "../../support/app.js";
import { crmleadpro } from "../../support/crmleadpro.js";
import { ENGINES } from "../../support/engines.js";

const SECONDS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const id = (prefix: string) => new RegExp(`^${prefix}_[0-9A-HJKMNP-TV-Z]{26}$`);
/** A public IP literal: accepted without DNS and without KITH_WEBHOOK_ALLOW_PRIVATE. */
const PUBLIC_URL = "https://93.184.216.34/hooks/crm";

interface Received {
  headers: Record<string, string>;
  body: string;
}

interface Receiver {
  url: string;
  received: Received[];
  close(): Promise<void>;
}

async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      received.push({
        headers: request.headers as Record<string, string>,
        body: Buffer.concat(chunks).toString("utf8"),
      });
      response.writeHead(204);
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const hmacHex = (secret: string, body: string) =>
  createHmac("sha256", Buffer.from(secret, "utf8")).update(body, "utf8").digest("hex");

const events = (receiver: Receiver) => receiver.received.map((r) => JSON.parse(r.body).event as string);

for (const engine of ENGINES) {
  describe(`CRMLead Pro webhooks (${engine})`, { timeout: 60_000 }, () => {
    let kit: TestKit;
    /** A second server without KITH_WEBHOOK_ALLOW_PRIVATE. */
    let strict: TestKit;
    let dispatcher: WebhookDispatcher;
    const receivers: Receiver[] = [];

    beforeAll(async () => {
      kit = await startTestKit(engine, { env: { KITH_WEBHOOK_ALLOW_PRIVATE: "true" } });
      strict = await startTestKit(engine);
      // One dispatcher for the whole file: it keeps the record of position holes (PostgreSQL).
      dispatcher = new WebhookDispatcher({
        core: kit.core,
        serverSecret: await serverSecretOf(kit.core, kit.config.secret),
        allowPrivate: true,
        timeoutMs: 2_000,
      });
    });
    afterAll(async () => {
      await dispatcher?.stop();
      for (const receiver of receivers) await receiver.close();
      await strict?.close();
      await kit?.close();
    });

    /** Runs the dispatcher until `receiver` has `count` requests (or a few seconds have passed). */
    async function deliverUntil(receiver: Receiver, count: number): Promise<Received[]> {
      const deadline = Date.now() + 8_000;
      while (receiver.received.length < count && Date.now() < deadline) {
        await dispatcher.runOnce();
        if (receiver.received.length < count) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(receiver.received.map((r) => JSON.parse(r.body).event)).toHaveLength(count);
      return receiver.received;
    }

    /** A fresh workspace with a CRMLead Pro key and a webhook (generated secret) at a fresh receiver. */
    async function setUp(subscribed: string[] = ["*"]) {
      const ws = await kit.newWorkspace(`CLP hooks ${newId().slice(-6)}`);
      const key = await kit.newKey(ws.scope, { type: "secret", format: "crmleadpro" });
      const api = (method: "GET" | "POST" | "PATCH" | "DELETE", path: string, body?: unknown) =>
        crmleadpro(kit, method, path, { key, body });
      const receiver = await startReceiver();
      receivers.push(receiver);
      const created = await api("POST", "/webhooks", { url: receiver.url, events: subscribed });
      expect(created.statusCode, created.body).toBe(201);
      return { ws, key, api, receiver, webhook: created.json, secret: created.json.secret as string };
    }

    /** The checks a receiver makes: both signatures over the exact bytes it got. */
    function expectSigned(request: Received, secret: string) {
      expect(request.headers["content-type"]).toBe("application/json");
      expect(request.headers["x-crmleadpro-signature"]).toBe(`sha256=${hmacHex(secret, request.body)}`);
      expect(request.headers["x-valethon-signature"]).toBeUndefined();
      expect(() => new Webhook(secret).verify(request.body, request.headers)).not.toThrow();
    }

    it("registers, lists and deletes over HTTP, showing the secret only on creation", async () => {
      const key = await kit.newKey(kit.scope, { type: "secret", format: "crmleadpro" });
      const api = (method: "GET" | "POST" | "DELETE", path: string, body?: unknown) =>
        crmleadpro(kit, method, path, { key, body });

      const created = await api("POST", "/webhooks", {
        url: PUBLIC_URL,
        events: ["lead.created", "deal.won", "lead.created"],
        secret: "my_crmleadpro_secret_1",
      });
      expect(created.statusCode, created.body).toBe(201);
      expect(created.json).toEqual({
        id: expect.stringMatching(id("wh")),
        uuid: expect.stringMatching(UUID),
        url: PUBLIC_URL,
        events: ["lead.created", "deal.won"],
        secret: "my_crmleadpro_secret_1",
        active: true,
        created_at: expect.stringMatching(SECONDS),
      });
      expect(created.json.id).toBe(`wh_${encodeUuid(created.json.uuid)}`);
      const generated = await api("POST", "/webhooks", { url: PUBLIC_URL, events: ["*"] });
      expect(generated.statusCode).toBe(201);
      expect(generated.json.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);

      const list = await api("GET", "/webhooks");
      expect(list.statusCode).toBe(200);
      const { secret: _secret, ...shown } = created.json;
      expect(list.json).toEqual({
        data: [shown, expect.objectContaining({ id: generated.json.id, events: ["*"], active: true })],
      });
      expect(list.body).not.toContain("my_crmleadpro_secret_1");
      expect(list.body).not.toContain(generated.json.secret);

      const deleted = await api("DELETE", `/webhooks/${created.json.id}`);
      expect(deleted.statusCode, deleted.body).toBe(200);
      expect(deleted.json).toEqual({ id: created.json.id, uuid: created.json.uuid, deleted: true });
      const again = await api("DELETE", `/webhooks/${created.json.id}`);
      expect(again.statusCode).toBe(404);
      expect(again.json.error.code).toBe("not_found");
      expect((await api("GET", "/webhooks")).json.data.map((w: { id: string }) => w.id)).toEqual([
        generated.json.id,
      ]);
      const malformed = await api("DELETE", "/webhooks/lead_01J2XK3M4N5P6Q7R8S9T0V1W2X");
      expect(malformed.statusCode).toBe(400);
      expect(malformed.json.error.field).toBe("id");
    });

    it("checks events against the dialect's vocabulary and refuses private URLs unless allowed", async () => {
      const key = await kit.newKey(kit.scope, { type: "secret", format: "crmleadpro" });
      const api = (body: unknown, on: TestKit = kit, as = key) =>
        crmleadpro(on, "POST", "/webhooks", { key: as, body });
      for (const bad of [["lead.updated"], ["opportunity.won"], ["deal.won", "nope"], []]) {
        const refused = await api({ url: PUBLIC_URL, events: bad });
        expect(refused.statusCode, JSON.stringify(bad)).toBe(400);
        expect(refused.json.error).toMatchObject({ code: "validation_error", field: "events" });
      }
      const short = await api({ url: PUBLIC_URL, events: ["*"], secret: "short" });
      expect(short.statusCode).toBe(400);
      expect(short.json.error.field).toBe("secret");

      const strictKey = await strict.newKey(strict.scope, { type: "secret", format: "crmleadpro" });
      for (const url of ["http://127.0.0.1:8080/hook", "http://10.0.0.5/hook", "http://localhost/hook"]) {
        const refused = await api({ url, events: ["*"] }, strict, strictKey);
        expect(refused.statusCode, url).toBe(400);
        expect(refused.json.error).toMatchObject({ code: "validation_error", field: "url" });
      }
      expect((await api({ url: PUBLIC_URL, events: ["*"] }, strict, strictKey)).statusCode).toBe(201);
      // This server sets KITH_WEBHOOK_ALLOW_PRIVATE.
      expect((await api({ url: "http://127.0.0.1:8080/hook", events: ["*"] })).statusCode).toBe(201);

      // Only keys with webhooks:manage.
      const narrow = await kit.newKey(kit.scope, {
        type: "secret",
        format: "crmleadpro",
        scopes: ["leads:read", "leads:write"],
      });
      const forbidden = await api({ url: PUBLIC_URL, events: ["*"] }, kit, narrow);
      expect(forbidden.statusCode).toBe(403);
      expect(forbidden.json.error.code).toBe("forbidden");
      expect((await crmleadpro(kit, "GET", "/webhooks", { key: narrow })).statusCode).toBe(403);
    });

    it("keeps each dialect's webhooks to itself", async () => {
      const ws = await kit.newWorkspace(`Dialects ${newId().slice(-6)}`);
      const key = await kit.newKey(ws.scope, { type: "secret", format: "crmleadpro" });
      const valethon = (method: "GET" | "POST" | "DELETE", path: string, body?: unknown) =>
        call(kit, method, `${VALETHON}${path}`, { key: ws.secretKey, body });
      const ours = await crmleadpro(kit, "POST", "/webhooks", {
        key,
        body: { url: PUBLIC_URL, events: ["*"] },
      });
      const theirs = await valethon("POST", "/webhooks", { url: PUBLIC_URL, events: ["*"] });
      expect(theirs.statusCode).toBe(201);

      expect((await crmleadpro(kit, "GET", "/webhooks", { key })).json.data.map((w: any) => w.uuid)).toEqual([
        ours.json.uuid,
      ]);
      expect((await valethon("GET", "/webhooks")).json.data.map((w: any) => w.uuid)).toEqual([
        theirs.json.data.uuid,
      ]);
      const valethonAsOurs = `wh_${encodeUuid(theirs.json.data.uuid)}`;
      expect((await crmleadpro(kit, "DELETE", `/webhooks/${valethonAsOurs}`, { key })).statusCode).toBe(404);
      const number = Number(
        (
          await kit.core.db
            .selectFrom("webhooks")
            .select("seq")
            .where("id", "=", ours.json.uuid)
            .executeTakeFirstOrThrow()
        ).seq,
      );
      expect((await valethon("GET", `/webhooks/${number}`)).statusCode).toBe(404);
      expect((await valethon("DELETE", `/webhooks/${number}`)).statusCode).toBe(404);
      // Both are still there.
      expect((await crmleadpro(kit, "GET", "/webhooks", { key })).json.data).toHaveLength(1);
      expect((await valethon("GET", "/webhooks")).json.data).toHaveLength(1);
    });

    it("delivers lead.created with the documented body, signed over the raw body", async () => {
      const { api, receiver, secret, webhook } = await setUp();
      const lead = await api("POST", "/leads", {
        name: "Rajesh Kumar",
        email: "rajesh@startup.in",
        phone: "+91 98765 00001",
        source: "website_form",
        pipeline: "sales",
      });
      expect(lead.statusCode, lead.body).toBe(201);
      const [request] = await deliverUntil(receiver, 1);
      expectSigned(request!, secret);
      const tampered = request!.body.replace("rajesh@", "Rajesh@");
      expect(() => new Webhook(secret).verify(tampered, request!.headers)).toThrow();

      const body = JSON.parse(request!.body);
      expect(Object.keys(body)).toEqual(["event", "created_at", "data"]);
      expect(body).toEqual({
        event: "lead.created",
        created_at: expect.stringMatching(SECONDS),
        data: {
          id: lead.json.id,
          uuid: lead.json.uuid,
          name: "Rajesh Kumar",
          email: "rajesh@startup.in",
          phone: "+91 98765 00001",
          company: null,
          status: "new",
          pipeline_stage: "discovery",
          score: null,
          source: "website_form",
          assigned_to: null,
        },
      });
      // The stored payload is the exact body; webhook-id is the delivery.
      const delivery = await kit.core.db
        .selectFrom("webhook_deliveries")
        .selectAll()
        .where("webhook_id", "=", webhook.uuid)
        .executeTakeFirstOrThrow();
      expect(delivery.payload).toBe(request!.body);
      expect(delivery.event_type).toBe("lead.created");
      expect(delivery.status).toBe("succeeded");
      expect(request!.headers["webhook-id"]).toBe(delivery.id);
      const event = await kit.core.db
        .selectFrom("events")
        .select("created_at")
        .where("id", "=", delivery.event_id)
        .executeTakeFirstOrThrow();
      expect(body.created_at).toBe(`${new Date(event.created_at).toISOString().slice(0, 19)}Z`);
    });

    it("signs with a given secret as given", async () => {
      const ws = await kit.newWorkspace(`Own secret ${newId().slice(-6)}`);
      const key = await kit.newKey(ws.scope, { type: "secret", format: "crmleadpro" });
      const receiver = await startReceiver();
      receivers.push(receiver);
      const secret = "a_receiver_chosen_secret";
      const created = await crmleadpro(kit, "POST", "/webhooks", {
        key,
        body: { url: receiver.url, events: ["lead.created"], secret },
      });
      expect(created.statusCode).toBe(201);
      const lead = await crmleadpro(kit, "POST", "/leads", {
        key,
        body: { name: "Given Secret", email: "given@example.com" },
      });
      expect(lead.statusCode, lead.body).toBe(201);
      const [request] = await deliverUntil(receiver, 1);
      expect(request!.headers["x-crmleadpro-signature"]).toBe(`sha256=${hmacHex(secret, request!.body)}`);
      expect(request!.headers["x-crmleadpro-signature"]).not.toBe(
        `sha256=${hmacHex(`${secret}x`, request!.body)}`,
      );
      expect(request!.headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    });

    it("delivers lead.status_changed for a status or stage change, and nothing for other edits", async () => {
      const { api, receiver, secret } = await setUp(["lead.status_changed"]);
      const lead = (await api("POST", "/leads", { name: "Priya Sharma", email: "priya@example.in" })).json;
      expect(lead.pipeline_stage).toBe("discovery");

      const phoneOnly = await api("PATCH", `/leads/${lead.id}`, { phone: "+91 90000 00000" });
      expect(phoneOnly.statusCode, phoneOnly.body).toBe(200);
      const moved = await api("PATCH", `/leads/${lead.id}`, {
        status: "qualified",
        pipeline_stage: "demo_scheduled",
      });
      expect(moved.statusCode, moved.body).toBe(200);
      // Delivered in event order: had the phone edit been delivered, it would come first.
      const [request] = await deliverUntil(receiver, 1);
      expectSigned(request!, secret);
      expect(JSON.parse(request!.body)).toEqual({
        event: "lead.status_changed",
        created_at: expect.stringMatching(SECONDS),
        data: {
          id: lead.id,
          uuid: lead.uuid,
          name: "Priya Sharma",
          email: "priya@example.in",
          phone: "+91 90000 00000",
          company: null,
          status: "qualified",
          pipeline_stage: "demo_scheduled",
          score: null,
          source: null,
          assigned_to: null,
          changes: {
            status: { from: "new", to: "qualified" },
            pipeline_stage: { from: "discovery", to: "demo_scheduled" },
          },
        },
      });

      // A status change alone carries only `status` in changes.
      await api("PATCH", `/leads/${lead.id}`, { score: 40 });
      await api("PATCH", `/leads/${lead.id}`, { status: "contacted" });
      const second = (await deliverUntil(receiver, 2))[1]!;
      expect(JSON.parse(second.body).data).toMatchObject({
        status: "contacted",
        score: 40,
        pipeline_stage: "demo_scheduled",
        changes: { status: { from: "qualified", to: "contacted" } },
      });
      expect(Object.keys(JSON.parse(second.body).data.changes)).toEqual(["status"]);
      expect(events(receiver)).toEqual(["lead.status_changed", "lead.status_changed"]);
    });

    it("delivers deal.won and deal.lost with the deal's keys and value in major units", async () => {
      const { api, receiver, secret } = await setUp(["deal.won", "deal.lost"]);
      const deal = (
        await api("POST", "/deals", {
          name: "Annual plan",
          pipeline: "sales",
          stage: "proposal",
          value: 12000.5,
          currency: "INR",
        })
      ).json;
      await api("PATCH", `/deals/${deal.id}`, { stage: "negotiation" });
      const won = await api("PATCH", `/deals/${deal.id}`, { status: "won" });
      expect(won.statusCode, won.body).toBe(200);
      const other = (await api("POST", "/deals", { name: "Pilot", value: 99 })).json;
      const lost = await api("PATCH", `/deals/${other.id}`, { status: "lost", close_reason: "budget" });
      expect(lost.statusCode, lost.body).toBe(200);

      const [first, second] = await deliverUntil(receiver, 2);
      expectSigned(first!, secret);
      expectSigned(second!, secret);
      expect(JSON.parse(first!.body)).toEqual({
        event: "deal.won",
        created_at: expect.stringMatching(SECONDS),
        data: {
          id: deal.id,
          uuid: deal.uuid,
          name: "Annual plan",
          value: 12000.5,
          currency: "INR",
          pipeline: "sales",
          stage: won.json.stage,
          status: "won",
        },
      });
      expect(JSON.parse(second!.body)).toEqual({
        event: "deal.lost",
        created_at: expect.stringMatching(SECONDS),
        data: {
          id: other.id,
          uuid: other.uuid,
          name: "Pilot",
          value: 99,
          currency: lost.json.currency,
          pipeline: lost.json.pipeline,
          stage: lost.json.stage,
          status: "lost",
        },
      });
    });

    it("delivers contact.updated (and not contact.created)", async () => {
      const { ws, receiver, secret } = await setUp();
      const contact = await createContact(kit.core, ws.scope, {
        firstName: "Ada",
        lastName: "Lovelace",
        email: "ada@example.org",
      });
      await updateContact(kit.core, ws.scope, { id: contact.id }, { phone: "+44 20 7946 0000" });
      const [request] = await deliverUntil(receiver, 1);
      expectSigned(request!, secret);
      expect(JSON.parse(request!.body)).toEqual({
        event: "contact.updated",
        created_at: expect.stringMatching(SECONDS),
        data: {
          id: `contact_${encodeUuid(contact.id)}`,
          uuid: contact.id,
          name: "Ada Lovelace",
          email: "ada@example.org",
          phone: "+44 20 7946 0000",
        },
      });
    });

    it("delivers campaign.sent for a campaign whose audience is all skipped", async () => {
      const { ws, api, receiver, secret } = await setUp(["campaign.sent"]);
      const connection = await createEmailConnection(
        kit.core,
        ws.scope,
        { serverSecret: await serverSecretOf(kit.core, kit.config.secret), allowPrivate: true },
        {
          channel: "smtp",
          name: "Newsletter",
          fromEmail: "news@acme.test",
          host: "127.0.0.1",
          port: 2525,
          username: "news",
          password: "never-used",
        },
      );
      const nobody = await createContact(kit.core, ws.scope, { firstName: "Nobody" });
      const campaign = await api("POST", "/campaigns/email", {
        name: "November news",
        connection_id: connection.id,
        subject: "News",
        body_html: "<p>Hello</p>",
        audience: { contact_ids: [`contact_${encodeUuid(nobody.id)}`] },
      });
      expect(campaign.statusCode, campaign.body).toBe(202);
      expect(campaign.json.status).toBe("sent");
      const [request] = await deliverUntil(receiver, 1);
      expectSigned(request!, secret);
      expect(JSON.parse(request!.body)).toEqual({
        event: "campaign.sent",
        created_at: expect.stringMatching(SECONDS),
        data: {
          id: campaign.json.id,
          uuid: campaign.json.uuid,
          channel: "email",
          name: "November news",
          status: "sent",
          counts: { queued: 0, sending: 0, sent: 0, failed: 0, skipped: 1, total: 1 },
        },
      });
    });

    it("never delivers another workspace's events, and a Valethon webhook beside it keeps its own body", async () => {
      const a = await setUp();
      const b = await setUp();
      const valethonReceiver = await startReceiver();
      receivers.push(valethonReceiver);
      const valethon = await call(kit, "POST", `${VALETHON}/webhooks`, {
        key: b.ws.secretKey,
        body: { url: valethonReceiver.url, events: ["lead.created"] },
      });
      expect(valethon.statusCode, valethon.body).toBe(201);

      const lead = (await b.api("POST", "/leads", { name: "Only B", email: "b@example.com" })).json;
      // A's last event, after B's: once it is delivered, B's event has been fanned out too.
      const marker = await a.api("POST", "/leads", { name: "Marker A", email: "a@example.com" });
      expect(marker.statusCode, marker.body).toBe(201);
      await deliverUntil(b.receiver, 1);
      await deliverUntil(valethonReceiver, 1);
      const [aRequest] = await deliverUntil(a.receiver, 1);
      expect(JSON.parse(aRequest!.body).data.id).toBe(marker.json.id);
      expect(a.receiver.received.some((r) => r.body.includes("b@example.com"))).toBe(false);
      expect(JSON.parse(b.receiver.received[0]!.body).data.id).toBe(lead.id);

      // The Valethon webhook gets the Valethon body and header, not CRMLead Pro's.
      const theirs = valethonReceiver.received[0]!;
      expect(Object.keys(JSON.parse(theirs.body))).toEqual(["event", "timestamp", "data", "signature"]);
      expect(theirs.headers["x-valethon-signature"]).toBe(
        `sha256=${hmacHex(valethon.json.data.secret, theirs.body)}`,
      );
      expect(theirs.headers["x-crmleadpro-signature"]).toBeUndefined();
      const scopes: Scope[] = [a.ws.scope, b.ws.scope];
      const deliveries = await kit.core.db
        .selectFrom("webhook_deliveries")
        .select(["workspace_id", "webhook_id"])
        .where(
          "workspace_id",
          "in",
          scopes.map((scope) => scope.workspaceId),
        )
        .execute();
      for (const delivery of deliveries) {
        const expected = delivery.webhook_id === a.webhook.uuid ? a.ws.scope : b.ws.scope;
        expect(delivery.workspace_id).toBe(expected.workspaceId);
      }
      expect(deliveries.filter((d) => d.webhook_id === a.webhook.uuid)).toHaveLength(1);
    });
  });
}
