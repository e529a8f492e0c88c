import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { User } from "../../../src/core/users/users.service.js";
import { startTestKit, type TestKit } from "../../support/app.js";
import { ENGINES } from "../../support/engines.js";
import { type AgentLogin, createAgent, inbox, login, visitorChat } from "../../support/inbox.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

for (const engine of ENGINES) {
  describe(`inbox API (${engine})`, () => {
    let kit: TestKit;
    let agent: User;
    let colleague: User;
    let session: AgentLogin;
    let waiting: { conversationId: string; number: number };
    let quiet: { conversationId: string; number: number };
    let withEmail: { conversationId: string; number: number };

    beforeAll(async () => {
      kit = await startTestKit(engine);
      agent = await createAgent(kit, kit.scope, "ada", "Ada Lovelace");
      colleague = await createAgent(kit, kit.scope, "grace", "Grace Hopper");
      session = await login(kit, kit.workspace.slug, agent);
      quiet = await visitorChat(kit.core, kit.scope, []);
      withEmail = await visitorChat(
        kit.core,
        kit.scope,
        ["my email is not working", "it is jane.doe@example.com"],
        {
          pageUrl: "https://shop.example/help?topic=email",
          referrer: "https://www.search.example/?q=help",
          userAgent: "Mozilla/5.0 TestBrowser/2.0",
        },
      );
      waiting = await visitorChat(kit.core, kit.scope, ["hello", "Talk to a human"]);
    });
    afterAll(async () => {
      await kit.close();
    });

    const api = (method: "GET" | "POST", path: string, body?: unknown) =>
      inbox(kit, method, path, { login: session, body });

    it("lists conversations by status, newest activity first, with unread counts per status", async () => {
      const open = await api("GET", "/api/conversations?status=open");
      expect(open.statusCode).toBe(200);
      expect(open.json.items.map((item: any) => item.id)).toEqual([
        withEmail.conversationId,
        quiet.conversationId,
      ]);
      expect(open.json).toMatchObject({ total: 2, page: 1, per_page: 50 });
      expect(open.json.unread).toEqual({ open: 1, waiting: 1, closed: 0 });
      expect(open.json.items[0]).toEqual({
        id: withEmail.conversationId,
        number: withEmail.number,
        status: "open",
        visitor_id: expect.any(String),
        visitor_name: null,
        visitor_email: "jane.doe@example.com",
        assignee: null,
        is_read: false,
        tags: [],
        last_message_at: expect.stringMatching(TIME),
        last_message_preview: expect.any(String),
        created_at: expect.stringMatching(TIME),
        updated_at: expect.stringMatching(TIME),
        closed_at: null,
      });

      const waitingList = await api("GET", "/api/conversations?status=waiting");
      expect(waitingList.json.items.map((item: any) => item.id)).toEqual([waiting.conversationId]);
      const all = await api("GET", "/api/conversations");
      expect(all.json.total).toBe(3);
      const unreadOnly = await api("GET", "/api/conversations?unread=true");
      expect(unreadOnly.json.items.map((item: any) => item.id).sort()).toEqual(
        [withEmail.conversationId, waiting.conversationId].sort(),
      );
      const paged = await api("GET", "/api/conversations?per_page=1&page=2");
      expect(paged.json).toMatchObject({ total: 3, page: 2, per_page: 1 });
      expect(paged.json.items).toHaveLength(1);
    });

    it("names the field of a bad filter", async () => {
      const status = await api("GET", "/api/conversations?status=archived");
      expect(status.statusCode).toBe(400);
      expect(status.json.error).toBe("status: must be one of open, waiting, closed");
      const page = await api("GET", "/api/conversations?page=0");
      expect(page.statusCode).toBe(400);
      expect(page.json.error).toBe("page: must be at least 1");
      const mine = await api("GET", "/api/conversations?mine=perhaps");
      expect(mine.statusCode).toBe(400);
      expect(mine.json.error).toBe("mine: must be true or false");
    });

    it("reads one conversation with its messages and the visitor's context and linked lead", async () => {
      const byId = await api("GET", `/api/conversations/${withEmail.conversationId}`);
      expect(byId.statusCode).toBe(200);
      const lead = await kit.core.db
        .selectFrom("leads")
        .select(["id", "seq"])
        .where("workspace_id", "=", kit.workspace.id)
        .where("email_normalized", "=", "jane.doe@example.com")
        .executeTakeFirstOrThrow();
      expect(byId.json.conversation).toMatchObject({
        id: withEmail.conversationId,
        page_url: "https://shop.example/help?topic=email",
        referrer: "https://www.search.example/?q=help",
        user_agent: "Mozilla/5.0 TestBrowser/2.0",
        ip: "203.0.113.7",
        lead: { id: lead.id, number: Number(lead.seq), name: null, email: "jane.doe@example.com" },
        contact: null,
      });
      const messages = byId.json.messages;
      expect(messages.map((message: any) => message.sender)).toEqual(["visitor", "bot", "visitor", "bot"]);
      expect(messages[0]).toEqual({
        id: expect.stringMatching(UUID),
        conversation_id: withEmail.conversationId,
        sender: "visitor",
        text: "my email is not working",
        suggested_actions: [],
        author_user_id: null,
        author_name: null,
        created_at: expect.stringMatching(TIME),
      });
      expect(messages[1].suggested_actions.length).toBeGreaterThan(0);
      // Reading does not mark read: the page does that explicitly.
      expect(byId.json.conversation.is_read).toBe(false);

      const byNumber = await api("GET", `/api/conversations/${withEmail.number}`);
      expect(byNumber.json.conversation.id).toBe(withEmail.conversationId);
    });

    it("answers 400 for a malformed id and 404 for an unknown one", async () => {
      const malformed = await api("GET", "/api/conversations/not-an-id");
      expect(malformed.statusCode).toBe(400);
      expect(malformed.json.error).toBe("id: must be a conversation number or UUID");
      const unknown = await api("GET", "/api/conversations/019a0000-0000-7000-8000-000000000000");
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json.error).toBe("conversation not found");
      expect((await api("GET", "/api/conversations/99999")).statusCode).toBe(404);
      const route = await api("GET", "/api/nothing-here");
      expect(route.statusCode).toBe(404);
      expect(route.json.error).toBe("no inbox endpoint GET /inbox/api/nothing-here");
    });

    it("replies as the logged-in agent: the message shows sender agent and the agent's name", async () => {
      const reply = await api("POST", `/api/conversations/${waiting.conversationId}/messages`, {
        text: "Hi, Ada here. How can I help?",
      });
      expect(reply.statusCode).toBe(201);
      expect(reply.json.message).toEqual({
        id: expect.stringMatching(UUID),
        conversation_id: waiting.conversationId,
        sender: "agent",
        text: "Hi, Ada here. How can I help?",
        suggested_actions: [],
        author_user_id: agent.id,
        author_name: "Ada Lovelace",
        created_at: expect.stringMatching(TIME),
      });
      const read = await api("GET", `/api/conversations/${waiting.conversationId}`);
      expect(read.json.messages.at(-1)).toEqual(reply.json.message);
      // An answer reopens a waiting conversation and marks it read.
      expect(read.json.conversation).toMatchObject({ status: "open", is_read: true });
    });

    it("names the field of a bad reply", async () => {
      const path = `/api/conversations/${quiet.conversationId}/messages`;
      const missing = await api("POST", path, {});
      expect(missing.statusCode).toBe(400);
      expect(missing.json.error).toBe("text: is required");
      const empty = await api("POST", path, { text: "   " });
      expect(empty.statusCode).toBe(400);
      expect(empty.json.error).toMatch(/^text: /);
      const long = await api("POST", path, { text: "x".repeat(2001) });
      expect(long.statusCode).toBe(400);
      expect(long.json.error).toMatch(/^text: .*2000/);
      const badJson = await kit.app.inject({
        method: "POST",
        url: `/inbox${path}`,
        headers: { cookie: session.cookie, "x-csrf-token": session.csrf, "content-type": "application/json" },
        payload: "{not json",
      });
      expect(badJson.statusCode).toBe(400);
      expect(badJson.json().error).toBe("body: must be valid JSON");
    });

    it("assigns to me, filters mine, unassigns, and refuses users of nowhere", async () => {
      const path = `/api/conversations/${quiet.conversationId}/assign`;
      const mine = await api("POST", path, { user_id: agent.id });
      expect(mine.statusCode).toBe(200);
      expect(mine.json.conversation).toMatchObject({
        id: quiet.conversationId,
        assignee: { id: agent.id, name: "Ada Lovelace" },
      });
      const mineList = await api("GET", "/api/conversations?status=open&mine=true");
      expect(mineList.json.items.map((item: any) => item.id)).toEqual([quiet.conversationId]);

      const toColleague = await api("POST", path, { user_id: colleague.id });
      expect(toColleague.json.conversation.assignee).toEqual({ id: colleague.id, name: "Grace Hopper" });
      expect((await api("GET", "/api/conversations?mine=true")).json.total).toBe(0);

      const none = await api("POST", path, { user_id: null });
      expect(none.json.conversation.assignee).toBeNull();

      const stranger = await createAgent(kit, kit.other.scope, "stranger");
      const refused = await api("POST", path, { user_id: stranger.id });
      expect(refused.statusCode).toBe(400);
      expect(refused.json.error).toBe("user_id: no such user in this workspace");
      const missing = await api("POST", path, {});
      expect(missing.statusCode).toBe(400);
      expect(missing.json.error).toBe("user_id: is required");
    });

    it("marks read and unread, which the unread counts follow", async () => {
      const path = `/api/conversations/${withEmail.conversationId}/read`;
      const read = await api("POST", path, { read: true });
      expect(read.statusCode).toBe(200);
      expect(read.json.conversation.is_read).toBe(true);
      expect((await api("GET", "/api/conversations?status=open")).json.unread.open).toBe(0);
      const unread = await api("POST", path, { read: false });
      expect(unread.json.conversation.is_read).toBe(false);
      expect((await api("GET", "/api/conversations?status=open")).json.unread.open).toBe(1);
      const bad = await api("POST", path, { read: "yes" });
      expect(bad.statusCode).toBe(400);
      expect(bad.json.error).toBe("read: must be true or false");
    });

    it("closes a conversation, which then takes no reply", async () => {
      const closed = await api("POST", `/api/conversations/${withEmail.conversationId}/close`);
      expect(closed.statusCode).toBe(200);
      expect(closed.json.conversation).toMatchObject({
        status: "closed",
        closed_at: expect.stringMatching(TIME),
      });
      const list = await api("GET", "/api/conversations?status=closed");
      expect(list.json.items.map((item: any) => item.id)).toEqual([withEmail.conversationId]);
      expect(list.json.unread.closed).toBe(1);
      const reply = await api("POST", `/api/conversations/${withEmail.conversationId}/messages`, {
        text: "late",
      });
      expect(reply.statusCode).toBe(409);
      expect(reply.json.error).toBe("status: the conversation is closed");
    });

    it("refuses every route without a session", async () => {
      const id = quiet.conversationId;
      for (const [method, path] of [
        ["GET", "/api/conversations"],
        ["GET", `/api/conversations/${id}`],
        ["POST", `/api/conversations/${id}/messages`],
        ["POST", `/api/conversations/${id}/assign`],
        ["POST", `/api/conversations/${id}/close`],
        ["POST", `/api/conversations/${id}/read`],
        ["GET", "/api/stream"],
      ] as const) {
        const response = await inbox(kit, method, path, { body: method === "POST" ? {} : undefined });
        expect(response.statusCode, `${method} ${path}`).toBe(401);
      }
    });
  });

  describe(`inbox page (${engine})`, () => {
    let kit: TestKit;
    beforeAll(async () => {
      kit = await startTestKit(engine);
    });
    afterAll(async () => {
      await kit.close();
    });

    it("serves the page with a strict CSP, no inline script or style, and no framing", async () => {
      const page = await kit.app.inject({ method: "GET", url: "/inbox" });
      expect(page.statusCode).toBe(200);
      expect(page.headers["content-type"]).toBe("text/html; charset=utf-8");
      const csp = String(page.headers["content-security-policy"]);
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain("unsafe-inline");
      expect(page.headers["x-frame-options"]).toBe("DENY");
      expect(page.headers["x-content-type-options"]).toBe("nosniff");
      expect(page.headers["cache-control"]).toBe("no-store");
      const scripts = [...page.body.matchAll(/<script([^>]*)>/g)].map((match) => match[1]);
      expect(scripts).toEqual([expect.stringMatching(/^ src="\/inbox\/app\.js\?v=[0-9a-f]{16}" defer$/)]);
      expect(page.body).not.toMatch(/<style|\sstyle=|\son\w+=/);
      expect((await kit.app.inject({ method: "GET", url: "/inbox/" })).statusCode).toBe(200);
    });

    it("serves the script and stylesheet with a version for caching and an ETag", async () => {
      const page = await kit.app.inject({ method: "GET", url: "/inbox" });
      const src = page.body.match(/src="([^"]+)"/)![1]!;
      const script = await kit.app.inject({ method: "GET", url: src });
      expect(script.statusCode).toBe(200);
      expect(script.headers["content-type"]).toBe("text/javascript; charset=utf-8");
      expect(script.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
      expect(script.body.length).toBeGreaterThan(1000);
      expect(script.body).not.toContain("innerHTML");
      const etag = String(script.headers.etag);
      const again = await kit.app.inject({
        method: "GET",
        url: "/inbox/app.js",
        headers: { "if-none-match": etag },
      });
      expect(again.statusCode).toBe(304);
      expect((await kit.app.inject({ method: "GET", url: "/inbox/app.js" })).headers["cache-control"]).toBe(
        "no-cache",
      );

      const href = page.body.match(/href="([^"]+\.css[^"]*)"/)![1]!;
      const css = await kit.app.inject({ method: "GET", url: href });
      expect(css.statusCode).toBe(200);
      expect(css.headers["content-type"]).toBe("text/css; charset=utf-8");
    });
  });
}
