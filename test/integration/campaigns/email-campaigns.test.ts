/**
 * Email campaigns end to end: audiences resolved from a marketing list (its contacts and its
 * companies' contacts), tags and lead filters; per-recipient rendering over real SMTP (a local
 * smtp-server sink); unsubscribe links and tokens; retries that never send twice; permanent
 * failures; counts, statuses and `campaign.sent` exactly once; validation and tenant isolation.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  createEmailCampaign,
  getCampaign,
  listCampaignRecipients,
} from "../../../src/core/campaigns/campaigns.service.js";
import {
  readUnsubscribeToken,
  unsubscribeByToken,
  unsubscribeToken,
  unsubscribeUrl,
} from "../../../src/core/campaigns/unsubscribes.js";
import { createEmailConnection } from "../../../src/core/email/email-connections.service.js";
import { serverSecretOf } from "../../../src/core/settings.js";
import { type CampaignSender, createCampaignSender } from "../../../src/jobs/campaign-sender.js";
import { startTestKit, type TestKit } from "../../support/app.js";
import { ENGINES } from "../../support/engines.js";
import { type SmtpSink, startSmtpSink } from "../email/smtp-sink.js";
import { drain, eventsOf, newCompany, newContact, newLead, newList, rejection } from "./fixtures.js";

const PASSWORD = "campaign-smtp-pa55";
const BASE = "https://crm.example.test";
const LINK = /https:\/\/crm\.example\.test\/unsubscribe\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)/;

for (const engine of ENGINES) {
  describe(`Email campaigns (${engine})`, { timeout: 60_000 }, () => {
    let kit: TestKit;
    let sink: SmtpSink;
    let sender: CampaignSender;
    let secret: string;
    let connectionId: string;

    const campaign = (input: Record<string, unknown>) =>
      createEmailCampaign(kit.core, kit.scope, {
        name: "Spring news",
        connectionId,
        subject: "Hello {{first_name}}",
        html: "<p>Hi {{name}}, we write to {{email}}.</p>",
        ...input,
      });
    const recipientsOf = async (id: string) =>
      (await listCampaignRecipients(kit.core, kit.scope, id, { page: 1, perPage: 100 })).items;
    const mailTo = (address: string) => sink.received.filter((mail) => mail.envelopeTo.includes(address));

    beforeAll(async () => {
      kit = await startTestKit(engine, { env: { KITH_WEBHOOK_ALLOW_PRIVATE: "true" } });
      sink = await startSmtpSink({ user: "news", pass: PASSWORD });
      secret = await serverSecretOf(kit.core, kit.config.secret);
      const connection = await createEmailConnection(
        kit.core,
        kit.scope,
        { serverSecret: secret, allowPrivate: true },
        {
          channel: "smtp",
          name: "Newsletter",
          fromEmail: "news@acme.test",
          fromName: "Acme News",
          host: "127.0.0.1",
          port: sink.port,
          username: "news",
          password: PASSWORD,
        },
      );
      connectionId = connection.id;
      sender = createCampaignSender({
        core: kit.core,
        serverSecret: secret,
        allowPrivate: true,
        publicBaseUrl: BASE,
        // Retries due at once, so a test can run the next attempt straight away.
        retryScheduleMs: [0, 0],
        perConnectionPerSecond: 1000,
        connectionTimeoutMs: 2_000,
      });
    });
    afterEach(() => {
      sink.received.length = 0;
    });
    afterAll(async () => {
      await sender?.stop();
      await sink?.close();
      await kit?.close();
    });

    it("reaches a list's contacts, its companies' contacts and tagged leads once per address, with variables and the unsubscribe link", async () => {
      const acme = await newCompany(kit, "Acme");
      const ada = await newContact(kit, {
        firstName: "Ada",
        lastName: "<Lovelace>",
        email: "Ada@Example.test",
      });
      const cy = await newContact(kit, { firstName: "Cy", phone: "+44 20 7946 0000" });
      const eve = await newContact(kit, { firstName: "Eve", email: "eve@example.test" });
      const bob = await newContact(kit, {
        firstName: "Bob",
        email: "bob@example.test",
        primaryCompany: { id: acme.id },
      });
      const dee = await newLead(kit, { firstName: "Dee", email: "dee@example.test" }, ["VIP"]);
      const adaLead = await newLead(kit, { firstName: "Ada-lead", email: "ADA@example.test" }, ["vip"]);
      await newLead(kit, { firstName: "Untagged", email: "nobody@example.test" });
      const list = await newList(kit, { contactIds: [ada.id, cy.id, eve.id], companyIds: [acme.id] });

      const created = await campaign({ audience: { listId: list.id, tags: ["vip"], contactIds: [eve.id] } });
      expect(created).toMatchObject({ channel: "email", status: "queued", connectionId, sentAt: null });
      expect(created.counts).toEqual({ queued: 4, sending: 0, sent: 0, failed: 0, skipped: 2, total: 6 });
      const before = await recipientsOf(created.id);
      expect(before.map((r) => [r.recordId, r.address, r.status, r.skipReason])).toEqual([
        [ada.id, "ada@example.test", "queued", null],
        [cy.id, null, "skipped", "no_address"],
        [eve.id, "eve@example.test", "queued", null],
        [bob.id, "bob@example.test", "queued", null],
        [dee.id, "dee@example.test", "queued", null],
        [adaLead.id, "ada@example.test", "skipped", "duplicate"],
      ]);
      expect((await eventsOf(kit, created.id)).map((e) => e.type)).toEqual(["campaign.created"]);

      await drain(sender);
      expect(sink.received).toHaveLength(4);
      expect(sink.received.flatMap((mail) => mail.envelopeTo).sort()).toEqual([
        "ada@example.test",
        "bob@example.test",
        "dee@example.test",
        "eve@example.test",
      ]);
      const [toAda] = mailTo("ada@example.test");
      expect(toAda!.headers.subject).toBe("Hello Ada");
      expect(toAda!.html).toContain("<p>Hi Ada &lt;Lovelace&gt;, we write to ada@example.test.</p>");
      expect(toAda!.text).toContain("Hi Ada <Lovelace>, we write to ada@example.test.");
      // No {{unsubscribe_url}} in the HTML: a footer carries the link, and so does the header.
      const inBody = LINK.exec(toAda!.html!);
      expect(inBody).not.toBeNull();
      expect(toAda!.headers["list-unsubscribe"]).toBe(`<${inBody![0]}>`);
      expect(toAda!.text).toContain("Unsubscribe");
      expect(readUnsubscribeToken(secret, inBody![1])).toEqual({
        workspaceId: kit.workspace.id,
        channel: "email",
        address: "ada@example.test",
      });

      const done = await getCampaign(kit.core, kit.scope, created.number);
      expect(done.status).toBe("sent");
      expect(done.sentAt).not.toBeNull();
      expect(done.counts).toEqual({ queued: 0, sending: 0, sent: 4, failed: 0, skipped: 2, total: 6 });
      const after = await recipientsOf(created.id);
      expect(
        after.filter((r) => r.status === "sent").every((r) => r.attempts === 1 && r.sentAt !== null),
      ).toBe(true);
      expect(after.find((r) => r.recordId === ada.id)!.providerMessageId).toMatch(/^<.+>$/);

      // Nothing left to claim: no message goes twice, campaign.sent exactly once with the counts.
      expect(await sender.runOnce()).toBe(0);
      expect(sink.received).toHaveLength(4);
      const events = await eventsOf(kit, created.id);
      expect(events.map((e) => e.type)).toEqual(["campaign.created", "campaign.sent"]);
      expect(events[1]!.data.counts).toEqual(done.counts);
    });

    it("unsubscribes by token (idempotent), skips that address in new campaigns and right before sending", async () => {
      const una = await newContact(kit, { firstName: "Una", email: "una@example.test" });
      const vic = await newContact(kit, { firstName: "Vic", email: "vic@example.test" });
      const first = await campaign({
        html: '<p>Hi {{first_name}}</p><a href="{{unsubscribe_url}}">leave</a>',
        audience: { contactIds: [una.id] },
      });
      await drain(sender);
      const [mail] = mailTo("una@example.test");
      // The HTML uses the placeholder: no footer is added.
      expect(mail!.html!.match(new RegExp(LINK.source, "g"))).toHaveLength(1);
      const token = LINK.exec(mail!.html!)![1]!;
      expect((await getCampaign(kit.core, kit.scope, first.id)).counts.sent).toBe(1);

      expect(await unsubscribeByToken(kit.core, secret, token)).toMatchObject({
        channel: "email",
        address: "una@example.test",
        created: true,
      });
      expect(await unsubscribeByToken(kit.core, secret, token)).toMatchObject({ created: false });
      const tampered = `${token.slice(0, -2)}${token.endsWith("AA") ? "BB" : "AA"}`;
      expect(await rejection(unsubscribeByToken(kit.core, secret, tampered))).toMatchObject({
        code: "VALIDATION",
        field: "token",
      });
      expect(await rejection(unsubscribeByToken(kit.core, "another-secret", token))).toMatchObject({
        code: "VALIDATION",
        field: "token",
      });
      expect(unsubscribeUrl(`${BASE}/`, token)).toBe(`${BASE}/unsubscribe/${token}`);

      const second = await campaign({ audience: { contactIds: [una.id, vic.id] } });
      expect((await recipientsOf(second.id)).map((r) => [r.address, r.status, r.skipReason])).toEqual([
        ["una@example.test", "skipped", "unsubscribed"],
        ["vic@example.test", "queued", null],
      ]);

      // Vic unsubscribes after the campaign was created, before the worker gets to him.
      await unsubscribeByToken(
        kit.core,
        secret,
        unsubscribeToken(secret, {
          workspaceId: kit.workspace.id,
          channel: "email",
          address: "vic@example.test",
        }),
      );
      await drain(sender);
      // Only the first campaign's message to Una ever went out.
      expect(sink.received).toEqual([mail]);
      expect(mailTo("vic@example.test")).toHaveLength(0);
      const finished = await getCampaign(kit.core, kit.scope, second.id);
      expect(finished.status).toBe("sent");
      expect(finished.counts).toEqual({ queued: 0, sending: 0, sent: 0, failed: 0, skipped: 2, total: 2 });
      expect((await recipientsOf(second.id))[1]).toMatchObject({
        status: "skipped",
        skipReason: "unsubscribed",
      });
      expect((await eventsOf(kit, second.id)).map((e) => e.type)).toEqual([
        "campaign.created",
        "campaign.sent",
      ]);
    });

    it("retries a transient 4xx and sends once; fails on a 5xx; a campaign with nothing sent is failed", async () => {
      const wes = await newContact(kit, { firstName: "Wes", email: "wes@example.test" });
      const xia = await newLead(kit, {
        firstName: "Xia",
        email: "xia@example.test",
        source: `expo-${engine}`,
      });
      sink.rejectNext(451);
      const retried = await campaign({
        audience: { contactIds: [wes.id], leadFilter: { source: `expo-${engine}` } },
      });
      expect(retried.counts.queued).toBe(2);
      expect(await sender.runOnce()).toBe(2);
      const midway = await recipientsOf(retried.id);
      expect(midway.map((r) => r.status).sort()).toEqual(["queued", "sent"]);
      expect(midway.find((r) => r.status === "queued")!.lastError).toContain("451");
      expect((await getCampaign(kit.core, kit.scope, retried.id)).status).toBe("sending");
      await drain(sender);
      expect(mailTo("wes@example.test")).toHaveLength(1);
      expect(mailTo("xia@example.test")).toHaveLength(1);
      const recipients = await recipientsOf(retried.id);
      expect(recipients.map((r) => r.status)).toEqual(["sent", "sent"]);
      expect(recipients.map((r) => r.attempts).sort()).toEqual([1, 2]);
      // leadFilter comes before contactIds in audience order.
      expect(recipients[0]!.recordId).toBe(xia.id);
      expect((await eventsOf(kit, retried.id)).filter((e) => e.type === "campaign.sent")).toHaveLength(1);

      sink.rejectNext(550);
      const failing = await campaign({ audience: { contactIds: [wes.id] } });
      await drain(sender);
      const [failed] = await recipientsOf(failing.id);
      expect(failed).toMatchObject({ status: "failed", attempts: 1, sentAt: null });
      expect(failed!.lastError).toContain("550");
      const summary = await getCampaign(kit.core, kit.scope, failing.id);
      expect(summary.status).toBe("failed");
      expect(summary.counts).toEqual({ queued: 0, sending: 0, sent: 0, failed: 1, skipped: 0, total: 1 });
      expect((await eventsOf(kit, failing.id)).map((e) => e.type)).toEqual([
        "campaign.created",
        "campaign.failed",
      ]);
      expect(mailTo("wes@example.test")).toHaveLength(1);
    });

    it("refuses invalid input, naming the field", async () => {
      const someone = await newContact(kit, { firstName: "Yul", email: "yul@example.test" });
      const audience = { contactIds: [someone.id] };
      const cases: [Record<string, unknown>, string][] = [
        [{ name: "  ", audience }, "name"],
        [{ connectionId: undefined, audience }, "connectionId"],
        [{ connectionId: "0190f1a2-0000-7000-8000-000000000000", audience }, "connectionId"],
        [{ subject: "", audience }, "subject"],
        [{ subject: "two\nlines", audience }, "subject"],
        [{ html: " ", audience }, "html"],
        [{ audience: undefined }, "audience"],
        [{ audience: {} }, "audience"],
        [{ audience: { listId: 999_999 } }, "audience.listId"],
        [{ audience: { tags: [] } }, "audience.tags"],
        [{ audience: { leadFilter: { status: "hot" } } }, "audience.leadFilter.status"],
        [{ audience: { leadFilter: { stageKey: "no-such-stage" } } }, "audience.leadFilter.stageKey"],
        [{ audience: { leadFilter: { owner: "me" } } }, "audience.leadFilter.owner"],
        [{ audience: { contactIds: [someone.id, 999_999] } }, "audience.contactIds[1]"],
        [{ audience: { leadIds: [null] } }, "audience.leadIds[0]"],
        [{ audience: { tags: ["nobody-has-this-tag"] } }, "audience"],
      ];
      for (const [input, field] of cases) {
        expect(await rejection(campaign(input)), field).toMatchObject({ code: "VALIDATION", field });
      }
      expect(
        await kit.core.db.selectFrom("campaigns").select("id").where("name", "=", "  ").execute(),
      ).toEqual([]);
    });

    it("cannot reach another workspace's list, records, connection or campaign", async () => {
      const other = kit.other.scope;
      const theirs = await newContact(kit, { firstName: "Zed", email: "zed@other.test" }, other);
      const theirList = await newList(kit, { contactIds: [theirs.id] }, other);
      const theirConnection = await createEmailConnection(
        kit.core,
        other,
        { serverSecret: secret, allowPrivate: true },
        { channel: "smtp", name: "Theirs", fromEmail: "x@other.test", host: "127.0.0.1", port: sink.port },
      );
      expect(await rejection(campaign({ audience: { listId: theirList.id } }))).toMatchObject({
        field: "audience.listId",
      });
      expect(await rejection(campaign({ audience: { contactIds: [theirs.id] } }))).toMatchObject({
        field: "audience.contactIds[0]",
      });
      const mine = await newContact(kit, { firstName: "Mo", email: "mo@example.test" });
      expect(
        await rejection(campaign({ connectionId: theirConnection.id, audience: { contactIds: [mine.id] } })),
      ).toMatchObject({ code: "VALIDATION", field: "connectionId" });
      const ours = await campaign({ audience: { contactIds: [mine.id] } });
      expect(await rejection(getCampaign(kit.core, other, ours.id))).toMatchObject({ code: "NOT_FOUND" });
      expect(
        await rejection(listCampaignRecipients(kit.core, other, ours.number, { page: 1, perPage: 10 })),
      ).toMatchObject({
        code: "NOT_FOUND",
      });
      await drain(sender);
      expect(sink.received.map((mail) => mail.envelopeTo)).toEqual([["mo@example.test"]]);
    });
  });
}
