/**
 * CRMLead Pro campaigns end to end over HTTP: an email campaign to a marketing list reaches the real
 * SMTP sink once per subscribed recipient, the unsubscribe link in the message works and the next
 * campaign skips that address; a WhatsApp campaign reaches the fake provider, through a transient
 * failure; progress and per-recipient statuses show on GET /campaigns/{id}.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWhatsAppConnection } from "../../../src/core/campaigns/whatsapp-connections.service.js";
import { createEmailConnection } from "../../../src/core/email/email-connections.service.js";
import { serverSecretOf } from "../../../src/core/settings.js";
import { type CampaignSender, createCampaignSender } from "../../../src/jobs/campaign-sender.js";
import { startTestKit, type TestKit } from "../../support/app.js";
import { crmleadpro } from "../../support/crmleadpro.js";
import { ENGINES } from "../../support/engines.js";
import { type FakeWhatsApp, startFakeWhatsApp } from "../campaigns/fake-whatsapp.js";
import { drain, newCompany, newContact, newList } from "../campaigns/fixtures.js";
import { type SmtpSink, startSmtpSink } from "../email/smtp-sink.js";

const PASSWORD = "campaign-smtp-pass";

for (const engine of ENGINES) {
  describe(`CRMLead Pro campaigns (${engine})`, { timeout: 60_000 }, () => {
    let kit: TestKit;
    let sink: SmtpSink;
    let fake: FakeWhatsApp;
    let sender: CampaignSender;
    let mailbox: string;
    let whatsapp: string;

    const api = (method: "GET" | "POST", path: string, body?: unknown) =>
      crmleadpro(kit, method, path, { body });

    beforeAll(async () => {
      kit = await startTestKit(engine, { env: { KITH_WEBHOOK_ALLOW_PRIVATE: "true" } });
      sink = await startSmtpSink({ user: "news", pass: PASSWORD });
      fake = await startFakeWhatsApp();
      const serverSecret = await serverSecretOf(kit.core, kit.config.secret);
      const settings = { serverSecret, allowPrivate: true };
      mailbox = (
        await createEmailConnection(kit.core, kit.scope, settings, {
          channel: "smtp",
          name: "Newsletter",
          fromEmail: "news@acme.test",
          host: "127.0.0.1",
          port: sink.port,
          username: "news",
          password: PASSWORD,
        })
      ).id;
      whatsapp = (
        await createWhatsAppConnection(kit.core, kit.scope, settings, {
          name: "Main number",
          baseUrl: fake.baseUrl,
          phoneNumberId: "1098765",
          token: "wa-token",
        })
      ).id;
      sender = createCampaignSender({
        core: kit.core,
        serverSecret,
        allowPrivate: true,
        publicBaseUrl: "http://kith.test",
        retryScheduleMs: [0, 0],
        perConnectionPerSecond: 1000,
        connectionTimeoutMs: 2_000,
      });
    });
    afterAll(async () => {
      await sender?.stop();
      await fake?.close();
      await sink?.close();
      await kit?.close();
    });

    it("mails a list once per subscribed address, and honours the unsubscribe link", async () => {
      const acme = await newCompany(kit, "Acme");
      const ada = await newContact(kit, {
        firstName: "Ada",
        email: "ada@example.org",
        primaryCompany: { id: acme.id },
      });
      const bob = await newContact(kit, { firstName: "Bob", email: "bob@example.org" });
      const nobody = await newContact(kit, { firstName: "Nobody" });
      const list = await newList(kit, { contactIds: [ada.id, bob.id, nobody.id], companyIds: [acme.id] });

      const send = () =>
        api("POST", "/campaigns/email", {
          name: "November news",
          connection_id: mailbox,
          subject: "News for {{first_name}}",
          body_html: '<p>Hello {{name}}</p><p><a href="{{unsubscribe_url}}">Unsubscribe</a></p>',
          audience: { list_id: list.id },
        });
      const created = await send();
      expect(created.statusCode, created.body).toBe(202);
      expect(created.json).toMatchObject({
        id: expect.stringMatching(/^camp_[0-9A-Z]{26}$/),
        channel: "email",
        status: "queued",
        counts: { queued: 2, skipped: 1, total: 3 },
      });
      await drain(sender);
      expect(sink.received.map((mail) => mail.envelopeTo[0]).sort()).toEqual([
        "ada@example.org",
        "bob@example.org",
      ]);
      const toAda = sink.received.find((mail) => mail.envelopeTo[0] === "ada@example.org")!;
      expect(toAda.headers.subject).toBe("News for Ada");

      const progress = await api("GET", `/campaigns/${created.json.id}`);
      expect(progress.json).toMatchObject({ status: "sent", counts: { sent: 2, skipped: 1, queued: 0 } });
      const recipients = await api("GET", `/campaigns/${created.json.id}/recipients`);
      expect(
        recipients.json.data.map((r: { status: string; skip_reason: string | null }) => [
          r.status,
          r.skip_reason,
        ]),
      ).toEqual(
        expect.arrayContaining([
          ["sent", null],
          ["skipped", "no_address"],
        ]),
      );

      // Ada follows the link in her message; the next campaign skips her.
      const link = /http:\/\/kith\.test(\/unsubscribe\/[^"\s<]+)/.exec(toAda.html!)![1]!;
      const page = await kit.app.inject({ method: "GET", url: link });
      expect(page.statusCode).toBe(200);
      expect(page.body).toMatch(/unsubscribed/);
      expect((await kit.app.inject({ method: "GET", url: "/unsubscribe/forged.token" })).statusCode).toBe(
        400,
      );
      sink.received.length = 0;
      const again = await send();
      expect(again.json.counts).toMatchObject({ queued: 1, skipped: 2 });
      await drain(sender);
      expect(sink.received.map((mail) => mail.envelopeTo[0])).toEqual(["bob@example.org"]);
    });

    it("broadcasts a WhatsApp template through a transient provider failure, once per number", async () => {
      const lead = (
        await api("POST", "/leads", { name: "Priya Sharma", phone: "+91 98765 43210", tags: ["wa"] })
      ).json;
      fake.failNext(1, 503);
      const created = await api("POST", "/campaigns/whatsapp", {
        name: "Diwali offer",
        connection_id: whatsapp,
        template: "festive_offer",
        language: "en_US",
        variables: ["{{first_name}}"],
        audience: { tags: ["wa"] },
      });
      expect(created.statusCode, created.body).toBe(202);
      await drain(sender);
      const accepted = fake.accepted.filter((request) => request.body.to === "919876543210");
      expect(accepted).toHaveLength(1);
      expect(accepted[0]!.body.template).toMatchObject({
        name: "festive_offer",
        language: { code: "en_US" },
        components: [{ type: "body", parameters: [{ type: "text", text: "Priya" }] }],
      });
      const progress = await api("GET", `/campaigns/${created.json.id}`);
      expect(progress.json).toMatchObject({ status: "sent", counts: { sent: 1, total: 1 } });
      const recipients = (await api("GET", `/campaigns/${created.json.id}/recipients`)).json.data;
      expect(recipients).toEqual([
        expect.objectContaining({ record_id: lead.id, status: "sent", attempts: 2 }),
      ]);
    });

    it("refuses bad campaigns naming the field, and other workspaces' campaigns", async () => {
      const noAudience = await api("POST", "/campaigns/email", {
        name: "X",
        connection_id: mailbox,
        subject: "S",
        body_html: "<p>x</p>",
        audience: {},
      });
      expect(noAudience.statusCode).toBe(400);
      expect(noAudience.json.error.code).toBe("validation_error");
      const wrongConnection = await api("POST", "/campaigns/email", {
        name: "X",
        connection_id: whatsapp,
        subject: "S",
        body_html: "<p>x</p>",
        audience: { tags: ["wa"] },
      });
      expect(wrongConnection.statusCode).toBe(400);
      expect(wrongConnection.json.error.field).toBe("connection_id");
      const mine = await api("POST", "/campaigns/email", {
        name: "Mine",
        connection_id: mailbox,
        subject: "S",
        body_html: "<p>x</p>",
        audience: { tags: ["wa"] },
      });
      const theirs = await crmleadpro(kit, "GET", `/campaigns/${mine.json.id}`, { key: kit.other.secretKey });
      expect(theirs.statusCode).toBe(404);
    });
  });
}
