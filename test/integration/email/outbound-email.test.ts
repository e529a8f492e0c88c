/**
 * Email connections and outbound email end to end: the Valethon endpoints queue a message, the
 * email sender delivers it over real SMTP to a local smtp-server sink, and the lead's timeline
 * gets an `email` activity. Retries (4xx, connection refused), permanent failures (5xx, private
 * hosts), write-only passwords, validation, permissions and tenant isolation.
 */
import { createServer } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createEmailConnection } from "../../../src/core/email/email-connections.service.js";
import { htmlToText } from "../../../src/core/email/html-text.js";
import { claimDueEmails, recordSendOutcome } from "../../../src/core/email/outbound-emails.service.js";
import { serverSecretOf } from "../../../src/core/settings.js";
import { openSecret } from "../../../src/core/webhooks/signing.js";
import { createEmailSender, type EmailSender } from "../../../src/jobs/email-sender.js";
import { call, startTestKit, type TestKit, VALETHON } from "../../support/app.js";
import { ENGINES } from "../../support/engines.js";
import { type SmtpSink, startSmtpSink } from "./smtp-sink.js";

const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const PASSWORD = "smtp-pa55word-never-shown";
const HTML =
  "<h1>Hello Ada</h1><p>Your quote is <b>ready</b> &amp; waiting.<br>Reply any time.</p><p>Ann &lt;Sales&gt;</p>";

/** A port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("htmlToText", () => {
  it("strips tags, decodes entities, keeps breaks for <br> and paragraphs, drops scripts and styles", () => {
    expect(htmlToText(HTML)).toBe(
      "Hello Ada\n\nYour quote is ready & waiting.\nReply any time.\n\nAnn <Sales>",
    );
    expect(
      htmlToText(
        '<style>p{color:red}</style><script>alert("x")</script><ul><li>One</li><li>Two&#33; &#x263A;</li></ul>\n  spread\n  over lines',
      ),
    ).toBe("- One\n- Two! \u263a\n\nspread over lines");
    expect(htmlToText("&unknown; &nbsp;x")).toBe("&unknown; x");
  });
});

for (const engine of ENGINES) {
  describe(`Outbound email (${engine})`, { timeout: 60_000 }, () => {
    let kit: TestKit;
    let sink: SmtpSink;
    let sender: EmailSender;
    let connectionId: number;

    const api = (method: "GET" | "POST" | "PATCH" | "DELETE", path: string, body?: unknown, key?: string) =>
      call(kit, method, `${VALETHON}${path}`, { key: key ?? kit.secretKey, body });

    const newSender = async (allowPrivate = true) =>
      createEmailSender({
        core: kit.core,
        serverSecret: await serverSecretOf(kit.core, kit.config.secret),
        allowPrivate,
        // Retries due at once, so a test can run the next attempt straight away.
        retryScheduleMs: [0, 0],
        connectionTimeoutMs: 2_000,
      });

    const newLead = async (email: string | null, key?: string) => {
      const response = await api(
        "POST",
        "/leads",
        email
          ? { first_name: "Ada", last_name: "Lovelace", email }
          : { first_name: "Ada", phone: "+1 555 0100" },
        key,
      );
      expect(response.statusCode, response.body).toBe(201);
      return response.json.data.lead_id as number;
    };

    const newConnection = async (body: Record<string, unknown> = {}) => {
      const response = await api("POST", "/email-connections", {
        channel: "smtp",
        name: "Sales mailbox",
        from_email: "sales@acme.test",
        from_name: "Acme Sales",
        host: "127.0.0.1",
        port: sink.port,
        username: "sales",
        password: PASSWORD,
        ...body,
      });
      expect(response.statusCode, response.body).toBe(201);
      return response.json.data;
    };

    const activitiesOf = (leadUuid: string) =>
      kit.core.db
        .selectFrom("activities")
        .selectAll()
        .where("entity_id", "=", leadUuid)
        .where("type", "=", "email")
        .execute();

    const eventsOf = async (id: string) =>
      (
        await kit.core.db
          .selectFrom("events")
          .select(["type", "data"])
          .where("entity_id", "=", id)
          .orderBy("position")
          .execute()
      ).map((event) => ({ type: event.type, data: JSON.parse(event.data) }));

    const leadUuid = async (number: number) =>
      (
        await kit.core.db
          .selectFrom("leads")
          .select("id")
          .where("workspace_id", "=", kit.workspace.id)
          .where("seq", "=", number)
          .executeTakeFirstOrThrow()
      ).id;

    beforeAll(async () => {
      kit = await startTestKit(engine, { env: { KITH_WEBHOOK_ALLOW_PRIVATE: "true" } });
      sink = await startSmtpSink({ user: "sales", pass: PASSWORD });
      sender = await newSender();
      connectionId = (await newConnection()).email_connection_id;
    });
    afterEach(() => {
      sink.received.length = 0;
    });
    afterAll(async () => {
      await sender?.stop();
      await sink?.close();
      await kit?.close();
    });

    it("creates, lists, reads, updates and deletes connections; the password is write-only", async () => {
      const created = await newConnection({ name: "Second", port: 587 });
      expect(created).toEqual({
        email_connection_id: expect.any(Number),
        uuid: expect.stringMatching(UUID),
        channel: "smtp",
        name: "Second",
        from_email: "sales@acme.test",
        from_name: "Acme Sales",
        host: "127.0.0.1",
        port: 587,
        secure: false,
        username: "sales",
        has_password: true,
        status: "active",
        created_at: expect.stringMatching(TIME),
        updated_at: expect.stringMatching(TIME),
      });
      const id = created.email_connection_id;

      const list = await api("GET", "/email-connections");
      expect(list.statusCode).toBe(200);
      expect(list.json.data.map((connection: any) => connection.email_connection_id)).toEqual([
        connectionId,
        id,
      ]);
      const read = await api("GET", `/email-connections/${id}`);
      expect(read.json).toEqual({ success: true, data: created });

      const patched = await api("PATCH", `/email-connections/${id}`, {
        channel: "gmail",
        port: 465,
        secure: true,
        password: "a-new-password",
      });
      expect(patched.statusCode, patched.body).toBe(200);
      expect(patched.json.data).toMatchObject({
        channel: "gmail",
        port: 465,
        secure: true,
        has_password: true,
      });
      const cleared = await api("PATCH", `/email-connections/${id}`, { password: null, status: "disabled" });
      expect(cleared.json.data).toMatchObject({ has_password: false, status: "disabled" });

      // Sealed at rest with the server secret; in no answer and no event.
      const row = await kit.core.db
        .selectFrom("email_connections")
        .select("password")
        .where("id", "=", created.uuid)
        .executeTakeFirstOrThrow();
      expect(row.password).toBeNull();
      const first = await kit.core.db
        .selectFrom("email_connections")
        .select("password")
        .where("workspace_id", "=", kit.workspace.id)
        .where("seq", "=", connectionId)
        .executeTakeFirstOrThrow();
      expect(first.password).not.toContain(PASSWORD);
      expect(openSecret(await serverSecretOf(kit.core, kit.config.secret), first.password!)).toBe(PASSWORD);
      for (const body of [list.body, read.body, patched.body, cleared.body]) {
        expect(body).not.toContain(PASSWORD);
        expect(body).not.toContain("a-new-password");
        expect(body).not.toContain('"password"');
      }
      const events = await eventsOf(created.uuid);
      expect(events.map((event) => event.type)).toEqual([
        "email_connection.created",
        "email_connection.updated",
        "email_connection.updated",
      ]);
      expect(JSON.stringify(events)).not.toContain(PASSWORD);
      expect(JSON.stringify(events)).not.toContain("a-new-password");
      expect(events[1]!.data.changes.password).toEqual({ changed: true });

      const deleted = await api("DELETE", `/email-connections/${id}`);
      expect(deleted.json).toEqual({ success: true, data: { email_connection_id: id, deleted: true } });
      expect((await api("GET", `/email-connections/${id}`)).statusCode).toBe(404);
    });

    it("queues an email that reaches the SMTP sink with HTML and text parts, and logs a sent email activity", async () => {
      const leadId = await newLead("ada@example.org");
      const queued = await api("POST", "/outbound-emails", {
        connection_id: connectionId,
        lead_id: leadId,
        subject: "Your quote from Acme",
        html: HTML,
      });
      expect(queued.statusCode, queued.body).toBe(202);
      expect(queued.json).toEqual({
        success: true,
        data: {
          outbound_email_id: expect.any(Number),
          uuid: expect.stringMatching(UUID),
          email_connection_id: connectionId,
          lead_id: leadId,
          contact_id: null,
          to: "ada@example.org",
          subject: "Your quote from Acme",
          status: "queued",
          attempts: 0,
          next_attempt_at: expect.stringMatching(TIME),
          last_error: null,
          message_id: null,
          activity_id: null,
          created_at: expect.stringMatching(TIME),
          updated_at: expect.stringMatching(TIME),
          sent_at: null,
        },
      });
      const { outbound_email_id: id, uuid } = queued.json.data;

      expect(await sender.runOnce()).toBe(1);
      expect(sink.received).toHaveLength(1);
      const mail = sink.received[0]!;
      expect(mail.envelopeFrom).toBe("sales@acme.test");
      expect(mail.envelopeTo).toEqual(["ada@example.org"]);
      expect(mail.headers.from).toBe("Acme Sales <sales@acme.test>");
      expect(mail.headers.to).toBe("ada@example.org");
      expect(mail.headers.subject).toBe("Your quote from Acme");
      expect(mail.headers["content-type"]).toContain("multipart/alternative");
      expect(mail.html).toBe(HTML);
      expect(mail.text).toBe("Hello Ada\n\nYour quote is ready & waiting.\nReply any time.\n\nAnn <Sales>");
      expect(sink.logins.at(-1)).toEqual(["sales", PASSWORD]);

      const status = await api("GET", `/outbound-emails/${id}`);
      expect(status.statusCode).toBe(200);
      expect(status.json.data).toMatchObject({
        status: "sent",
        attempts: 1,
        last_error: null,
        message_id: mail.headers["message-id"],
        activity_id: expect.any(Number),
        sent_at: expect.stringMatching(TIME),
        next_attempt_at: null,
      });

      const activities = await activitiesOf(await leadUuid(leadId));
      expect(activities).toHaveLength(1);
      expect(activities[0]).toMatchObject({
        subject: "Your quote from Acme",
        status: "sent",
        completed: 1,
        entity_type: "lead",
        seq: status.json.data.activity_id,
      });
      expect(activities[0]!.description).toContain("Sent to ada@example.org");
      // The lead's activities through the Valethon API show it too.
      const timeline = await api("GET", `/leads/${leadId}/activities`);
      expect(timeline.json.data).toEqual([
        expect.objectContaining({ type: "email", subject: "Your quote from Acme", completed: true }),
      ]);
      expect((await eventsOf(uuid)).map((event) => event.type)).toEqual(["email.queued", "email.sent"]);

      // Nothing is left to send.
      expect(await sender.runOnce()).toBe(0);
      expect(sink.received).toHaveLength(1);
    });

    it("sends to a contact, or to an explicit address", async () => {
      const contact = await api("POST", "/contacts", {
        first_name: "Grace",
        last_name: "Hopper",
        email: "grace@example.org",
      });
      expect(contact.statusCode, contact.body).toBe(201);
      const toContact = await api("POST", "/outbound-emails", {
        connection_id: connectionId,
        contact_id: contact.json.data.contact_id,
        subject: "Hello Grace",
        html: "<p>Hi</p>",
      });
      expect(toContact.json.data).toMatchObject({
        to: "grace@example.org",
        contact_id: contact.json.data.contact_id,
      });
      const leadId = await newLead("ada2@example.org");
      const explicit = await api("POST", "/outbound-emails", {
        connection_id: connectionId,
        lead_id: leadId,
        to: "someone.else@example.org",
        subject: "Forwarded",
        html: "<p>Hi</p>",
      });
      expect(explicit.json.data.to).toBe("someone.else@example.org");
      expect(await sender.runOnce()).toBe(2);
      expect(sink.received.map((mail) => mail.envelopeTo[0]).sort()).toEqual([
        "grace@example.org",
        "someone.else@example.org",
      ]);
      const contactActivity = await kit.core.db
        .selectFrom("activities")
        .select(["status", "entity_type"])
        .where("entity_type", "=", "contact")
        .where("type", "=", "email")
        .executeTakeFirstOrThrow();
      expect(contactActivity).toEqual({ status: "sent", entity_type: "contact" });
    });

    it("still sends when the lead was deleted after queueing, without an activity", async () => {
      const leadId = await newLead("gone@example.org");
      const uuid = await leadUuid(leadId);
      const queued = await api("POST", "/outbound-emails", {
        connection_id: connectionId,
        lead_id: leadId,
        subject: "Gone",
        html: "<p>x</p>",
      });
      expect((await api("DELETE", `/leads/${leadId}`)).statusCode).toBe(200);
      expect(await sender.runOnce()).toBe(1);
      expect(sink.received.map((mail) => mail.envelopeTo[0])).toEqual(["gone@example.org"]);
      const sent = (await api("GET", `/outbound-emails/${queued.json.data.outbound_email_id}`)).json.data;
      expect(sent).toMatchObject({ status: "sent", lead_id: leadId, activity_id: null });
      expect(await activitiesOf(uuid)).toHaveLength(0);
    });

    it("retries a 451 and sends on the next attempt", async () => {
      const leadId = await newLead("retry@example.org");
      const queued = await api("POST", "/outbound-emails", {
        connection_id: connectionId,
        lead_id: leadId,
        subject: "Try again",
        html: "<p>Later</p>",
      });
      sink.rejectNext(451);
      expect(await sender.runOnce()).toBe(1);
      expect(sink.received).toHaveLength(0);
      const waiting = await api("GET", `/outbound-emails/${queued.json.data.outbound_email_id}`);
      expect(waiting.json.data).toMatchObject({ status: "queued", attempts: 1, sent_at: null });
      expect(waiting.json.data.last_error).toContain("451");
      expect(await activitiesOf(await leadUuid(leadId))).toHaveLength(0);

      expect(await sender.runOnce()).toBe(1);
      expect(sink.received).toHaveLength(1);
      const sent = await api("GET", `/outbound-emails/${queued.json.data.outbound_email_id}`);
      expect(sent.json.data).toMatchObject({ status: "sent", attempts: 2 });
      expect((await activitiesOf(await leadUuid(leadId))).map((activity) => activity.status)).toEqual([
        "sent",
      ]);
    });

    it("fails a 550 at once, with a failed email activity and email.failed", async () => {
      const leadId = await newLead("nobody@example.org");
      const queued = await api("POST", "/outbound-emails", {
        connection_id: connectionId,
        lead_id: leadId,
        subject: "Bounce",
        html: "<p>Bounce</p>",
      });
      sink.rejectNext(550);
      expect(await sender.runOnce()).toBe(1);
      const failed = await api("GET", `/outbound-emails/${queued.json.data.outbound_email_id}`);
      expect(failed.json.data).toMatchObject({
        status: "failed",
        attempts: 1,
        sent_at: null,
        next_attempt_at: null,
      });
      expect(failed.json.data.last_error).toContain("550");
      const activities = await activitiesOf(await leadUuid(leadId));
      expect(activities).toHaveLength(1);
      expect(activities[0]).toMatchObject({ status: "failed", completed: 0, subject: "Bounce" });
      expect(activities[0]!.description).toContain("Failed to send to nobody@example.org");
      expect((await eventsOf(queued.json.data.uuid)).map((event) => event.type)).toEqual([
        "email.queued",
        "email.failed",
      ]);
      expect(await sender.runOnce()).toBe(0);
    });

    it("retries connection errors until the schedule runs out, then fails", async () => {
      const down = await newConnection({ port: await closedPort(), name: "Down" });
      const leadId = await newLead("down@example.org");
      const queued = await api("POST", "/outbound-emails", {
        connection_id: down.email_connection_id,
        lead_id: leadId,
        subject: "Nobody home",
        html: "<p>x</p>",
      });
      const path = `/outbound-emails/${queued.json.data.outbound_email_id}`;
      // Schedule of two retries: attempts 1 and 2 are retried, attempt 3 is the last.
      for (const attempts of [1, 2]) {
        expect(await sender.runOnce()).toBe(1);
        expect((await api("GET", path)).json.data).toMatchObject({ status: "queued", attempts });
      }
      expect(await sender.runOnce()).toBe(1);
      const failed = (await api("GET", path)).json.data;
      expect(failed).toMatchObject({ status: "failed", attempts: 3 });
      expect(failed.last_error).toMatch(/ECONNREFUSED|connect/i);
      expect((await activitiesOf(await leadUuid(leadId))).map((activity) => activity.status)).toEqual([
        "failed",
      ]);
    });

    it("refuses private SMTP hosts without KITH_WEBHOOK_ALLOW_PRIVATE, and bad credentials fail", async () => {
      const strict = await newSender(false);
      const leadId = await newLead("private@example.org");
      const queued = await api("POST", "/outbound-emails", {
        connection_id: connectionId,
        lead_id: leadId,
        subject: "Private",
        html: "<p>x</p>",
      });
      expect(await strict.runOnce()).toBe(1);
      const refused = (await api("GET", `/outbound-emails/${queued.json.data.outbound_email_id}`)).json.data;
      expect(refused).toMatchObject({ status: "failed", attempts: 1 });
      expect(refused.last_error).toContain("loopback");
      expect(sink.received).toHaveLength(0);

      await expect(
        createEmailConnection(
          kit.core,
          kit.scope,
          { serverSecret: await serverSecretOf(kit.core, kit.config.secret), allowPrivate: false },
          { channel: "smtp", name: "Local", fromEmail: "a@acme.test", host: "127.0.0.1", port: 25 },
        ),
      ).rejects.toMatchObject({ code: "VALIDATION", field: "host" });

      const wrong = await newConnection({ name: "Wrong login", password: "not-the-password" });
      const badLogin = await api("POST", "/outbound-emails", {
        connection_id: wrong.email_connection_id,
        to: "x@example.org",
        subject: "Login",
        html: "<p>x</p>",
      });
      expect(await sender.runOnce()).toBe(1);
      const authFailed = (await api("GET", `/outbound-emails/${badLogin.json.data.outbound_email_id}`)).json
        .data;
      expect(authFailed).toMatchObject({ status: "failed", attempts: 1, activity_id: null });
      expect(authFailed.last_error).toContain("535");
      expect(authFailed.last_error).not.toContain("not-the-password");
    });

    it("fails messages queued on a connection that was disabled before sending", async () => {
      const spare = await newConnection({ name: "Spare" });
      const queued = await api("POST", "/outbound-emails", {
        connection_id: spare.email_connection_id,
        to: "x@example.org",
        subject: "Late",
        html: "<p>x</p>",
      });
      await api("PATCH", `/email-connections/${spare.email_connection_id}`, { status: "disabled" });
      expect(await sender.runOnce()).toBe(1);
      const failed = (await api("GET", `/outbound-emails/${queued.json.data.outbound_email_id}`)).json.data;
      expect(failed).toMatchObject({ status: "failed", last_error: "the email connection is disabled" });
      const refused = await api("POST", "/outbound-emails", {
        connection_id: spare.email_connection_id,
        to: "x@example.org",
        subject: "Late",
        html: "<p>x</p>",
      });
      expect(refused.statusCode).toBe(400);
      expect(refused.json.error).toBe("connection_id: the email connection is disabled");
    });

    it("the running sender delivers without being asked, and stops cleanly", async () => {
      const running = await newSender();
      running.start();
      try {
        const leadId = await newLead("loop@example.org");
        await api("POST", "/outbound-emails", {
          connection_id: connectionId,
          lead_id: leadId,
          subject: "From the loop",
          html: "<p>x</p>",
        });
        const deadline = Date.now() + 10_000;
        while (sink.received.length === 0 && Date.now() < deadline)
          await new Promise((r) => setTimeout(r, 50));
        expect(sink.received.map((mail) => mail.headers.subject)).toEqual(["From the loop"]);
      } finally {
        await running.stop();
      }
    });

    it("a claim keeps other workers off until it expires; then the message is taken over once", async () => {
      const queued = await api("POST", "/outbound-emails", {
        connection_id: connectionId,
        to: "claimed@example.org",
        subject: "Claimed",
        html: "<p>x</p>",
      });
      const claim = (workerId: string, claimSeconds: number) =>
        claimDueEmails(kit.core, { workerId, limit: 10, claimSeconds });
      const [held] = await claim("dead-worker", 0.2);
      expect(held).toMatchObject({ id: queued.json.data.uuid, status: "sending", claimed_by: "dead-worker" });
      expect(await claim("other-worker", 60)).toEqual([]);
      expect(await sender.runOnce()).toBe(0);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await sender.runOnce()).toBe(1);
      expect(sink.received.map((mail) => mail.envelopeTo[0])).toEqual(["claimed@example.org"]);
      // The worker that lost its claim cannot record anything any more.
      await recordSendOutcome(kit.core, held!, "dead-worker", { kind: "failed", error: "late" });
      expect(
        (await api("GET", `/outbound-emails/${queued.json.data.outbound_email_id}`)).json.data,
      ).toMatchObject({
        status: "sent",
        attempts: 1,
        last_error: null,
      });
    });

    it("names the field at fault", async () => {
      const bad = async (path: string, body: Record<string, unknown>, message: RegExp) => {
        const response = await api("POST", path, body);
        expect(response.statusCode, response.body).toBe(400);
        expect(response.json).toMatchObject({ success: false, code: "VALIDATION_ERROR" });
        expect(response.json.error).toMatch(message);
      };
      const base = {
        channel: "smtp",
        name: "N",
        from_email: "a@acme.test",
        host: "smtp.acme.test",
        port: 587,
      };
      await bad("/email-connections", { ...base, from_email: "not-an-email" }, /^from_email: /);
      await bad("/email-connections", { ...base, port: 0 }, /^port: /);
      await bad("/email-connections", { ...base, port: 70000 }, /^port: /);
      await bad("/email-connections", { ...base, host: "bad host!" }, /^host: /);
      await bad("/email-connections", { ...base, channel: "pigeon" }, /channel/);
      await bad("/email-connections", { ...base, name: " " }, /^name: /);
      // Unknown fields are dropped, never written (the app's removeAdditional policy).
      const smuggled = await api("POST", "/email-connections", {
        ...base,
        workspace_id: "x",
        has_password: true,
      });
      expect(smuggled.statusCode).toBe(201);
      expect(smuggled.json.data.has_password).toBe(false);
      const { from_email: _, ...noFrom } = base;
      await bad("/email-connections", noFrom, /from_email/);

      const leadId = await newLead("v@example.org");
      const noEmailLead = await newLead(null);
      const email = { connection_id: connectionId, lead_id: leadId, subject: "S", html: "<p>x</p>" };
      await bad("/outbound-emails", { ...email, connection_id: 99_999 }, /^connection_id: /);
      await bad("/outbound-emails", { ...email, lead_id: 99_999 }, /^lead_id: /);
      await bad("/outbound-emails", { ...email, lead_id: noEmailLead }, /^to: the lead has no email address/);
      await bad("/outbound-emails", { ...email, lead_id: undefined }, /^to: is required/);
      await bad("/outbound-emails", { ...email, contact_id: 1 }, /^contact_id: /);
      await bad("/outbound-emails", { ...email, to: "nope" }, /^to: /);
      await bad("/outbound-emails", { ...email, subject: "" }, /^subject: /);
      await bad(
        "/outbound-emails",
        { ...email, subject: "a\r\nBcc: x@evil.test" },
        /^subject: must be a single line/,
      );
      await bad("/outbound-emails", { ...email, html: "  " }, /^html: /);
      expect((await api("GET", "/outbound-emails/99999")).statusCode).toBe(404);
    });

    it("needs settings:manage for connections and leads:write to send", async () => {
      const reader = await kit.newKey(kit.scope, {
        type: "secret",
        scopes: ["leads:read"],
        rateLimit: 10_000,
      });
      expect((await api("GET", "/email-connections", undefined, reader)).statusCode).toBe(403);
      expect(
        (
          await api(
            "POST",
            "/outbound-emails",
            { connection_id: connectionId, to: "a@b.test", subject: "S", html: "x" },
            reader,
          )
        ).statusCode,
      ).toBe(403);
      expect((await api("GET", "/email-connections", undefined, "")).statusCode).toBe(401);
    });

    it("keeps each workspace's connections and emails to itself", async () => {
      const leadId = await newLead("iso@example.org");
      const mine = await api("POST", "/outbound-emails", {
        connection_id: connectionId,
        lead_id: leadId,
        subject: "Mine",
        html: "<p>x</p>",
      });
      const otherKey = kit.other.secretKey;
      expect((await api("GET", "/email-connections", undefined, otherKey)).json.data).toEqual([]);
      expect((await api("GET", `/email-connections/${connectionId}`, undefined, otherKey)).statusCode).toBe(
        404,
      );
      expect(
        (await api("PATCH", `/email-connections/${connectionId}`, { name: "x" }, otherKey)).statusCode,
      ).toBe(404);
      expect(
        (await api("DELETE", `/email-connections/${connectionId}`, undefined, otherKey)).statusCode,
      ).toBe(404);
      const outbound = mine.json.data.outbound_email_id;
      expect((await api("GET", `/outbound-emails/${outbound}`, undefined, otherKey)).statusCode).toBe(404);
      const borrowed = await api(
        "POST",
        "/outbound-emails",
        { connection_id: connectionId, to: "a@b.test", subject: "S", html: "x" },
        otherKey,
      );
      expect(borrowed.statusCode).toBe(400);
      expect(borrowed.json.error).toMatch(/^connection_id: /);
      // The other workspace's own connection cannot reach this workspace's lead.
      const theirs = await call(kit, "POST", `${VALETHON}/email-connections`, {
        key: otherKey,
        body: {
          channel: "smtp",
          name: "Theirs",
          from_email: "t@other.test",
          host: "127.0.0.1",
          port: sink.port,
        },
      });
      const reach = await api(
        "POST",
        "/outbound-emails",
        { connection_id: theirs.json.data.email_connection_id, lead_id: leadId, subject: "S", html: "x" },
        otherKey,
      );
      expect(reach.statusCode).toBe(400);
      expect(reach.json.error).toMatch(/^lead_id: /);
      await sender.runOnce();
    });
  });
}
