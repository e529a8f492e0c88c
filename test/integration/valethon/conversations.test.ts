/**
 * The agents' side of the website chat through the Valethon API: list and filter, read, reply,
 * assign, close, mark read, tag; the events each write appends and their webhook fan-out.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser } from "../../../src/core/users/users.service.js";
import { fanOutEvents } from "../../../src/core/webhooks/deliveries.js";
import { call, startTestKit, type TestKit, VALETHON } from "../../support/app.js";
import { ENGINES } from "../../support/engines.js";

const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** A public IP literal: accepted without DNS and without KITH_WEBHOOK_ALLOW_PRIVATE. */
const PUBLIC_URL = "https://93.184.216.34/hooks/chat";

for (const engine of ENGINES) {
  describe(`Valethon conversations (${engine})`, () => {
    let kit: TestKit;
    let publicKey: string;
    let agent: { id: string; number: number };
    let visitors = 0;
    beforeAll(async () => {
      kit = await startTestKit(engine);
      publicKey = await kit.newKey(kit.scope, { type: "public_live" });
      agent = await createUser(kit.core, kit.scope, {
        username: "alice",
        name: "Alice Agent",
        email: "alice@acme.test",
      });
    });
    afterAll(async () => {
      await kit?.close();
    });

    const api = (method: "GET" | "POST" | "PUT", path: string, body?: unknown, key?: string) =>
      call(kit, method, `${VALETHON}${path}`, { key: key ?? kit.secretKey, body });
    const widget = (path: string, body: unknown, key = publicKey) =>
      call(kit, "POST", `${VALETHON}${path}`, { key, body });

    /** A visitor's conversation: its session id and its number, after the given messages. */
    async function conversation(messages: string[] = [], key = publicKey) {
      const visitorId = `v_conv${++visitors}`;
      const init = await widget(
        "/widget/init",
        { visitor_id: visitorId, page_url: "https://acme.example/pricing", referrer: "https://google.com" },
        key,
      );
      const sessionId = init.json.session_id as string;
      for (const message of messages) {
        expect((await widget("/widget/message", { session_id: sessionId, message }, key)).statusCode).toBe(
          200,
        );
      }
      const row = await kit.core.db
        .selectFrom("conversations")
        .select(["id", "seq"])
        .where("visitor_id", "=", visitorId)
        .executeTakeFirstOrThrow();
      return { sessionId, id: row.id, number: Number(row.seq), visitorId };
    }

    it("reads a conversation with its messages in Valethon's shape", async () => {
      const chat = await conversation(["Hello there", "my printer is jammed"]);
      const response = await api("GET", `/conversations/${chat.number}`);
      expect(response.statusCode).toBe(200);
      expect(response.json.data).toEqual({
        conversation_id: chat.number,
        uuid: chat.id,
        visitor_id: chat.visitorId,
        visitor_name: null,
        visitor_email: null,
        visitor_ip: "127.0.0.1",
        user_agent: expect.any(String),
        referrer: "https://google.com",
        page_url: "https://acme.example/pricing",
        status: "open",
        assigned_to: null,
        is_read: false,
        tags: [],
        lead_id: null,
        contact_id: null,
        prospect_id: null,
        last_message_at: expect.stringMatching(TIME),
        last_message_preview: expect.stringContaining("Printer problems"),
        created_at: expect.stringMatching(TIME),
        updated_at: expect.stringMatching(TIME),
        closed_at: null,
        messages: [
          expect.objectContaining({ sender: "visitor", text: "Hello there" }),
          expect.objectContaining({ sender: "bot" }),
          expect.objectContaining({ sender: "visitor", text: "my printer is jammed" }),
          expect.objectContaining({ sender: "bot", suggested_actions: ["Create ticket", "Talk to a human"] }),
        ],
      });
      expect(response.json.data.messages[0]).toEqual({
        id: expect.stringMatching(UUID),
        sender: "visitor",
        text: "Hello there",
        suggested_actions: [],
        author_user_id: null,
        author_name: null,
        created_at: expect.stringMatching(TIME),
      });
      const paged = await api(
        "GET",
        `/conversations/${chat.number}/messages?after=${response.json.data.messages[1].id}&limit=1`,
      );
      expect(paged.json.data.map((message: any) => message.text)).toEqual(["my printer is jammed"]);
      expect((await api("GET", "/conversations/999999")).statusCode).toBe(404);
    });

    it("replies as an agent: the visitor's transcript shows it, a waiting conversation opens, the bot stays quiet", async () => {
      const chat = await conversation(["I want a person", "Talk to a human"]);
      expect((await api("GET", `/conversations/${chat.number}`)).json.data.status).toBe("waiting");
      const reply = await api("POST", `/conversations/${chat.number}/messages`, {
        text: "Hi, Alice here. How can I help?",
        author_user_id: agent.number,
      });
      expect(reply.statusCode).toBe(201);
      expect(reply.json.data).toEqual({
        id: expect.stringMatching(UUID),
        sender: "agent",
        text: "Hi, Alice here. How can I help?",
        suggested_actions: [],
        author_user_id: agent.number,
        author_name: "Alice Agent",
        created_at: expect.stringMatching(TIME),
      });
      const read = (await api("GET", `/conversations/${chat.number}`)).json.data;
      expect(read).toMatchObject({ status: "open", is_read: true });
      const transcript = await call(kit, "GET", `${VALETHON}/widget/messages?session_id=${chat.sessionId}`, {
        key: publicKey,
      });
      expect(transcript.json.data.messages.at(-1)).toEqual({
        id: reply.json.data.id,
        sender: "agent",
        text: "Hi, Alice here. How can I help?",
        suggested_actions: [],
        author_name: "Alice Agent",
        created_at: reply.json.data.created_at,
      });
      // The visitor answers: no bot reply; the conversation waits for the agent again, unread.
      const answer = await widget("/widget/message", {
        session_id: chat.sessionId,
        message: "my email is broken",
      });
      expect(answer.json).toEqual({ success: true, response: { message: "", suggested_actions: [] } });
      expect((await api("GET", `/conversations/${chat.number}`)).json.data).toMatchObject({
        status: "waiting",
        is_read: false,
        last_message_preview: "my email is broken",
      });
      // An anonymous reply (no author) is allowed; an unknown author is refused.
      expect(
        (await api("POST", `/conversations/${chat.number}/messages`, { text: "Team here" })).json.data
          .author_user_id,
      ).toBeNull();
      const unknown = await api("POST", `/conversations/${chat.number}/messages`, {
        text: "x",
        author_user_id: 9999,
      });
      expect(unknown.statusCode).toBe(400);
      expect(unknown.json.error).toMatch(/^author_user_id: /);
      const empty = await api("POST", `/conversations/${chat.number}/messages`, { text: "" });
      expect(empty.statusCode).toBe(400);
      expect(empty.json.error).toMatch(/^text: /);
    });

    it("assigns and unassigns; an assignee silences the bot", async () => {
      const chat = await conversation(["hello"]);
      const assigned = await api("POST", `/conversations/${chat.number}/assign`, {
        assigned_to: agent.number,
      });
      expect(assigned.statusCode).toBe(200);
      expect(assigned.json.data.assigned_to).toBe(agent.number);
      const quiet = await widget("/widget/message", {
        session_id: chat.sessionId,
        message: "my wifi is down",
      });
      expect(quiet.json.response).toEqual({ message: "", suggested_actions: [] });
      const unassigned = await api("POST", `/conversations/${chat.number}/assign`, { assigned_to: null });
      expect(unassigned.json.data.assigned_to).toBeNull();
      const bad = await api("POST", `/conversations/${chat.number}/assign`, { assigned_to: 4242 });
      expect(bad.statusCode).toBe(400);
      expect(bad.json.error).toMatch(/^assigned_to: /);
      const missing = await api("POST", `/conversations/${chat.number}/assign`, {});
      expect(missing.statusCode).toBe(400);
      expect(missing.json.error).toMatch(/^assigned_to: /);
      const events = await kit.core.db
        .selectFrom("events")
        .select(["type", "data"])
        .where("entity_id", "=", chat.id)
        .where("type", "=", "conversation.assigned")
        .orderBy("position")
        .execute();
      expect(events).toHaveLength(2);
      expect(JSON.parse(events[0]!.data).changes).toEqual({ assigneeUserId: { from: null, to: agent.id } });
    });

    it("closes: the widget session ends, replies are refused, closing again changes nothing", async () => {
      const chat = await conversation(["hello"]);
      const closed = await api("POST", `/conversations/${chat.number}/close`);
      expect(closed.json.data).toMatchObject({ status: "closed", closed_at: expect.stringMatching(TIME) });
      const again = await api("POST", `/conversations/${chat.number}/close`);
      expect(again.json.data.closed_at).toBe(closed.json.data.closed_at);
      const refused = await api("POST", `/conversations/${chat.number}/messages`, { text: "still there?" });
      expect(refused.statusCode).toBe(409);
      expect(refused.json.code).toBe("CONFLICT");
      expect(
        (await widget("/widget/message", { session_id: chat.sessionId, message: "hi" })).statusCode,
      ).toBe(404);
      const closes = await kit.core.db
        .selectFrom("events")
        .select("type")
        .where("entity_id", "=", chat.id)
        .where("type", "=", "conversation.closed")
        .execute();
      expect(closes).toHaveLength(1);
    });

    it("marks read and unread", async () => {
      const chat = await conversation(["hello"]);
      expect((await api("GET", `/conversations/${chat.number}`)).json.data.is_read).toBe(false);
      expect((await api("POST", `/conversations/${chat.number}/read`)).json.data.is_read).toBe(true);
      expect(
        (await api("POST", `/conversations/${chat.number}/read`, { read: false })).json.data.is_read,
      ).toBe(false);
      expect(
        (await api("POST", `/conversations/${chat.number}/read`, { read: true })).json.data.is_read,
      ).toBe(true);
      const bad = await api("POST", `/conversations/${chat.number}/read`, { read: "yes" });
      expect(bad.statusCode).toBe(400);
      expect(bad.json.error).toMatch(/^read: /);
    });

    it("replaces tags, trimmed and without case-insensitive repeats", async () => {
      const chat = await conversation(["hello"]);
      const tagged = await api("PUT", `/conversations/${chat.number}/tags`, {
        tags: [" Support ", "urgent", "support", ""],
      });
      expect(tagged.json.data.tags).toEqual(["Support", "urgent"]);
      expect((await api("GET", `/conversations/${chat.number}`)).json.data.tags).toEqual([
        "Support",
        "urgent",
      ]);
      expect((await api("PUT", `/conversations/${chat.number}/tags`, { tags: [] })).json.data.tags).toEqual(
        [],
      );
      const bad = await api("PUT", `/conversations/${chat.number}/tags`, { tags: ["x".repeat(51)] });
      expect(bad.statusCode).toBe(400);
      expect(bad.json.error).toMatch(/^tags/);
    });

    it("lists newest activity first with filters on status, assignee, unread and tag, paginated", async () => {
      const fresh = await kit.newWorkspace(`Lists ${engine}`);
      const key = await kit.newKey(fresh.scope, { type: "public_live" });
      const bob = await createUser(kit.core, fresh.scope, {
        username: "bob",
        name: "Bob",
        email: "bob@acme.test",
      });
      const list = async (query = "") =>
        (await api("GET", `/conversations${query}`, undefined, fresh.secretKey)).json;
      const a = await conversation(["first"], key);
      const b = await conversation(["second"], key);
      const c = await conversation(["third"], key);
      await api("POST", `/conversations/${a.number}/assign`, { assigned_to: bob.number }, fresh.secretKey);
      await api("POST", `/conversations/${b.number}/close`, undefined, fresh.secretKey);
      await api("PUT", `/conversations/${c.number}/tags`, { tags: ["VIP"] }, fresh.secretKey);
      await api("POST", `/conversations/${c.number}/read`, undefined, fresh.secretKey);
      // A later message puts a conversation first.
      await widget("/widget/message", { session_id: a.sessionId, message: "anyone?" }, key);

      const all = await list();
      expect(all.data.map((item: any) => item.conversation_id)).toEqual([a.number, c.number, b.number]);
      expect(all.pagination).toEqual({ page: 1, per_page: 25, total: 3, total_pages: 1 });
      const numbers = async (query: string) =>
        (await list(query)).data.map((item: any) => item.conversation_id);
      expect(await numbers("?status=closed")).toEqual([b.number]);
      expect(await numbers("?status=open")).toEqual([c.number]);
      expect(await numbers(`?assigned_to=${bob.number}`)).toEqual([a.number]);
      expect(await numbers("?assigned_to=none")).toEqual([c.number, b.number]);
      expect(await numbers("?assigned_to=77")).toEqual([]);
      expect(await numbers("?unread=true")).toEqual([a.number, b.number]);
      expect(await numbers("?unread=false")).toEqual([c.number]);
      expect(await numbers("?tag=vip")).toEqual([c.number]);
      const paged = await list("?per_page=2&page=2");
      expect(paged.data.map((item: any) => item.conversation_id)).toEqual([b.number]);
      expect(paged.pagination).toEqual({ page: 2, per_page: 2, total: 3, total_pages: 2 });
      for (const [query, field] of [
        ["?status=lost", "status"],
        ["?assigned_to=bob", "assigned_to"],
        ["?per_page=101", "per_page"],
        ["?unread=maybe", "unread"],
      ]) {
        const response = await api("GET", `/conversations${query}`, undefined, fresh.secretKey);
        expect(response.statusCode, query).toBe(400);
        expect(response.json.error).toMatch(new RegExp(`^${field}: `));
      }
      // The main workspace sees none of these.
      const mine = (await api("GET", "/conversations?per_page=100")).json.data.map((item: any) => item.uuid);
      for (const chat of [a, b, c]) expect(mine).not.toContain(chat.id);
    });

    it("never reaches another workspace's conversation", async () => {
      const chat = await conversation(["private"]);
      const intruder = await kit.newWorkspace(`Intruder ${engine}`);
      const before = (await api("GET", `/conversations/${chat.number}`)).json;
      for (const [method, path, body] of [
        ["GET", "", undefined],
        ["GET", "/messages", undefined],
        ["POST", "/messages", { text: "hi" }],
        ["POST", "/assign", { assigned_to: null }],
        ["POST", "/close", undefined],
        ["POST", "/read", { read: true }],
        ["PUT", "/tags", { tags: ["x"] }],
      ] as const) {
        const response = await api(method, `/conversations/${chat.number}${path}`, body, intruder.secretKey);
        expect(response.statusCode, `${method} ${path}`).toBe(404);
      }
      expect((await api("GET", `/conversations/${chat.number}`)).json).toEqual(before);
    });

    it("needs conversations:read to read and conversations:write to change", async () => {
      const chat = await conversation(["hello"]);
      const reader = await kit.newKey(kit.scope, { type: "secret", scopes: ["conversations:read"] });
      const writer = await kit.newKey(kit.scope, { type: "secret", scopes: ["conversations:write"] });
      expect((await api("GET", "/conversations", undefined, reader)).statusCode).toBe(200);
      expect((await api("GET", `/conversations/${chat.number}`, undefined, writer)).statusCode).toBe(403);
      expect((await api("POST", `/conversations/${chat.number}/read`, undefined, reader)).statusCode).toBe(
        403,
      );
      expect((await api("POST", `/conversations/${chat.number}/read`, undefined, writer)).statusCode).toBe(
        200,
      );
    });

    it("appends conversation events and fans the three chat events out to subscribed webhooks", async () => {
      const fresh = await kit.newWorkspace(`Hooks ${engine}`);
      const key = await kit.newKey(fresh.scope, { type: "public_live" });
      const hook = await api(
        "POST",
        "/webhooks",
        {
          url: PUBLIC_URL,
          events: ["conversation.created", "conversation.message_created", "conversation.closed"],
        },
        fresh.secretKey,
      );
      expect(hook.statusCode).toBe(201);
      const chat = await conversation(["I need help with my email"], key);
      await api("PUT", `/conversations/${chat.number}/tags`, { tags: ["billing"] }, fresh.secretKey);
      await api("POST", `/conversations/${chat.number}/messages`, { text: "On it" }, fresh.secretKey);
      await api("POST", `/conversations/${chat.number}/close`, undefined, fresh.secretKey);

      const events = await kit.core.db
        .selectFrom("events")
        .select(["type", "data"])
        .where("entity_id", "=", chat.id)
        .orderBy("position")
        .execute();
      expect(events.map((event) => event.type)).toEqual([
        "conversation.created",
        "conversation.message_created",
        "conversation.message_created",
        "conversation.updated",
        "conversation.updated",
        "conversation.message_created",
        "conversation.updated",
        "conversation.closed",
      ]);
      const visitorMessage = JSON.parse(events[1]!.data);
      expect(visitorMessage).toMatchObject({
        sender: "visitor",
        text: "I need help with my email",
        conversation: { id: chat.id, number: chat.number, visitorId: chat.visitorId },
      });

      for (let round = 0; round < 20; round++) if ((await fanOutEvents(kit.core)).events === 0) break;
      const deliveries = await kit.core.db
        .selectFrom("webhook_deliveries")
        .select(["event_type", "payload"])
        .where("workspace_id", "=", fresh.workspace.id)
        .orderBy("seq")
        .execute();
      expect(deliveries.map((delivery) => delivery.event_type)).toEqual([
        "conversation.created",
        "conversation.message_created",
        "conversation.message_created",
        "conversation.message_created",
        "conversation.closed",
      ]);
      const closed = JSON.parse(deliveries.at(-1)!.payload);
      expect(closed).toMatchObject({
        event: "conversation.closed",
        data: { id: chat.id, status: "closed", tags: ["billing"] },
      });
      const refused = await api(
        "POST",
        "/webhooks",
        { url: PUBLIC_URL, events: ["conversation.updated"] },
        fresh.secretKey,
      );
      expect(refused.statusCode).toBe(400);
    });
  });
}
