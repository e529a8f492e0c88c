/**
 * The website-chat bot through HTTP: default intents, intent management, matching, the fallback,
 * its three actions (service status, ticket, hand-off), and lead capture from a visitor's email.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BotIntent } from "../../../src/core/chat-bot/intent.types.js";
import { matchIntent, normalizeForMatching } from "../../../src/core/chat-bot/intent-matching.js";
import { call, startTestKit, type TestKit, VALETHON } from "../../support/app.js";
import { ENGINES } from "../../support/engines.js";

const FALLBACK =
  "I'm not sure I understood. Could you describe the problem in a few words? You can also create a ticket or talk to a person.";

describe("intent matching (pure)", () => {
  const intent = (number: number, fields: Partial<BotIntent>): BotIntent => ({
    id: `id-${number}`,
    number,
    name: `intent ${number}`,
    keywords: [],
    phrases: [],
    reply: `reply ${number}`,
    suggestedActions: [],
    priority: 0,
    enabled: true,
    createdAt: "",
    updatedAt: "",
    ...fields,
  });

  it("compares words without case, accents or punctuation", () => {
    expect(normalizeForMatching("  Ça NE  marche-pas! Überweisung ")).toBe("ca ne marche pas uberweisung");
    const intents = [intent(1, { keywords: ["überweisung"] }), intent(2, { phrases: ["Reset my password"] })];
    expect(matchIntent(intents, "UBERWEISUNG bitte")?.number).toBe(1);
    expect(matchIntent(intents, "Can you reset my PASSWORD?")?.number).toBe(2);
    expect(matchIntent(intents, "reset the password")).toBeNull();
  });

  it("matches whole words and their plurals, not parts of words", () => {
    const intents = [intent(1, { keywords: ["printer", "box"] })];
    expect(matchIntent(intents, "both printers are broken")?.number).toBe(1);
    expect(matchIntent(intents, "two boxes")?.number).toBe(1);
    expect(matchIntent(intents, "the blueprinter")).toBeNull();
  });

  it("prefers the higher priority, then more matched terms, then the older intent; skips disabled ones", () => {
    const low = intent(1, { keywords: ["email", "outlook"], priority: 1 });
    const high = intent(2, { keywords: ["email"], priority: 5 });
    expect(matchIntent([low, high], "outlook email")?.number).toBe(2);
    const more = intent(3, { keywords: ["email", "outlook"], priority: 5 });
    expect(matchIntent([low, high, more], "outlook email")?.number).toBe(3);
    const twin = intent(4, { keywords: ["email", "outlook"], priority: 5 });
    expect(matchIntent([twin, more], "outlook email")?.number).toBe(3);
    expect(matchIntent([{ ...high, enabled: false }, low], "email")?.number).toBe(1);
  });
});

for (const engine of ENGINES) {
  describe(`Valethon chat bot (${engine})`, () => {
    let kit: TestKit;
    let workspaceCounter = 0;
    beforeAll(async () => {
      kit = await startTestKit(engine);
    });
    afterAll(async () => {
      await kit?.close();
    });

    /** A fresh workspace with a public key, and helpers speaking for it. */
    async function tenant() {
      const ws = await kit.newWorkspace(`Bot ${engine} ${++workspaceCounter}`);
      const key = await kit.newKey(ws.scope, { type: "public_live" });
      let visitors = 0;
      const api = (method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE", path: string, body?: unknown) =>
        call(kit, method, `${VALETHON}${path}`, { key: ws.secretKey, body });
      const start = async () => {
        const init = await call(kit, "POST", `${VALETHON}/widget/init`, {
          key,
          body: { visitor_id: `v_${++visitors}`, page_url: "https://acme.example/help" },
        });
        const sessionId: string = init.json.session_id;
        const say = async (message: string) => {
          const response = await call(kit, "POST", `${VALETHON}/widget/message`, {
            key,
            body: { session_id: sessionId, message },
          });
          expect(response.statusCode, response.body).toBe(200);
          return response.json.response as { message: string; suggested_actions: string[] };
        };
        const row = async () =>
          kit.core.db
            .selectFrom("conversations")
            .selectAll()
            .where("workspace_id", "=", ws.workspace.id)
            .where("visitor_id", "=", `v_${visitors}`)
            .executeTakeFirstOrThrow();
        return { sessionId, say, row };
      };
      const leadsWith = (email: string) =>
        kit.core.db
          .selectFrom("leads")
          .selectAll()
          .where("workspace_id", "=", ws.workspace.id)
          .where("email_normalized", "=", email.toLowerCase())
          .execute();
      const activities = () =>
        kit.core.db
          .selectFrom("activities")
          .selectAll()
          .where("workspace_id", "=", ws.workspace.id)
          .execute();
      return { ...ws, key, api, start, leadsWith, activities };
    }

    it("ships default intents for an IT service provider, put in once on first use", async () => {
      const t = await tenant();
      const list = await t.api("GET", "/widget/intents");
      expect(list.statusCode).toBe(200);
      expect(list.json.data.map((intent: any) => intent.name)).toEqual([
        "Passwords",
        "Email",
        "Network",
        "Printers",
        "Billing",
        "Outages",
      ]);
      expect(list.json.data[1]).toEqual({
        intent_id: expect.any(Number),
        uuid: expect.any(String),
        name: "Email",
        keywords: expect.arrayContaining(["email", "outlook"]),
        phrases: expect.any(Array),
        reply: "I can help with email issues. Could you describe the problem?",
        suggested_actions: ["Create ticket", "Check service status"],
        priority: 50,
        enabled: true,
        created_at: expect.any(String),
        updated_at: expect.any(String),
      });
      // Listing again does not add them again; deleting one keeps it deleted.
      const printers = list.json.data.find((intent: any) => intent.name === "Printers");
      expect((await t.api("DELETE", `/widget/intents/${printers.intent_id}`)).json).toEqual({
        success: true,
        data: { intent_id: printers.intent_id, deleted: true },
      });
      const again = await t.api("GET", "/widget/intents");
      expect(again.json.data.map((intent: any) => intent.name)).toEqual([
        "Passwords",
        "Email",
        "Network",
        "Billing",
        "Outages",
      ]);
      const chat = await t.start();
      expect((await chat.say("the printer is out of toner")).message).toBe(FALLBACK);
    });

    it("answers each default topic, the first message too (defaults seeded by the bot itself)", async () => {
      const t = await tenant();
      const chat = await t.start();
      expect(await chat.say("my email is not working")).toEqual({
        message: "I can help with email issues. Could you describe the problem?",
        suggested_actions: ["Create ticket", "Check service status"],
      });
      expect((await chat.say("I forgot my password and I'm locked out")).message).toContain("locked out");
      expect((await chat.say("The Wi-Fi keeps dropping")).suggested_actions).toEqual([
        "Check service status",
        "Create ticket",
      ]);
      expect((await chat.say("Paper jam again")).message).toContain("Printer");
      expect((await chat.say("Question about an INVOICE")).message).toContain("accounts team");
      expect((await chat.say("is the portal down?")).message).toContain("down on our side");
      expect(await chat.say("asdf qwerty")).toEqual({
        message: FALLBACK,
        suggested_actions: ["Create ticket", "Talk to a human"],
      });
    });

    it("manages intents: create, read, update, disable, delete, with clear errors", async () => {
      const t = await tenant();
      const created = await t.api("POST", "/widget/intents", {
        name: "Opening hours",
        keywords: ["hours", "open"],
        phrases: ["when are you"],
        reply: "We're here Monday to Friday, 8:00-18:00.",
        suggested_actions: ["Talk to a human"],
        priority: 100,
      });
      expect(created.statusCode).toBe(201);
      expect(created.json.data).toMatchObject({ name: "Opening hours", priority: 100, enabled: true });
      const id = created.json.data.intent_id;
      const chat = await t.start();
      // Priority 100 beats the Email intent also matching.
      expect((await chat.say("When are you open? I have an email question")).message).toBe(
        "We're here Monday to Friday, 8:00-18:00.",
      );
      const updated = await t.api("PATCH", `/widget/intents/${id}`, { enabled: false });
      expect(updated.json.data.enabled).toBe(false);
      expect((await chat.say("When are you open?")).message).toBe(FALLBACK);
      await t.api("PUT", `/widget/intents/${id}`, { enabled: true, reply: "Open 24/7." });
      expect((await chat.say("the store is opening soon")).message).toBe(FALLBACK);
      expect((await chat.say("what are your HOURS")).message).toBe("Open 24/7.");
      expect((await t.api("GET", `/widget/intents/${id}`)).json.data.reply).toBe("Open 24/7.");

      for (const [body, field] of [
        [{ name: "x", reply: "y" }, "keywords"],
        [{ name: "x", reply: "y", keywords: ["!!!"] }, "keywords[0]"],
        [{ name: "x", keywords: ["a"] }, "reply"],
        [{ reply: "y", keywords: ["a"] }, "name"],
        [{ name: "x", reply: "y", keywords: ["a"], priority: 5000 }, "priority"],
        [{ name: "x", reply: "y", keywords: "a" }, "keywords"],
      ] as const) {
        const response = await t.api("POST", "/widget/intents", body);
        expect(response.statusCode, JSON.stringify(body)).toBe(400);
        expect(response.json.error.startsWith(`${field}: `), response.json.error).toBe(true);
      }
      const emptied = await t.api("PATCH", `/widget/intents/${id}`, { keywords: [], phrases: [] });
      expect(emptied.statusCode).toBe(400);
      expect(emptied.json.error).toMatch(/^keywords: /);
      // Another workspace cannot see or change it.
      const other = await call(kit, "GET", `${VALETHON}/widget/intents/${id}`, { key: kit.other.secretKey });
      expect(other.statusCode).toBe(404);
      const events = await kit.core.db
        .selectFrom("events")
        .select("type")
        .where("entity_id", "=", created.json.data.uuid)
        .orderBy("position")
        .execute();
      expect(events.map((event) => event.type)).toEqual([
        "bot_intent.created",
        "bot_intent.updated",
        "bot_intent.updated",
      ]);
    });

    it('"Check service status" answers from the workspace\'s components', async () => {
      const t = await tenant();
      const chat = await t.start();
      expect(await chat.say("Check service status")).toEqual({
        message: "All our services are running normally right now.",
        suggested_actions: ["Create ticket", "Talk to a human"],
      });
      await t.api("POST", "/service-status/components", {
        name: "Email",
        status: "outage",
        message: "Provider incident",
      });
      await t.api("POST", "/service-status/components", { name: "VPN" });
      await t.api("POST", "/service-status/components", { name: "Backups", status: "maintenance" });
      const reply = await chat.say("check service STATUS!");
      expect(reply.message).toBe(
        "Here is our current service status. Email: down (Provider incident); Backups: under maintenance. Everything else is running normally.",
      );
    });

    it('"Create ticket" records a task with the transcript, asks for an email, and links the lead it gets', async () => {
      const t = await tenant();
      const chat = await t.start();
      await chat.say("Outlook crashes when I open attachments");
      const ticket = await chat.say("Create ticket");
      const [activity] = await t.activities();
      expect(activity).toMatchObject({
        type: "task",
        subject: expect.stringMatching(/^Chat #\d+: Outlook crashes when I open attachments$/),
        entity_type: null,
        entity_id: null,
        completed: 0,
      });
      expect(activity!.description).toContain("Page: https://acme.example/help");
      expect(activity!.description).toContain("Visitor: Outlook crashes when I open attachments");
      expect(activity!.description).toContain("Bot: I can help with email issues.");
      expect(activity!.description).toContain("Visitor: Create ticket");
      expect(ticket).toEqual({
        message: `I've created ticket #${activity!.seq} for our support team. What email address can we reach you at?`,
        suggested_actions: [],
      });

      const thanks = await chat.say("sure, it's Jane.Doe@Example.com");
      expect(thanks.message).toBe(`Thanks! We'll follow up on ticket #${activity!.seq} at that address.`);
      const [lead] = await t.leadsWith("jane.doe@example.com");
      expect(lead).toMatchObject({ email: "Jane.Doe@Example.com", source: "chat_widget", status: "new" });
      const row = await chat.row();
      expect(row).toMatchObject({
        visitor_email: "Jane.Doe@Example.com",
        lead_id: lead!.id,
        ticket_activity_id: activity!.id,
      });
      const [moved] = await t.activities();
      expect(moved).toMatchObject({ entity_type: "lead", entity_id: lead!.id });

      // Asking again refreshes the same ticket's transcript; the email is known now.
      const again = await chat.say("Create ticket");
      expect(again.message).toBe(
        `I've added this conversation to your ticket #${activity!.seq}. We'll follow up by email.`,
      );
      const all = await t.activities();
      expect(all).toHaveLength(1);
      expect(all[0]!.description).toContain("Jane.Doe@Example.com");
    });

    it('"Create ticket" of a known contact logs the task on the contact', async () => {
      const t = await tenant();
      const contact = await t.api("POST", "/contacts", {
        first_name: "Ann",
        last_name: "Lee",
        email: "ann@lee.example",
      });
      expect(contact.statusCode).toBe(201);
      const chat = await t.start();
      await chat.say("ann@lee.example");
      const ticket = await chat.say("create ticket");
      expect(ticket.message).toContain("We'll follow up by email.");
      const stored = await kit.core.db
        .selectFrom("contacts")
        .select("id")
        .where("seq", "=", contact.json.data.contact_id)
        .where("workspace_id", "=", t.workspace.id)
        .executeTakeFirstOrThrow();
      const [activity] = await t.activities();
      expect(activity).toMatchObject({ entity_type: "contact", entity_id: stored.id });
      expect((await chat.row()).contact_id).toBe(stored.id);
    });

    it('"Talk to a human" hands over: status waiting, and the bot stays quiet afterwards', async () => {
      const t = await tenant();
      const chat = await t.start();
      const handoff = await chat.say("Talk to a human");
      expect(handoff).toEqual({
        message: "Thanks! I've asked a member of our team to join this chat. They'll reply here shortly.",
        suggested_actions: [],
      });
      expect((await chat.row()).status).toBe("waiting");
      for (const message of ["my email is not working", "Check service status", "Create ticket", "hello?"]) {
        expect(await chat.say(message)).toEqual({ message: "", suggested_actions: [] });
      }
      expect(await t.activities()).toHaveLength(0);
      const messages = await kit.core.db
        .selectFrom("chat_messages")
        .select("sender")
        .where("conversation_id", "=", (await chat.row()).id)
        .orderBy("created_at")
        .orderBy("id")
        .execute();
      expect(messages.map((message) => message.sender)).toEqual([
        "visitor",
        "bot",
        "visitor",
        "visitor",
        "visitor",
        "visitor",
      ]);
    });

    it("creates a lead (source chat_widget) from a visitor's email, never a duplicate", async () => {
      const t = await tenant();
      const chat = await t.start();
      expect(await chat.say("You can reach me at sam@newco.example.")).toEqual({
        message: "Thanks, we've noted your email address. How else can we help?",
        suggested_actions: ["Create ticket", "Talk to a human"],
      });
      const leads = await t.leadsWith("sam@newco.example");
      expect(leads).toHaveLength(1);
      expect(leads[0]).toMatchObject({ source: "chat_widget", email: "sam@newco.example" });
      expect(JSON.parse(leads[0]!.raw_payload!)).toMatchObject({ page_url: "https://acme.example/help" });
      // A second mention, then another address, in the same conversation: nothing new.
      await chat.say("again: sam@newco.example");
      await chat.say("or sam.other@newco.example");
      expect(await t.leadsWith("sam@newco.example")).toHaveLength(1);
      expect(await t.leadsWith("sam.other@newco.example")).toHaveLength(0);
      expect((await chat.row()).visitor_email).toBe("sam@newco.example");
      // A second session with the same email links the same lead.
      const second = await t.start();
      await second.say("SAM@NEWCO.EXAMPLE");
      expect(await t.leadsWith("sam@newco.example")).toHaveLength(1);
      expect((await second.row()).lead_id).toBe(leads[0]!.id);
      // The lead.created event was appended with the conversation's write.
      const created = await kit.core.db
        .selectFrom("events")
        .select("type")
        .where("entity_id", "=", leads[0]!.id)
        .execute();
      expect(created.map((event) => event.type)).toEqual(["lead.created"]);
      // Another workspace's chat with the same email gets its own lead.
      const other = await tenant();
      await (await other.start()).say("sam@newco.example");
      expect(await other.leadsWith("sam@newco.example")).toHaveLength(1);
    });

    it("creates one lead when several visitors give the same new email at once", async () => {
      const t = await tenant();
      const chats = [await t.start(), await t.start(), await t.start(), await t.start()];
      const replies = await Promise.all(chats.map((chat) => chat.say("race@same.example")));
      for (const reply of replies) expect(reply.message).toContain("noted your email");
      const leads = await t.leadsWith("race@same.example");
      expect(leads).toHaveLength(1);
      for (const chat of chats) expect((await chat.row()).lead_id).toBe(leads[0]!.id);
    });

    it("links an existing contact (and its company) or an existing lead instead of creating one", async () => {
      const t = await tenant();
      const company = await t.api("POST", "/prospects", { name: "Lee Industries" });
      const contact = await t.api("POST", "/contacts", {
        first_name: "Ann",
        last_name: "Lee",
        email: "ann@lee.example",
        prospect_id: company.json.data.prospect_id,
      });
      expect(contact.statusCode).toBe(201);
      const chat = await t.start();
      await chat.say("Hi, ANN@lee.example here");
      const row = await chat.row();
      expect(row).toMatchObject({ visitor_email: "ANN@lee.example", visitor_name: "Ann Lee", lead_id: null });
      expect(row.contact_id).not.toBeNull();
      expect(row.company_id).not.toBeNull();
      expect(await t.leadsWith("ann@lee.example")).toHaveLength(0);
      const rendered = await t.api("GET", `/conversations/${row.seq}`);
      expect(rendered.json.data).toMatchObject({
        contact_id: contact.json.data.contact_id,
        prospect_id: company.json.data.prospect_id,
        lead_id: null,
        visitor_name: "Ann Lee",
      });

      const lead = await t.api("POST", "/leads", { first_name: "Bo", email: "bo@leads.example" });
      const second = await t.start();
      await second.say("bo@leads.example");
      expect((await second.row()).lead_id).toBe(lead.json.data.uuid);
      expect(await t.leadsWith("bo@leads.example")).toHaveLength(1);
    });

    it("keeps the visitor's message when the workspace's rules refuse a lead", async () => {
      const t = await tenant();
      const field = await t.api("POST", "/custom-fields", {
        entity_type: "lead",
        field_key: "budget",
        label: "Budget",
        field_type: "text",
        required: true,
      });
      expect(field.statusCode).toBe(201);
      const chat = await t.start();
      expect((await chat.say("me@strict.example")).message).toContain("noted your email");
      expect((await chat.row()).visitor_email).toBe("me@strict.example");
      expect(await t.leadsWith("me@strict.example")).toHaveLength(0);
    });
  });
}
