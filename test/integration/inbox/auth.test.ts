import { createHash, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AGENT_SESSION_LIFETIME,
  LOGIN_REFUSED,
} from "../../../src/core/agent-sessions/agent-sessions.service.js";
import type { Clock } from "../../../src/core/clock.js";
import { LOGIN_LIMITS } from "../../../src/http/inbox/auth.routes.js";
import { MemoryRateLimiter } from "../../../src/http/rate-limit/memory-rate-limiter.js";
import { createRedisRateLimiter } from "../../../src/http/rate-limit/redis-rate-limiter.js";
import { startTestKit, type TestKit } from "../../support/app.js";
import { ENGINES } from "../../support/engines.js";
import {
  AGENT_PASSWORD,
  type AgentLogin,
  createAgent,
  inbox,
  login,
  visitorChat,
} from "../../support/inbox.js";

/** A clock the test moves by hand. */
class ManualClock implements Clock {
  constructor(private ms = Date.parse("2026-11-23T09:00:00.000Z")) {}
  now() {
    return new Date(this.ms);
  }
  advance(ms: number) {
    this.ms += ms;
  }
}

const HOUR = 60 * 60 * 1000;

for (const engine of ENGINES) {
  describe(`inbox login and session (${engine})`, () => {
    let kit: TestKit;
    const clock = new ManualClock();
    beforeAll(async () => {
      kit = await startTestKit(engine, { clock });
    });
    afterAll(async () => {
      await kit.close();
    });

    const attempt = (body: unknown, headers: Record<string, string> = {}) =>
      inbox(kit, "POST", "/api/login", { body, headers });

    it("logs an agent in with an httpOnly, SameSite=Strict cookie scoped to /inbox, storing only its digest", async () => {
      const user = await createAgent(kit, kit.scope, "ada", "Ada Lovelace");
      const response = await attempt({
        workspace: kit.workspace.slug,
        username: "ada",
        password: AGENT_PASSWORD,
      });
      expect(response.statusCode).toBe(200);
      expect(response.json).toEqual({
        user: {
          id: user.id,
          number: user.number,
          username: "ada",
          name: "Ada Lovelace",
          email: "ada@agents.example",
          role: "agent",
        },
        workspace: { id: kit.workspace.id, slug: kit.workspace.slug, name: kit.workspace.name },
        csrf_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
        expires_at: new Date(clock.now().getTime() + AGENT_SESSION_LIFETIME.idleMs).toISOString(),
      });
      const setCookie = String(response.headers["set-cookie"]);
      expect(setCookie).toMatch(/^kith_inbox=kis_[A-Za-z0-9_-]{43}; /);
      const attributes = setCookie.split("; ").slice(1);
      expect(attributes).toEqual(
        expect.arrayContaining(["Path=/inbox", "HttpOnly", "SameSite=Strict", `Max-Age=${7 * 24 * 3600}`]),
      );
      expect(attributes).not.toContain("Secure");

      const token = setCookie.split(";")[0]!.slice("kith_inbox=".length);
      const rows = await kit.core.db
        .selectFrom("agent_sessions")
        .selectAll()
        .where("user_id", "=", user.id)
        .execute();
      expect(rows).toHaveLength(1);
      expect(rows[0]!.token_digest).toBe(createHash("sha256").update(token).digest("hex"));
      expect(JSON.stringify(rows)).not.toContain(token);
      expect(response.headers["cache-control"]).toBe("no-store");
    });

    it("marks the cookie Secure when the request came over https (X-Forwarded-Proto)", async () => {
      const user = await createAgent(kit, kit.scope, "secure-sam");
      const { setCookie } = await login(kit, kit.workspace.slug, user, { "x-forwarded-proto": "https" });
      expect(setCookie.split("; ")).toContain("Secure");
    });

    it("answers a wrong password, an unknown user and an unknown workspace alike", async () => {
      await createAgent(kit, kit.scope, "grace");
      const answers = await Promise.all([
        attempt({ workspace: kit.workspace.slug, username: "grace", password: "wrong password" }),
        attempt({ workspace: kit.workspace.slug, username: "nobody", password: AGENT_PASSWORD }),
        attempt({ workspace: "no-such-workspace", username: "grace", password: AGENT_PASSWORD }),
        // A user of another workspace is unknown here.
        attempt({ workspace: kit.other.workspace.slug, username: "grace", password: AGENT_PASSWORD }),
      ]);
      for (const answer of answers) {
        expect(answer.statusCode).toBe(401);
        expect(answer.json).toEqual({ error: LOGIN_REFUSED, request_id: expect.any(String) });
        expect(answer.headers["set-cookie"]).toBeUndefined();
      }
    });

    it("refuses users without a password and deactivated users", async () => {
      const { createUser } = await import("../../../src/core/users/users.service.js");
      await createUser(kit.core, kit.scope, {
        username: "nopass",
        name: "No Pass",
        email: "np@agents.example",
      });
      expect(
        (await attempt({ workspace: kit.workspace.slug, username: "nopass", password: "x" })).statusCode,
      ).toBe(401);

      const user = await createAgent(kit, kit.scope, "leaver");
      const session = await login(kit, kit.workspace.slug, user);
      await kit.core.db.updateTable("users").set({ active: 0 }).where("id", "=", user.id).execute();
      expect((await inbox(kit, "GET", "/api/me", { login: session })).statusCode).toBe(401);
      const again = await attempt({
        workspace: kit.workspace.slug,
        username: "leaver",
        password: AGENT_PASSWORD,
      });
      expect(again.statusCode).toBe(401);
    });

    it("names the field of a malformed login", async () => {
      const missing = await attempt({ workspace: kit.workspace.slug, username: "ada" });
      expect(missing.statusCode).toBe(400);
      expect(missing.json.error).toBe("password: is required");
      const wrongType = await attempt({ workspace: kit.workspace.slug, username: 42, password: "x" });
      expect(wrongType.statusCode).toBe(400);
      expect(wrongType.json.error).toBe("username: must be a string");
      const form = await kit.app.inject({
        method: "POST",
        url: "/inbox/api/login",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        payload: "workspace=a&username=b&password=c",
      });
      expect(form.statusCode).toBe(415);
    });

    it("tells the page who is logged in, with the CSRF token; 401 without a session", async () => {
      const user = await createAgent(kit, kit.scope, "me-test");
      const session = await login(kit, kit.workspace.slug, user);
      const me = await inbox(kit, "GET", "/api/me", { login: session });
      expect(me.statusCode).toBe(200);
      expect(me.json.user.username).toBe("me-test");
      expect(me.json.csrf_token).toBe(session.csrf);

      const anonymous = await inbox(kit, "GET", "/api/me");
      expect(anonymous.statusCode).toBe(401);
      expect(anonymous.json.error).toMatch(/not logged in/);
      const forged = await inbox(kit, "GET", "/api/me", {
        login: { cookie: `kith_inbox=kis_${"A".repeat(43)}`, csrf: "" },
      });
      expect(forged.statusCode).toBe(401);
      expect(String(forged.headers["set-cookie"])).toMatch(/^kith_inbox=; .*Max-Age=0/);
    });

    describe("CSRF", () => {
      let session: AgentLogin;
      let conversationId: string;
      beforeAll(async () => {
        session = await login(kit, kit.workspace.slug, await createAgent(kit, kit.scope, "csrf-carl"));
        conversationId = (await visitorChat(kit.core, kit.scope, ["hello"])).conversationId;
      });
      const markRead = (headers: Record<string, string>, csrf?: string) =>
        kit.app.inject({
          method: "POST",
          url: `/inbox/api/conversations/${conversationId}/read`,
          headers: {
            cookie: session.cookie,
            ...(csrf === undefined ? {} : { "x-csrf-token": csrf }),
            ...headers,
          },
          payload: { read: true },
        });

      it("refuses a state change without the token, or with another token", async () => {
        const missing = await markRead({});
        expect(missing.statusCode).toBe(403);
        expect(missing.json().error).toBe("x-csrf-token: missing or wrong; reload the inbox");
        const other = await login(kit, kit.workspace.slug, await createAgent(kit, kit.scope, "csrf-dora"));
        expect((await markRead({}, other.csrf)).statusCode).toBe(403);
        expect((await markRead({}, `${session.csrf}x`)).statusCode).toBe(403);
      });

      it("refuses a state change from another origin even with the token", async () => {
        const foreign = await markRead(
          { origin: "https://evil.example", host: "inbox.example" },
          session.csrf,
        );
        expect(foreign.statusCode).toBe(403);
        expect(foreign.json().error).toMatch(/^origin: /);
        expect((await markRead({ origin: "null" }, session.csrf)).statusCode).toBe(403);
        expect((await markRead({ "sec-fetch-site": "cross-site" }, session.csrf)).statusCode).toBe(403);
        // https page, but the proxy says the request came over http: not the page's origin.
        const wrongScheme = await markRead(
          { origin: "https://inbox.example", host: "inbox.example", "x-forwarded-proto": "http" },
          session.csrf,
        );
        expect(wrongScheme.statusCode).toBe(403);
        // Login too: another site cannot log a browser into its own account.
        const crossLogin = await attempt(
          { workspace: kit.workspace.slug, username: "csrf-carl", password: AGENT_PASSWORD },
          { origin: "https://evil.example" },
        );
        expect(crossLogin.statusCode).toBe(403);
      });

      it("accepts the token from the page's own origin, directly or behind a TLS proxy", async () => {
        expect(
          (await markRead({ origin: "http://inbox.example", host: "inbox.example" }, session.csrf))
            .statusCode,
        ).toBe(200);
        const proxied = await markRead(
          {
            origin: "https://crm.example",
            host: "10.0.0.5:3000",
            "x-forwarded-host": "crm.example",
            "x-forwarded-proto": "https",
          },
          session.csrf,
        );
        expect(proxied.statusCode).toBe(200);
        expect((await markRead({ "sec-fetch-site": "same-origin" }, session.csrf)).statusCode).toBe(200);
      });

      it("needs the token to log out", async () => {
        const refused = await inbox(kit, "POST", "/api/logout", {
          login: { cookie: session.cookie, csrf: "" },
        });
        expect(refused.statusCode).toBe(403);
        expect((await inbox(kit, "GET", "/api/me", { login: session })).statusCode).toBe(200);
      });
    });

    it("logs out: the session row is gone and the cookie no longer works", async () => {
      const user = await createAgent(kit, kit.scope, "bye");
      const session = await login(kit, kit.workspace.slug, user);
      const out = await inbox(kit, "POST", "/api/logout", { login: session });
      expect(out.statusCode).toBe(204);
      expect(String(out.headers["set-cookie"])).toMatch(
        /^kith_inbox=; Path=\/inbox; Max-Age=0; HttpOnly; SameSite=Strict/,
      );
      expect(
        await kit.core.db.selectFrom("agent_sessions").select("id").where("user_id", "=", user.id).execute(),
      ).toEqual([]);
      expect((await inbox(kit, "GET", "/api/me", { login: session })).statusCode).toBe(401);
    });

    it("ends a session after 12 idle hours, slides it with use, and never keeps one past 7 days", async () => {
      const user = await createAgent(kit, kit.scope, "sleepy");
      const idle = await login(kit, kit.workspace.slug, user);
      clock.advance(AGENT_SESSION_LIFETIME.idleMs - 60_000);
      expect((await inbox(kit, "GET", "/api/me", { login: idle })).statusCode).toBe(200);
      // Used just now, so another 11 h 59 min later it still stands: 24 h after the login.
      clock.advance(AGENT_SESSION_LIFETIME.idleMs - 60_000);
      expect((await inbox(kit, "GET", "/api/me", { login: idle })).statusCode).toBe(200);
      clock.advance(AGENT_SESSION_LIFETIME.idleMs + 1);
      expect((await inbox(kit, "GET", "/api/me", { login: idle })).statusCode).toBe(401);

      const busy = await login(kit, kit.workspace.slug, user);
      for (let hours = 11; hours < 7 * 24; hours += 11) {
        clock.advance(11 * HOUR);
        expect((await inbox(kit, "GET", "/api/me", { login: busy })).statusCode).toBe(200);
      }
      // 165 h used so far; the session cannot reach 168 h + a little, however busy.
      clock.advance(3 * HOUR + 1);
      expect((await inbox(kit, "GET", "/api/me", { login: busy })).statusCode).toBe(401);
    });
  });

  describe(`inbox workspace isolation (${engine})`, () => {
    let kit: TestKit;
    beforeAll(async () => {
      kit = await startTestKit(engine);
    });
    afterAll(async () => {
      await kit.close();
    });

    it("never lets a session of one workspace reach another workspace's conversations", async () => {
      const mine = await visitorChat(kit.core, kit.other.scope, ["ours"]);
      const theirs = await visitorChat(kit.core, kit.scope, ["secret of the other workspace"]);
      const outsider = await login(
        kit,
        kit.other.workspace.slug,
        await createAgent(kit, kit.other.scope, "outsider"),
      );
      const before = await kit.core.db
        .selectFrom("conversations")
        .selectAll()
        .where("id", "=", theirs.conversationId)
        .executeTakeFirstOrThrow();

      const list = await inbox(kit, "GET", "/api/conversations", { login: outsider });
      expect(list.json.items.map((item: { id: string }) => item.id)).toEqual([mine.conversationId]);
      expect(list.body).not.toContain("secret of the other workspace");
      // Numbers are per workspace: #1 here is the outsider's own conversation.
      expect(mine.number).toBe(theirs.number);
      const byNumber = await inbox(kit, "GET", `/api/conversations/${theirs.number}`, { login: outsider });
      expect(byNumber.json.conversation.id).toBe(mine.conversationId);

      const id = theirs.conversationId;
      for (const [method, path, body] of [
        ["GET", `/api/conversations/${id}`, undefined],
        ["POST", `/api/conversations/${id}/messages`, { text: "hi" }],
        ["POST", `/api/conversations/${id}/assign`, { user_id: outsider.user.id }],
        ["POST", `/api/conversations/${id}/close`, undefined],
        ["POST", `/api/conversations/${id}/read`, { read: true }],
      ] as const) {
        const response = await inbox(kit, method, path, { login: outsider, body });
        expect(response.statusCode, `${method} ${path}`).toBe(404);
        expect(response.json.error).toBe("conversation not found");
      }
      const after = await kit.core.db
        .selectFrom("conversations")
        .selectAll()
        .where("id", "=", theirs.conversationId)
        .executeTakeFirstOrThrow();
      expect(after).toEqual(before);
      const messages = await kit.core.db
        .selectFrom("chat_messages")
        .select("sender")
        .where("conversation_id", "=", theirs.conversationId)
        .execute();
      expect(messages.map((message) => message.sender)).not.toContain("agent");
    });
  });

  describe(`inbox login rate limit (${engine})`, () => {
    let kit: TestKit;
    let redisLimiterClose: (() => Promise<void>) | null = null;
    beforeAll(async () => {
      kit = await startTestKit(engine, { limiter: new MemoryRateLimiter() });
    });
    afterAll(async () => {
      await redisLimiterClose?.();
      await kit.close();
    });

    const wrong = (username: string, address = "198.51.100.1") =>
      kit.app.inject({
        method: "POST",
        url: "/inbox/api/login",
        remoteAddress: address,
        payload: { workspace: kit.workspace.slug, username, password: "not it" },
      });

    it("blocks an account after 10 attempts in 15 minutes, even with the right password, with Retry-After", async () => {
      const user = await createAgent(kit, kit.scope, "target");
      for (let index = 0; index < LOGIN_LIMITS.perAccount; index++) {
        expect((await wrong("target", `198.51.100.${10 + index}`)).statusCode).toBe(401);
      }
      const blocked = await wrong("target", "198.51.100.99");
      expect(blocked.statusCode).toBe(429);
      expect(blocked.json().error).toMatch(/^too many login attempts; try again in \d+ seconds$/);
      // The window is 15 minutes, not the API limiter's 60 seconds.
      expect(Number(blocked.headers["retry-after"])).toBeGreaterThan(14 * 60);
      expect(Number(blocked.headers["retry-after"])).toBeLessThanOrEqual(15 * 60);
      const right = await kit.app.inject({
        method: "POST",
        url: "/inbox/api/login",
        remoteAddress: "198.51.100.98",
        payload: { workspace: kit.workspace.slug, username: user.username, password: AGENT_PASSWORD },
      });
      expect(right.statusCode).toBe(429);
      // Another account is not affected.
      const other = await createAgent(kit, kit.scope, "bystander");
      expect((await login(kit, kit.workspace.slug, other)).csrf).toBeTruthy();
    });

    it("blocks an address after 30 attempts in 15 minutes, whatever the usernames", async () => {
      for (let index = 0; index < LOGIN_LIMITS.perAddress; index++) {
        expect((await wrong(`guess-${index}`, "192.0.2.50")).statusCode).toBe(401);
      }
      const blocked = await wrong("guess-next", "192.0.2.50");
      expect(blocked.statusCode).toBe(429);
      expect(Number(blocked.headers["retry-after"])).toBeGreaterThan(14 * 60);
      expect((await wrong("guess-next", "192.0.2.51")).statusCode).toBe(401);
    });

    // With REDIS_URL the attempts are counted in Redis, shared by every process.
    const redisUrl = process.env.KITH_TEST_REDIS_URL;
    if (redisUrl) {
      it("keeps the 15-minute window in Redis", async () => {
        const prefix = `kith-test:${randomUUID()}:`;
        const limiter = await createRedisRateLimiter(redisUrl, {
          fallback: new MemoryRateLimiter(),
          keyPrefix: prefix,
        });
        redisLimiterClose = () => limiter.close();
        const key = "inbox-login:user:acme:someone";
        const hit = () => limiter.hit(key, LOGIN_LIMITS.perAccount, undefined, LOGIN_LIMITS.windowMs);
        for (let index = 0; index < LOGIN_LIMITS.perAccount; index++)
          expect((await hit()).allowed).toBe(true);
        const blocked = await hit();
        expect(blocked.allowed).toBe(false);
        expect(blocked.retryAfter).toBeGreaterThan(14 * 60);
        expect(limiter.fallbackCount).toBe(0);
        expect(await limiter.redis.pttl(prefix + key)).toBeGreaterThan(14 * 60 * 1000);
      });
    }
  });
}
