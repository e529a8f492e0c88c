/**
 * Axiomatic outbound email end to end: the endpoint queues a message, the email sender delivers it
 * over real SMTP to the local sink; the connection list never shows settings or secrets.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createEmailConnection } from "../../../src/core/email/email-connections.service.js";
import { getOutboundEmail } from "../../../src/core/email/outbound-emails.service.js";
import { createLead } from "../../../src/core/leads/leads.service.js";
import { serverSecretOf } from "../../../src/core/settings.js";
import { createEmailSender, type EmailSender } from "../../../src/jobs/email-sender.js";
import { startTestKit, type TestKit } from "../../support/app.js";
import { axiomatic } from "../../support/axiomatic.js";
import { ENGINES } from "../../support/engines.js";
import { type SmtpSink, startSmtpSink } from "../email/smtp-sink.js";

const PASSWORD = "smtp-pa55word-never-shown";
const HTML = "<p>Your quote is <b>ready</b>.</p>";
const MISSING = "0190a7c4-0000-7000-8000-000000000000";

for (const engine of ENGINES) {
  describe(`Axiomatic outbound email (${engine})`, { timeout: 60_000 }, () => {
    let kit: TestKit;
    let sink: SmtpSink;
    let sender: EmailSender;
    let connectionId: string;
    let leadId: string;

    const send = (body: unknown, options: { key?: string; entityId?: string } = {}) =>
      axiomatic(kit, "POST", "/outbound-email", { body, ...options });

    beforeAll(async () => {
      kit = await startTestKit(engine, { env: { KITH_WEBHOOK_ALLOW_PRIVATE: "true" } });
      sink = await startSmtpSink({ user: "sales", pass: PASSWORD });
      const serverSecret = await serverSecretOf(kit.core, kit.config.secret);
      sender = createEmailSender({
        core: kit.core,
        serverSecret,
        allowPrivate: true,
        retryScheduleMs: [0, 0],
        connectionTimeoutMs: 2_000,
      });
      connectionId = (
        await createEmailConnection(
          kit.core,
          kit.scope,
          { serverSecret, allowPrivate: true },
          {
            channel: "gmail",
            name: "Sales mailbox",
            fromEmail: "sales@acme.test",
            host: "127.0.0.1",
            port: sink.port,
            username: "sales",
            password: PASSWORD,
          },
        )
      ).id;
      leadId = (await createLead(kit.core, kit.scope, { firstName: "Ada", email: "ada@example.org" })).id;
    });
    afterEach(() => {
      sink.received.length = 0;
    });
    afterAll(async () => {
      await sender?.stop();
      await sink?.close();
      await kit?.close();
    });

    it("queues an email to a lead that reaches the SMTP sink", async () => {
      const queued = await send({
        leadId,
        connectionId,
        channel: "gmail",
        subject: "Your quote",
        htmlBody: HTML,
      });
      expect(queued.statusCode, queued.body).toBe(202);
      expect(queued.json).toEqual({ id: expect.any(String), status: "queued" });
      const emailsOnTimeline = async () =>
        (await axiomatic(kit, "GET", `/leads/${leadId}/timeline`)).json.items.filter(
          (item: { type: string }) => item.type === "email",
        );
      expect(await emailsOnTimeline()).toEqual([
        {
          type: "email",
          at: expect.any(String),
          activityId: null,
          emailId: queued.json.id,
          subject: "Your quote",
          to: "ada@example.org",
          status: "queued",
        },
      ]);
      expect(await sender.runOnce()).toBe(1);
      expect(sink.received).toHaveLength(1);
      const mail = sink.received[0]!;
      expect(mail.envelopeTo).toEqual(["ada@example.org"]);
      expect(mail.headers.subject).toBe("Your quote");
      expect(mail.html).toBe(HTML);
      expect(sink.logins.at(-1)).toEqual(["sales", PASSWORD]);
      expect((await getOutboundEmail(kit.core, kit.scope, queued.json.id)).status).toBe("sent");
      // Sent: the queued entry became the lead's email activity, with its status.
      expect(await emailsOnTimeline()).toEqual([
        expect.objectContaining({
          type: "email",
          activityType: "email",
          activityId: expect.any(String),
          emailId: queued.json.id,
          subject: "Your quote",
          completed: true,
          status: "sent",
        }),
      ]);
    });

    it("writes to a card lead at its contact's address", async () => {
      const contact = await axiomatic(kit, "POST", "/contacts", { body: { email: "card@example.org" } });
      const card = await axiomatic(kit, "POST", "/leads", {
        body: { title: "Card", contactId: contact.json.id },
      });
      const queued = await send({
        leadId: card.json.id,
        connectionId,
        channel: "gmail",
        subject: "Hi",
        htmlBody: HTML,
      });
      expect(queued.statusCode, queued.body).toBe(202);
      expect(await sender.runOnce()).toBe(1);
      expect(sink.received.map((mail) => mail.envelopeTo)).toEqual([["card@example.org"]]);
      const bare = await axiomatic(kit, "POST", "/leads", { body: { title: "No address" } });
      const refused = await send({
        leadId: bare.json.id,
        connectionId,
        channel: "gmail",
        subject: "Hi",
        htmlBody: HTML,
      });
      expect(refused.statusCode).toBe(400);
      expect(refused.json.error).toBe("to: the lead has no email address");
    });

    it("takes html as another name for htmlBody, and to as the recipient", async () => {
      const queued = await send({ connectionId, to: "bob@example.net", subject: "Hi", html: HTML });
      expect(queued.statusCode, queued.body).toBe(202);
      expect(await sender.runOnce()).toBe(1);
      expect(sink.received[0]).toMatchObject({ envelopeTo: ["bob@example.net"], html: HTML });
    });

    it("rejects bad messages naming the field, queueing nothing", async () => {
      const ok = { leadId, connectionId, subject: "S", htmlBody: HTML };
      const cases: [unknown, string][] = [
        [{ ...ok, connectionId: undefined }, "connectionId: is required"],
        [
          { ...ok, connectionId: MISSING },
          "connectionId: no email connection with this id in this workspace",
        ],
        [{ ...ok, htmlBody: undefined }, "htmlBody: must not be empty"],
        [{ ...ok, htmlBody: "  " }, "htmlBody: must not be empty"],
        [{ ...ok, subject: undefined }, "subject: is required"],
        [{ ...ok, channel: "smtp" }, "channel: does not match the connection's channel (gmail)"],
        [{ ...ok, channel: "fax" }, "channel: must be one of smtp, gmail, outlook"],
        [{ ...ok, leadId: MISSING }, "leadId: no live lead with this id in this workspace"],
        [{ ...ok, leadId: undefined }, "to: is required"],
      ];
      for (const [body, error] of cases) {
        const response = await send(body);
        expect({ body, status: response.statusCode, json: response.json }).toEqual({
          body,
          status: 400,
          json: { error },
        });
      }
      expect(await sender.runOnce()).toBe(0);
    });

    it("lists connections without settings or secrets", async () => {
      const response = await axiomatic(kit, "GET", "/outbound-email-connections");
      expect(response.statusCode).toBe(200);
      expect(response.json).toEqual({
        connections: [
          {
            id: connectionId,
            channel: "gmail",
            name: "Sales mailbox",
            email: "sales@acme.test",
            status: "active",
          },
        ],
      });
      expect(response.body).not.toContain(PASSWORD);
      expect(response.body).not.toContain("127.0.0.1");
    });

    it("refuses another entity, keys without the permission and unknown endpoints", async () => {
      const other = { entityId: kit.other.workspace.id };
      expect((await send({ connectionId, subject: "S", htmlBody: HTML }, other)).json).toEqual({
        error: "entityId: does not match the API key's entity",
      });
      const mismatch = await axiomatic(kit, "GET", "/outbound-email-connections", other);
      expect(mismatch.statusCode).toBe(403);
      const reader = await kit.newKey(kit.scope, {
        type: "secret",
        scopes: ["read:crm"],
        rateLimit: 100_000,
      });
      const refused = await send({ leadId, connectionId, subject: "S", htmlBody: HTML }, { key: reader });
      expect(refused.statusCode).toBe(403);
      expect(refused.json).toEqual({ error: "this key lacks the leads:write permission" });
      expect((await axiomatic(kit, "GET", "/outbound-email-connections", { key: reader })).statusCode).toBe(
        200,
      );
      const contactsOnly = await kit.newKey(kit.scope, {
        type: "secret",
        scopes: ["contacts:read"],
        rateLimit: 100_000,
      });
      expect(
        (await axiomatic(kit, "GET", "/outbound-email-connections", { key: contactsOnly })).json,
      ).toEqual({
        error: "this key lacks the leads:read permission",
      });
      expect((await axiomatic(kit, "GET", `/outbound-email/${MISSING}`)).statusCode).toBe(404);
    });

    it("never sends through or to another workspace's records", async () => {
      const other = { key: kit.other.secretKey, entityId: kit.other.workspace.id };
      expect((await axiomatic(kit, "GET", "/outbound-email-connections", other)).json).toEqual({
        connections: [],
      });
      const through = await send({ to: "x@example.net", connectionId, subject: "S", htmlBody: HTML }, other);
      expect(through.statusCode).toBe(400);
      expect(through.json).toEqual({
        error: "connectionId: no email connection with this id in this workspace",
      });
      expect(await sender.runOnce()).toBe(0);
      expect(sink.received).toHaveLength(0);
    });
  });
}
