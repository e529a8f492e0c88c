/**
 * The chat widget's endpoints (W1–W4, transcript) through HTTP: exact shapes, public keys, session
 * binding to the key's workspace, CORS and the public keys' rate limits.
 */
import { createHash } from "node:crypto";
import type { InjectOptions } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, startTestKit, type TestKit, VALETHON, withJson } from "../../support/app.js";
import { ENGINES } from "../../support/engines.js";

const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
const SESSION = /^ws_[A-Za-z0-9]{32}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface WidgetRequest {
  key?: string | null;
  body?: unknown;
  headers?: Record<string, string>;
  remoteAddress?: string;
}

/** A widget request as a browser (or the test) sends it. */
async function widget(
  kit: TestKit,
  method: InjectOptions["method"],
  path: string,
  options: WidgetRequest = {},
) {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key) headers["x-api-key"] = options.key;
  const response = await kit.app.inject({
    method,
    url: `${VALETHON}${path}`,
    headers,
    ...(options.remoteAddress ? { remoteAddress: options.remoteAddress } : {}),
    ...(options.body === undefined ? {} : { payload: options.body as any }),
  });
  return withJson(response);
}

function expectError(
  response: { statusCode: number; json: any },
  status: number,
  code: string,
  field?: string,
) {
  expect(response.statusCode, JSON.stringify(response.json)).toBe(status);
  expect(response.json).toMatchObject({ success: false, code, request_id: expect.any(String) });
  if (field) expect(response.json.error).toMatch(new RegExp(`^${field}: `));
}

const corsHeaders = (headers: Record<string, unknown>) =>
  Object.keys(headers).filter((name) => name.startsWith("access-control-"));

for (const engine of ENGINES) {
  describe(`Valethon widget (${engine})`, () => {
    let kit: TestKit;
    let publicKey: string;
    let visitorCounter = 0;
    beforeAll(async () => {
      kit = await startTestKit(engine);
      publicKey = await kit.newKey(kit.scope, { type: "public_live" });
    });
    afterAll(async () => {
      await kit?.close();
    });

    const nextVisitor = () => `v_test${++visitorCounter}`;
    /** A fresh session of a fresh visitor (each from its own address, so visitor windows do not meet). */
    const start = async (key = publicKey, visitorId = nextVisitor()) => {
      const response = await widget(kit, "POST", "/widget/init", {
        key,
        body: {
          visitor_id: visitorId,
          page_url: "https://customer-site.com/support",
          referrer: "https://google.com",
        },
        remoteAddress: `10.1.${visitorCounter % 250}.${(visitorCounter * 7) % 250}`,
      });
      expect(response.statusCode, response.body).toBe(200);
      return { sessionId: response.json.session_id as string, visitorId };
    };
    const say = (sessionId: string, message: string, key = publicKey) =>
      widget(kit, "POST", "/widget/message", { key, body: { session_id: sessionId, message } });

    it("W1 answers exactly the documented shape with an unguessable session id, storing only its digest", async () => {
      const response = await widget(kit, "POST", "/widget/init", {
        key: publicKey,
        body: {
          visitor_id: "v_abc123",
          page_url: "https://customer-site.com/support",
          referrer: "https://google.com",
        },
        headers: { "user-agent": "Mozilla/5.0 (Test)" },
      });
      expect(response.statusCode).toBe(200);
      expect(response.json).toEqual({
        success: true,
        session_id: expect.stringMatching(SESSION),
        greeting: "Hi! How can we help?",
        branding: { company_name: "Acme Test", primary_color: "#1FB6FF", logo_url: null },
      });
      expect(Object.keys(response.json)).toEqual(["success", "session_id", "greeting", "branding"]);
      const second = await start();
      expect(second.sessionId).not.toBe(response.json.session_id);

      const row = await kit.core.db
        .selectFrom("conversations")
        .selectAll()
        .where("session_digest", "=", createHash("sha256").update(response.json.session_id).digest("hex"))
        .executeTakeFirstOrThrow();
      expect(row).toMatchObject({
        workspace_id: kit.workspace.id,
        visitor_id: "v_abc123",
        page_url: "https://customer-site.com/support",
        referrer: "https://google.com",
        user_agent: "Mozilla/5.0 (Test)",
        ip: "127.0.0.1",
        status: "open",
      });
      const stored = JSON.stringify(await kit.core.db.selectFrom("conversations").selectAll().execute());
      expect(stored).not.toContain(response.json.session_id);
      const events = await kit.core.db
        .selectFrom("events")
        .selectAll()
        .where("entity_id", "=", row.id)
        .execute();
      expect(events.map((event) => event.type)).toEqual(["conversation.created"]);
    });

    it("W1 takes an empty body, and refuses malformed fields naming them", async () => {
      const empty = await widget(kit, "POST", "/widget/init", { key: publicKey, body: {} });
      expect(empty.statusCode).toBe(200);
      expect(empty.json.session_id).toMatch(SESSION);
      const bare = await widget(kit, "POST", "/widget/init", { key: publicKey });
      expect(bare.statusCode).toBe(200);
      // document.referrer is "" when there is none.
      expect(
        (await widget(kit, "POST", "/widget/init", { key: publicKey, body: { referrer: "" } })).statusCode,
      ).toBe(200);
      for (const [body, field] of [
        [{ page_url: "not a url" }, "page_url"],
        [{ page_url: "javascript:alert(1)" }, "page_url"],
        [{ referrer: "ftp://example.com/x" }, "referrer"],
        [{ visitor_id: "has spaces" }, "visitor_id"],
        [{ visitor_id: 42 }, "visitor_id"],
        [{ page_url: `https://example.com/${"x".repeat(2001)}` }, "page_url"],
      ] as const) {
        expectError(
          await widget(kit, "POST", "/widget/init", { key: publicKey, body }),
          400,
          "VALIDATION_ERROR",
          field,
        );
      }
    });

    it("W1 resumes a live session of the same visitor, and starts a new one otherwise", async () => {
      const { sessionId, visitorId } = await start();
      const resume = (body: Record<string, unknown>, key = publicKey) =>
        widget(kit, "POST", "/widget/init", { key, body });
      const resumed = await resume({ visitor_id: visitorId, session_id: sessionId });
      expect(resumed.json.session_id).toBe(sessionId);
      // Another visitor id, no visitor id, a made-up id: a new session each time.
      expect(
        (await resume({ visitor_id: "v_someone_else", session_id: sessionId })).json.session_id,
      ).not.toBe(sessionId);
      expect((await resume({ session_id: sessionId })).json.session_id).not.toBe(sessionId);
      const madeUp = await resume({ visitor_id: visitorId, session_id: `ws_${"A".repeat(32)}` });
      expect(madeUp.statusCode).toBe(200);
      expect(madeUp.json.session_id).not.toBe(sessionId);
      // Another workspace's key cannot resume it.
      const otherKey = await kit.newKey(kit.other.scope, { type: "public_live" });
      expect(
        (await resume({ visitor_id: visitorId, session_id: sessionId }, otherKey)).json.session_id,
      ).not.toBe(sessionId);
      // An ended session is not resumed.
      expect(
        (await widget(kit, "POST", "/widget/end", { key: publicKey, body: { session_id: sessionId } }))
          .statusCode,
      ).toBe(200);
      expect((await resume({ visitor_id: visitorId, session_id: sessionId })).json.session_id).not.toBe(
        sessionId,
      );
    });

    it("W2 answers exactly the documented shape with the bot's reply", async () => {
      const { sessionId } = await start();
      const response = await say(sessionId, "I need help with my email");
      expect(response.statusCode).toBe(200);
      expect(response.json).toEqual({
        success: true,
        response: {
          message: "I can help with email issues. Could you describe the problem?",
          suggested_actions: ["Create ticket", "Check service status"],
        },
      });
      expect(Object.keys(response.json)).toEqual(["success", "response"]);
    });

    it("W2 refuses bad input naming the field, and unknown sessions with 404", async () => {
      const { sessionId } = await start();
      expectError(await say(sessionId, ""), 400, "VALIDATION_ERROR", "message");
      expectError(await say(sessionId, "   "), 400, "VALIDATION_ERROR", "message");
      expectError(await say(sessionId, "x".repeat(2001)), 400, "VALIDATION_ERROR", "message");
      expectError(
        await widget(kit, "POST", "/widget/message", { key: publicKey, body: { message: "hi" } }),
        400,
        "VALIDATION_ERROR",
        "session_id",
      );
      expectError(
        await widget(kit, "POST", "/widget/message", {
          key: publicKey,
          body: { session_id: sessionId, message: 7 },
        }),
        400,
        "VALIDATION_ERROR",
        "message",
      );
      expectError(await say(`ws_${"B".repeat(32)}`, "hello"), 404, "NOT_FOUND", "session_id");
      expectError(await say("ws_98765", "hello"), 404, "NOT_FOUND", "session_id");
      expect((await say(sessionId, "x".repeat(2000))).statusCode).toBe(200);
    });

    it("W3 ends the session: {success:true}, the conversation is closed, and the session is refused afterwards", async () => {
      const { sessionId } = await start();
      await say(sessionId, "hello");
      const end = await widget(kit, "POST", "/widget/end", {
        key: publicKey,
        body: { session_id: sessionId },
      });
      expect(end.statusCode).toBe(200);
      expect(end.json).toEqual({ success: true });
      expectError(await say(sessionId, "are you there?"), 404, "NOT_FOUND", "session_id");
      expectError(
        await widget(kit, "POST", "/widget/end", { key: publicKey, body: { session_id: sessionId } }),
        404,
        "NOT_FOUND",
        "session_id",
      );
      const row = await kit.core.db
        .selectFrom("conversations")
        .select(["id", "status", "closed_at"])
        .where("session_digest", "=", createHash("sha256").update(sessionId).digest("hex"))
        .executeTakeFirstOrThrow();
      expect(row.status).toBe("closed");
      expect(row.closed_at).not.toBeNull();
      const types = (
        await kit.core.db.selectFrom("events").select("type").where("entity_id", "=", row.id).execute()
      ).map((event) => event.type);
      expect(types.filter((type) => type === "conversation.closed")).toHaveLength(1);
      // The transcript stays readable, showing how it ended.
      const transcript = await widget(kit, "GET", `/widget/messages?session_id=${sessionId}`, {
        key: publicKey,
      });
      expect(transcript.json.data.status).toBe("closed");
    });

    it("W4 answers the overall status (worst component) and the components", async () => {
      const fresh = await kit.newWorkspace(`Status ${engine}`);
      const key = await kit.newKey(fresh.scope, { type: "public_test" });
      const empty = await widget(kit, "GET", "/widget/status", { key });
      expect(empty.statusCode).toBe(200);
      expect(empty.json).toEqual({
        success: true,
        data: { status: "operational", components: [], updated_at: expect.stringMatching(TIME) },
      });
      const admin = (method: "POST" | "PUT", path: string, body: unknown) =>
        call(kit, method, `${VALETHON}${path}`, { key: fresh.secretKey, body });
      expect((await admin("POST", "/service-status/components", { name: "Email" })).statusCode).toBe(201);
      const vpn = await admin("POST", "/service-status/components", {
        name: "VPN",
        status: "degraded",
        message: "Slow connections in EU",
      });
      expect(vpn.statusCode).toBe(201);
      await admin("POST", "/service-status/components", { name: "Backups", status: "maintenance" });
      const status = await widget(kit, "GET", "/widget/status", { key });
      expect(status.json).toEqual({
        success: true,
        data: {
          status: "degraded",
          components: [
            { name: "Email", status: "operational", message: null },
            { name: "VPN", status: "degraded", message: "Slow connections in EU" },
            { name: "Backups", status: "maintenance", message: null },
          ],
          updated_at: expect.stringMatching(TIME),
        },
      });
      await admin("PUT", `/service-status/components/${vpn.json.data.component_id}`, { status: "outage" });
      expect((await widget(kit, "GET", "/widget/status", { key })).json.data.status).toBe("outage");
    });

    it("serves the transcript in order, after a message id when asked, with no user ids", async () => {
      const { sessionId } = await start();
      await say(sessionId, "my wifi keeps dropping");
      await say(sessionId, "thanks");
      const transcript = await widget(kit, "GET", `/widget/messages?session_id=${sessionId}`, {
        key: publicKey,
      });
      expect(transcript.statusCode).toBe(200);
      const messages = transcript.json.data.messages;
      expect(transcript.json.data.status).toBe("open");
      expect(messages.map((message: any) => message.sender)).toEqual(["visitor", "bot", "visitor", "bot"]);
      expect(messages[0]).toEqual({
        id: expect.stringMatching(UUID),
        sender: "visitor",
        text: "my wifi keeps dropping",
        suggested_actions: [],
        author_name: null,
        created_at: expect.stringMatching(TIME),
      });
      expect(messages[1].suggested_actions).toEqual(["Check service status", "Create ticket"]);
      const after = await widget(
        kit,
        "GET",
        `/widget/messages?session_id=${sessionId}&after=${messages[1].id}`,
        {
          key: publicKey,
        },
      );
      expect(after.json.data.messages.map((message: any) => message.id)).toEqual([
        messages[2].id,
        messages[3].id,
      ]);
      expectError(
        await widget(kit, "GET", `/widget/messages?session_id=${sessionId}&after=${crypto.randomUUID()}`, {
          key: publicKey,
        }),
        400,
        "VALIDATION_ERROR",
        "after",
      );
      expectError(
        await widget(kit, "GET", "/widget/messages?session_id=ws_nope", { key: publicKey }),
        404,
        "NOT_FOUND",
        "session_id",
      );
    });

    it("refuses another workspace's session on every session route", async () => {
      const { sessionId } = await start();
      const otherKey = await kit.newKey(kit.other.scope, { type: "public_live" });
      expectError(await say(sessionId, "hello", otherKey), 404, "NOT_FOUND", "session_id");
      expectError(
        await widget(kit, "POST", "/widget/end", { key: otherKey, body: { session_id: sessionId } }),
        404,
        "NOT_FOUND",
        "session_id",
      );
      expectError(
        await widget(kit, "GET", `/widget/messages?session_id=${sessionId}`, { key: otherKey }),
        404,
        "NOT_FOUND",
        "session_id",
      );
      expectError(
        await widget(kit, "GET", `/widget/stream?session_id=${sessionId}&key=${otherKey}`),
        404,
        "NOT_FOUND",
        "session_id",
      );
      // Still live for its own workspace.
      expect((await say(sessionId, "hello")).statusCode).toBe(200);
    });

    it("lets public keys reach the widget endpoints only; secret routes answer them 403", async () => {
      const testKey = await kit.newKey(kit.scope, { type: "public_test" });
      for (const key of [publicKey, testKey]) {
        for (const [method, path] of [
          ["GET", "/leads"],
          ["POST", "/leads"],
          ["GET", "/conversations"],
          ["GET", "/conversations/1"],
          ["POST", "/conversations/1/messages"],
          ["GET", "/widget/intents"],
          ["POST", "/widget/intents"],
          ["GET", "/widget/settings"],
          ["PUT", "/widget/settings"],
          ["GET", "/service-status"],
          ["POST", "/service-status/components"],
          ["GET", "/webhooks"],
        ] as const) {
          expectError(
            await widget(kit, method, path, { key, body: method === "GET" ? undefined : {} }),
            403,
            "FORBIDDEN",
          );
        }
        expect((await widget(kit, "GET", "/widget/status", { key })).statusCode).toBe(200);
      }
      // The stream takes the key from the query string; no other route does.
      expectError(await widget(kit, "GET", `/widget/status?key=${publicKey}`), 401, "AUTH_REQUIRED");
      expectError(await widget(kit, "GET", "/widget/status"), 401, "AUTH_REQUIRED");
    });

    it("widget settings: defaults, partial changes reaching W1, null restoring a default, bad values named", async () => {
      const fresh = await kit.newWorkspace(`Branding ${engine}`);
      const key = await kit.newKey(fresh.scope, { type: "public_live" });
      const settings = (method: "GET" | "PUT" | "PATCH", body?: unknown) =>
        call(kit, method, `${VALETHON}/widget/settings`, { key: fresh.secretKey, body });
      expect((await settings("GET")).json).toEqual({
        success: true,
        data: {
          greeting: "Hi! How can we help?",
          company_name: `Branding ${engine}`,
          primary_color: "#1FB6FF",
          logo_url: null,
        },
      });
      const changed = await settings("PUT", {
        greeting: "Need IT help? Chat with us!",
        company_name: "Acme IT Solutions",
        primary_color: "#ff6600",
        logo_url: "https://cdn.example.com/acme.png",
      });
      expect(changed.statusCode).toBe(200);
      const init = await widget(kit, "POST", "/widget/init", { key, body: {} });
      expect(init.json).toMatchObject({
        greeting: "Need IT help? Chat with us!",
        branding: {
          company_name: "Acme IT Solutions",
          primary_color: "#FF6600",
          logo_url: "https://cdn.example.com/acme.png",
        },
      });
      const restored = await settings("PATCH", { primary_color: null, logo_url: null });
      expect(restored.json.data).toEqual({
        greeting: "Need IT help? Chat with us!",
        company_name: "Acme IT Solutions",
        primary_color: "#1FB6FF",
        logo_url: null,
      });
      expectError(await settings("PUT", { primary_color: "blue" }), 400, "VALIDATION_ERROR", "primary_color");
      expectError(await settings("PUT", { logo_url: "nope" }), 400, "VALIDATION_ERROR", "logo_url");
      const events = await kit.core.db
        .selectFrom("events")
        .select("type")
        .where("workspace_id", "=", fresh.workspace.id)
        .where("type", "=", "widget_settings.updated")
        .execute();
      expect(events).toHaveLength(2);
    });

    describe("CORS", () => {
      const SHOP = "https://shop.example";
      let restrictedKey: string;
      let testKey: string;
      beforeAll(async () => {
        restrictedKey = await kit.newKey(kit.scope, { type: "public_live", origins: [SHOP] });
        testKey = await kit.newKey(kit.scope, { type: "public_test", origins: [SHOP] });
      });

      it("answers an allowed origin with its CORS grant", async () => {
        const response = await widget(kit, "POST", "/widget/init", {
          key: restrictedKey,
          body: {},
          headers: { origin: SHOP },
        });
        expect(response.statusCode).toBe(200);
        expect(response.headers["access-control-allow-origin"]).toBe(SHOP);
        expect(response.headers.vary).toContain("Origin");
        expect(String(response.headers["access-control-expose-headers"])).toContain("X-RateLimit-Remaining");
        const status = await widget(kit, "GET", "/widget/status", {
          key: restrictedKey,
          headers: { origin: SHOP },
        });
        expect(status.headers["access-control-allow-origin"]).toBe(SHOP);
      });

      it("refuses any other origin with 403 and no CORS headers", async () => {
        for (const origin of [
          "https://evil.example",
          "http://shop.example",
          "https://shop.example:8443",
          "null",
        ]) {
          const response = await widget(kit, "POST", "/widget/init", {
            key: restrictedKey,
            body: {},
            headers: { origin },
          });
          expectError(response, 403, "FORBIDDEN");
          expect(corsHeaders(response.headers), origin).toEqual([]);
        }
        const before = await kit.core.db.selectFrom("conversations").select("id").execute();
        await widget(kit, "POST", "/widget/init", {
          key: restrictedKey,
          body: {},
          headers: { origin: "https://evil.example" },
        });
        expect(await kit.core.db.selectFrom("conversations").select("id").execute()).toHaveLength(
          before.length,
        );
      });

      it("lets a key without an origins list answer any origin, and requests without Origin pass without CORS headers", async () => {
        const anyOrigin = await widget(kit, "GET", "/widget/status", {
          key: publicKey,
          headers: { origin: "https://anything.example" },
        });
        expect(anyOrigin.headers["access-control-allow-origin"]).toBe("https://anything.example");
        const serverSide = await widget(kit, "GET", "/widget/status", { key: restrictedKey });
        expect(serverSide.statusCode).toBe(200);
        expect(corsHeaders(serverSide.headers)).toEqual([]);
      });

      it("lets pk_test_ keys also answer http://localhost and http://127.0.0.1 on any port; pk_live_ keys not", async () => {
        for (const origin of ["http://localhost:5173", "http://127.0.0.1:8080", "http://localhost"]) {
          const allowed = await widget(kit, "GET", "/widget/status", { key: testKey, headers: { origin } });
          expect(allowed.statusCode, origin).toBe(200);
          expect(allowed.headers["access-control-allow-origin"]).toBe(origin);
          expectError(
            await widget(kit, "GET", "/widget/status", { key: restrictedKey, headers: { origin } }),
            403,
            "FORBIDDEN",
          );
        }
        for (const origin of [
          "https://localhost:5173",
          "http://localhost.evil.example",
          "http://127.0.0.2:80",
        ]) {
          expectError(
            await widget(kit, "GET", "/widget/status", { key: testKey, headers: { origin } }),
            403,
            "FORBIDDEN",
          );
        }
      });

      it("answers preflights of every widget route without a key", async () => {
        for (const path of [
          "/widget/init",
          "/widget/message",
          "/widget/end",
          "/widget/status",
          "/widget/messages",
          "/widget/stream",
        ]) {
          const response = await widget(kit, "OPTIONS", path, {
            headers: {
              origin: "https://evil.example",
              "access-control-request-method": "POST",
              "access-control-request-headers": "x-api-key,content-type",
            },
          });
          expect(response.statusCode, path).toBe(204);
          expect(response.headers["access-control-allow-origin"]).toBe("https://evil.example");
          expect(response.headers["access-control-allow-methods"]).toBe("GET, POST, OPTIONS");
          expect(response.headers["access-control-allow-headers"]).toBe(
            "X-API-Key, Content-Type, Last-Event-ID",
          );
          expect(Number(response.headers["access-control-max-age"])).toBeGreaterThan(0);
          expect(response.body).toBe("");
        }
      });

      it("never sends CORS headers on secret-key routes, even to a browser", async () => {
        const origin = { origin: SHOP };
        for (const [method, path] of [
          ["GET", "/leads"],
          ["GET", "/conversations"],
          ["GET", "/widget/settings"],
          ["GET", "/widget/intents"],
          ["GET", "/service-status"],
        ] as const) {
          const response = await widget(kit, method, path, { key: kit.secretKey, headers: origin });
          expect(response.statusCode, path).toBe(200);
          expect(corsHeaders(response.headers), path).toEqual([]);
        }
        // Nor on a secret key's widget call, nor on a preflight of a secret route.
        const secretOnWidget = await widget(kit, "GET", "/widget/status", {
          key: kit.secretKey,
          headers: origin,
        });
        expect(secretOnWidget.statusCode).toBe(200);
        expect(corsHeaders(secretOnWidget.headers)).toEqual([]);
        const preflight = await widget(kit, "OPTIONS", "/leads", {
          headers: { ...origin, "access-control-request-method": "GET" },
        });
        expect(preflight.statusCode).toBeGreaterThanOrEqual(400);
        expect(corsHeaders(preflight.headers)).toEqual([]);
      });
    });

    describe("rate limits of public keys", () => {
      it("allows 30 requests a minute per visitor session, with the visitor's window in the headers", async () => {
        const key = await kit.newKey(kit.scope, { type: "public_live" });
        const { sessionId } = await start(key);
        for (let index = 0; index < 30; index++) {
          const response = await widget(kit, "GET", `/widget/messages?session_id=${sessionId}`, { key });
          expect(response.statusCode).toBe(200);
          expect(response.headers["x-ratelimit-limit"]).toBe("30");
          expect(response.headers["x-ratelimit-remaining"]).toBe(String(29 - index));
        }
        const limited = await say(sessionId, "hello?", key);
        expectError(limited, 429, "RATE_LIMITED");
        expect(limited.json.error).toContain("per visitor");
        expect(Number(limited.headers["retry-after"])).toBeGreaterThanOrEqual(1);
        expect(limited.headers["x-ratelimit-remaining"]).toBe("0");
        // Another visitor of the same key has a window of its own.
        const other = await start(key);
        expect((await say(other.sessionId, "hello", key)).statusCode).toBe(200);
      });

      it("counts a visitor without a session by its address", async () => {
        const key = await kit.newKey(kit.scope, { type: "public_live" });
        for (let index = 0; index < 30; index++) {
          const response = await widget(kit, "GET", "/widget/status", { key, remoteAddress: "192.0.2.10" });
          expect(response.statusCode).toBe(200);
        }
        expectError(
          await widget(kit, "GET", "/widget/status", { key, remoteAddress: "192.0.2.10" }),
          429,
          "RATE_LIMITED",
        );
        expectError(
          await widget(kit, "POST", "/widget/init", { key, body: {}, remoteAddress: "192.0.2.10" }),
          429,
          "RATE_LIMITED",
        );
        expect(
          (await widget(kit, "GET", "/widget/status", { key, remoteAddress: "192.0.2.11" })).statusCode,
        ).toBe(200);
      });

      it("caps a key over all its visitors at its own rate_limit", async () => {
        const key = await kit.newKey(kit.scope, { type: "public_live", rateLimit: 5 });
        for (let index = 0; index < 5; index++) {
          const response = await widget(kit, "GET", "/widget/status", {
            key,
            remoteAddress: `198.51.100.${index + 1}`,
          });
          expect(response.statusCode).toBe(200);
        }
        const limited = await widget(kit, "GET", "/widget/status", { key, remoteAddress: "198.51.100.99" });
        expectError(limited, 429, "RATE_LIMITED");
        expect(limited.headers["x-ratelimit-limit"]).toBe("5");
        expect(limited.json.error).not.toContain("per visitor");
      });
    });
  });

  describe(`Valethon widget key ceiling from KITH_WIDGET_KEY_CEILING (${engine})`, () => {
    let kit: TestKit;
    beforeAll(async () => {
      kit = await startTestKit(engine, { env: { KITH_WIDGET_KEY_CEILING: "4" } });
    });
    afterAll(async () => {
      await kit?.close();
    });

    it("caps a key without its own rate_limit over all its visitors", async () => {
      const key = await kit.newKey(kit.scope, { type: "public_test" });
      for (let index = 0; index < 4; index++) {
        const response = await widget(kit, "GET", "/widget/status", {
          key,
          remoteAddress: `203.0.113.${index + 1}`,
        });
        expect(response.statusCode).toBe(200);
      }
      const limited = await widget(kit, "GET", "/widget/status", { key, remoteAddress: "203.0.113.50" });
      expectError(limited, 429, "RATE_LIMITED");
      expect(limited.headers["x-ratelimit-limit"]).toBe("4");
      // Secret keys keep their own limits.
      expect((await call(kit, "GET", `${VALETHON}/leads`, { key: kit.secretKey })).statusCode).toBe(200);
    });
  });
}
