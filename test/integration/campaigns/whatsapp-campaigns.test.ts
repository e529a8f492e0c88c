/**
 * WhatsApp campaigns end to end against a local fake of the Cloud API: connections with a sealed
 * token, phone numbers normalised to E.164, the exact template request per recipient, provider
 * message ids, 503/429 retried without sending twice, other 4xx failed, unsubscribes, counts and
 * `campaign.sent` once; plus the pure rules (phones, rendering).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { normalisePhoneE164, render } from "../../../src/core/campaigns/campaign.rules.js";
import { claimDueRecipients, recordRecipientOutcome } from "../../../src/core/campaigns/campaign-delivery.js";
import {
  createWhatsAppCampaign,
  getCampaign,
  listCampaignRecipients,
} from "../../../src/core/campaigns/campaigns.service.js";
import { unsubscribeByToken, unsubscribeToken } from "../../../src/core/campaigns/unsubscribes.js";
import {
  createWhatsAppConnection,
  getWhatsAppConnection,
  listWhatsAppConnections,
} from "../../../src/core/campaigns/whatsapp-connections.service.js";
import { serverSecretOf } from "../../../src/core/settings.js";
import { openSecret } from "../../../src/core/webhooks/signing.js";
import { type CampaignSender, createCampaignSender } from "../../../src/jobs/campaign-sender.js";
import { startTestKit, type TestKit } from "../../support/app.js";
import { ENGINES } from "../../support/engines.js";
import { type FakeWhatsApp, startFakeWhatsApp } from "./fake-whatsapp.js";
import { drain, eventsOf, newContact, newLead, newList, rejection } from "./fixtures.js";

const TOKEN = "EAAG-wa-access-token-never-shown";
const BASE = "https://crm.example.test";

describe("campaign rules", () => {
  it("normalises phone numbers to E.164", () => {
    expect(normalisePhoneE164("+44 20 7946 0958")).toBe("+442079460958");
    expect(normalisePhoneE164("0044 (20) 7946-0958")).toBe("+442079460958");
    expect(normalisePhoneE164("+1.415.555.0100")).toBe("+14155550100");
    expect(normalisePhoneE164("020 7946 0958")).toBeNull();
    expect(normalisePhoneE164("020 7946 0958", "44")).toBe("+442079460958");
    expect(normalisePhoneE164("+0 123 456 789")).toBeNull();
    expect(normalisePhoneE164("+12")).toBeNull();
    expect(normalisePhoneE164("call me")).toBeNull();
    expect(normalisePhoneE164(null)).toBeNull();
  });

  it("renders known placeholders, escaping HTML only when asked", () => {
    const values = { name: "Ann <Ops> & Co", first_name: "Ann" };
    expect(render("Hi {{ first_name }}, {{name}} {{unknown}} {{email}}.", values, true)).toBe(
      "Hi Ann, Ann &lt;Ops&gt; &amp; Co {{unknown}} .",
    );
    expect(render("{{name}}", values, false)).toBe("Ann <Ops> & Co");
  });
});

for (const engine of ENGINES) {
  describe(`WhatsApp campaigns (${engine})`, { timeout: 60_000 }, () => {
    let kit: TestKit;
    let fake: FakeWhatsApp;
    let sender: CampaignSender;
    let secret: string;
    let connectionId: string;

    const campaign = (input: Record<string, unknown>) =>
      createWhatsAppCampaign(kit.core, kit.scope, {
        name: "Launch",
        connectionId,
        templateName: "spring_launch",
        templateLanguage: "en_US",
        variables: ["{{first_name}}", "Your number {{phone}}"],
        ...input,
      });
    const recipientsOf = async (id: string) =>
      (await listCampaignRecipients(kit.core, kit.scope, id, { page: 1, perPage: 100 })).items;
    const acceptedTo = (to: string) => fake.accepted.filter((request) => request.body.to === to);

    beforeAll(async () => {
      kit = await startTestKit(engine, { env: { KITH_WEBHOOK_ALLOW_PRIVATE: "true" } });
      fake = await startFakeWhatsApp();
      secret = await serverSecretOf(kit.core, kit.config.secret);
      const connection = await createWhatsAppConnection(
        kit.core,
        kit.scope,
        { serverSecret: secret, allowPrivate: true },
        { name: "Main number", baseUrl: `${fake.baseUrl}/`, phoneNumberId: "1098765", token: TOKEN },
      );
      connectionId = connection.id;
      sender = createCampaignSender({
        core: kit.core,
        serverSecret: secret,
        allowPrivate: true,
        publicBaseUrl: BASE,
        retryScheduleMs: [0, 0],
        perConnectionPerSecond: 1000,
        connectionTimeoutMs: 2_000,
      });
    });
    afterEach(() => {
      fake.requests.length = 0;
      fake.accepted.length = 0;
    });
    afterAll(async () => {
      await sender?.stop();
      await fake?.close();
      await kit?.close();
    });

    it("keeps the token sealed and never returns it; checks the base URL", async () => {
      const connection = await getWhatsAppConnection(kit.core, kit.scope, connectionId);
      expect(connection).toMatchObject({
        name: "Main number",
        baseUrl: fake.baseUrl,
        phoneNumberId: "1098765",
        hasToken: true,
        status: "active",
      });
      expect(JSON.stringify(connection)).not.toContain(TOKEN);
      expect(JSON.stringify(await listWhatsAppConnections(kit.core, kit.scope))).not.toContain(TOKEN);
      const row = await kit.core.db
        .selectFrom("whatsapp_connections")
        .select("token")
        .where("id", "=", connectionId)
        .executeTakeFirstOrThrow();
      expect(row.token).not.toContain(TOKEN);
      expect(openSecret(secret, row.token)).toBe(TOKEN);
      expect(JSON.stringify(await eventsOf(kit, connectionId))).not.toContain(TOKEN);

      const settings = { serverSecret: secret, allowPrivate: false };
      const valid = { name: "X", phoneNumberId: "1", token: "t" };
      for (const [input, field] of [
        [{ ...valid, baseUrl: "ftp://graph.example.test" }, "baseUrl"],
        [{ ...valid, baseUrl: "http://127.0.0.1:9/v20.0" }, "baseUrl"],
        [{ ...valid, baseUrl: "http://10.1.2.3/v20.0" }, "baseUrl"],
        [{ ...valid, baseUrl: "not a url" }, "baseUrl"],
        [{ ...valid, baseUrl: "https://203.0.114.1", phoneNumberId: "12/34" }, "phoneNumberId"],
        [{ ...valid, baseUrl: "https://203.0.114.1", token: "" }, "token"],
        [{ ...valid, baseUrl: "https://203.0.114.1", name: "" }, "name"],
      ] as const) {
        expect(
          await rejection(createWhatsAppConnection(kit.core, kit.scope, settings, input)),
          field,
        ).toMatchObject({ code: "VALIDATION", field });
      }
      expect(await rejection(getWhatsAppConnection(kit.core, kit.other.scope, connectionId))).toMatchObject({
        code: "NOT_FOUND",
      });
    });

    it("sends the template to each unique E.164 number once, with rendered parameters", async () => {
      const ann = await newContact(kit, { firstName: "Ann", phone: "+44 20 7946 0958" });
      const ben = await newContact(kit, { firstName: "Ben", phone: "0044 (20) 7946-0959" });
      const cat = await newContact(kit, { firstName: "Cat", phone: "020 7946 0960" });
      const dan = await newContact(kit, { firstName: "Dan", email: "dan@example.test" });
      const annLead = await newLead(kit, { firstName: "Ann again", phone: "+442079460958" }, ["promo"]);
      const list = await newList(kit, { contactIds: [ann.id, ben.id, cat.id, dan.id] });

      const created = await campaign({ audience: { listId: list.number, tags: ["promo"] } });
      expect(created).toMatchObject({
        channel: "whatsapp",
        templateName: "spring_launch",
        templateLanguage: "en_US",
        templateVariables: ["{{first_name}}", "Your number {{phone}}"],
      });
      expect(
        (await recipientsOf(created.id)).map((r) => [r.recordId, r.address, r.status, r.skipReason]),
      ).toEqual([
        [ann.id, "+442079460958", "queued", null],
        [ben.id, "+442079460959", "queued", null],
        [cat.id, null, "skipped", "no_address"],
        [dan.id, null, "skipped", "no_address"],
        [annLead.id, "+442079460958", "skipped", "duplicate"],
      ]);

      await drain(sender);
      expect(fake.requests).toHaveLength(2);
      const [toAnn] = acceptedTo("442079460958");
      expect(toAnn!.method).toBe("POST");
      expect(toAnn!.path).toBe("/v20.0/1098765/messages");
      expect(toAnn!.headers.authorization).toBe(`Bearer ${TOKEN}`);
      expect(toAnn!.headers["content-type"]).toBe("application/json");
      expect(toAnn!.body).toEqual({
        messaging_product: "whatsapp",
        to: "442079460958",
        type: "template",
        template: {
          name: "spring_launch",
          language: { code: "en_US" },
          components: [
            {
              type: "body",
              parameters: [
                { type: "text", text: "Ann" },
                { type: "text", text: "Your number +442079460958" },
              ],
            },
          ],
        },
      });
      expect(acceptedTo("442079460959")).toHaveLength(1);
      const sent = (await recipientsOf(created.id)).filter((r) => r.status === "sent");
      expect(sent.map((r) => r.providerMessageId).sort()).toEqual(["wamid.1", "wamid.2"].sort());
      const done = await getCampaign(kit.core, kit.scope, created.id);
      expect(done.status).toBe("sent");
      expect(done.counts).toEqual({ queued: 0, sending: 0, sent: 2, failed: 0, skipped: 3, total: 5 });
      const events = await eventsOf(kit, created.id);
      expect(events.map((e) => e.type)).toEqual(["campaign.created", "campaign.sent"]);
      expect(events[1]!.data.counts).toEqual(done.counts);

      // With a default calling code, Cat's national number is reachable.
      const withCode = await campaign({ defaultCountryCode: "44", audience: { contactIds: [cat.id] } });
      expect((await recipientsOf(withCode.id))[0]).toMatchObject({
        address: "+442079460960",
        status: "queued",
      });
      await drain(sender);
      expect(acceptedTo("442079460960")).toHaveLength(1);
    });

    it("retries 503 and 429 without sending twice, fails on another 4xx", async () => {
      const eli = await newContact(kit, { firstName: "Eli", phone: "+1 415 555 0101" });
      const fay = await newContact(kit, { firstName: "Fay", phone: "+1 415 555 0102" });
      fake.failNext(1, 503);
      fake.failNext(1, 429);
      const retried = await campaign({ audience: { contactIds: [eli.id, fay.id] } });
      expect(await sender.runOnce()).toBe(2);
      expect((await recipientsOf(retried.id)).map((r) => r.status)).toEqual(["queued", "queued"]);
      expect((await recipientsOf(retried.id)).map((r) => r.lastError).sort()).toEqual([
        expect.stringContaining("429"),
        expect.stringContaining("503"),
      ]);
      await drain(sender);
      expect(fake.requests).toHaveLength(4);
      expect(acceptedTo("14155550101")).toHaveLength(1);
      expect(acceptedTo("14155550102")).toHaveLength(1);
      const recipients = await recipientsOf(retried.id);
      expect(recipients.map((r) => [r.status, r.attempts])).toEqual([
        ["sent", 2],
        ["sent", 2],
      ]);
      expect((await eventsOf(kit, retried.id)).filter((e) => e.type === "campaign.sent")).toHaveLength(1);

      // Retries run out: after the schedule's two retries the third failure is final.
      fake.failNext(3, 503);
      const exhausted = await campaign({ audience: { contactIds: [eli.id] } });
      await drain(sender);
      expect((await recipientsOf(exhausted.id))[0]).toMatchObject({ status: "failed", attempts: 3 });

      fake.failNext(1, 400);
      const rejected = await campaign({ audience: { contactIds: [fay.id] } });
      await drain(sender);
      const [failed] = await recipientsOf(rejected.id);
      expect(failed).toMatchObject({ status: "failed", attempts: 1, providerMessageId: null });
      expect(failed!.lastError).toContain("400");
      expect(await getCampaign(kit.core, kit.scope, rejected.id)).toMatchObject({ status: "failed" });
      expect((await eventsOf(kit, rejected.id)).map((e) => e.type)).toEqual([
        "campaign.created",
        "campaign.failed",
      ]);
      expect(fake.accepted).toHaveLength(2);
    });

    it("two workers racing share the recipients: each number once, campaign.sent once", async () => {
      const people = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          newContact(kit, { firstName: `R${i}`, phone: `+1 415 555 02${10 + i}` }),
        ),
      );
      const raced = await campaign({ audience: { contactIds: people.map((person) => person.id) } });
      const workers = [1, 2].map((n) =>
        createCampaignSender({
          core: kit.core,
          serverSecret: secret,
          allowPrivate: true,
          publicBaseUrl: BASE,
          workerId: `racer-${n}`,
          claimBatch: 2,
          perConnectionPerSecond: 1000,
        }),
      );
      await Promise.all(workers.map((worker) => drain(worker)));
      expect(fake.accepted).toHaveLength(6);
      expect(new Set(fake.accepted.map((request) => request.body.to)).size).toBe(6);
      const done = await getCampaign(kit.core, kit.scope, raced.id);
      expect(done).toMatchObject({ status: "sent", counts: { sent: 6, total: 6 } });
      expect((await eventsOf(kit, raced.id)).filter((e) => e.type === "campaign.sent")).toHaveLength(1);
      await Promise.all(workers.map((worker) => worker.stop()));
    });

    it("takes over an expired claim; the lost claim's outcome is ignored", async () => {
      const ivy = await newContact(kit, { firstName: "Ivy", phone: "+1 415 555 0301" });
      const stale = await campaign({ audience: { contactIds: [ivy.id] } });
      // A worker that claimed the recipient and died: its claim has already expired.
      const [claimed] = await claimDueRecipients(kit.core, { workerId: "dead", limit: 10, claimSeconds: -1 });
      expect(claimed).toMatchObject({ campaign_id: stale.id, status: "sending", claimed_by: "dead" });
      expect((await getCampaign(kit.core, kit.scope, stale.id)).status).toBe("sending");
      await drain(sender);
      expect(acceptedTo("14155550301")).toHaveLength(1);
      expect(
        await recordRecipientOutcome(kit.core, claimed!, "dead", { kind: "failed", error: "late" }),
      ).toBe(false);
      expect((await recipientsOf(stale.id))[0]).toMatchObject({
        status: "sent",
        attempts: 1,
        lastError: null,
      });
      expect((await eventsOf(kit, stale.id)).map((e) => e.type)).toEqual([
        "campaign.created",
        "campaign.sent",
      ]);
    });

    it("throttles sends per connection", async () => {
      const people = await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          newContact(kit, { firstName: `T${i}`, phone: `+1 415 555 04${10 + i}` }),
        ),
      );
      await campaign({ audience: { contactIds: people.map((person) => person.id) } });
      const slow = createCampaignSender({
        core: kit.core,
        serverSecret: secret,
        allowPrivate: true,
        publicBaseUrl: BASE,
        perConnectionPerSecond: 10,
      });
      const started = Date.now();
      expect(await slow.runOnce()).toBe(5);
      // Five messages at 10/s: the last one may go 400 ms after the first.
      expect(Date.now() - started).toBeGreaterThanOrEqual(390);
      expect(fake.accepted).toHaveLength(5);
      await slow.stop();
    });

    it("skips numbers that unsubscribed from WhatsApp (and only from WhatsApp)", async () => {
      const gus = await newContact(kit, {
        firstName: "Gus",
        phone: "+49 30 1234567",
        email: "gus@example.test",
      });
      const token = unsubscribeToken(secret, {
        workspaceId: kit.workspace.id,
        channel: "whatsapp",
        address: "+49301234567",
      });
      expect(await unsubscribeByToken(kit.core, secret, token)).toMatchObject({
        channel: "whatsapp",
        created: true,
      });
      const skipped = await campaign({ audience: { contactIds: [gus.id] } });
      expect(skipped.status).toBe("sent");
      expect(skipped.counts).toMatchObject({ skipped: 1, total: 1 });
      expect((await recipientsOf(skipped.id))[0]).toMatchObject({ skipReason: "unsubscribed" });
      await drain(sender);
      expect(fake.requests).toHaveLength(0);
      const email = await kit.core.db
        .selectFrom("campaign_unsubscribes")
        .select("address")
        .where("workspace_id", "=", kit.workspace.id)
        .where("channel", "=", "email")
        .where("address", "=", "gus@example.test")
        .execute();
      expect(email).toEqual([]);
    });

    it("refuses invalid input naming the field, and another workspace's connection", async () => {
      const hal = await newContact(kit, { firstName: "Hal", phone: "+33 1 23 45 67 89" });
      const audience = { contactIds: [hal.id] };
      const cases: [Record<string, unknown>, string][] = [
        [{ templateName: "Spring Launch", audience }, "templateName"],
        [{ templateName: undefined, audience }, "templateName"],
        [{ templateLanguage: "english", audience }, "templateLanguage"],
        [{ variables: "x", audience }, "variables"],
        [{ variables: ["ok", 3], audience }, "variables[1]"],
        [{ defaultCountryCode: "44x", audience }, "defaultCountryCode"],
        [{ connectionId: "nope", audience }, "connectionId"],
        [{ connectionId: 99, audience }, "connectionId"],
        [{ audience: { leadIds: [123_456] } }, "audience.leadIds[0]"],
      ];
      for (const [input, field] of cases) {
        expect(await rejection(campaign(input)), field).toMatchObject({ code: "VALIDATION", field });
      }
      const theirs = await createWhatsAppConnection(
        kit.core,
        kit.other.scope,
        { serverSecret: secret, allowPrivate: true },
        { name: "Theirs", baseUrl: fake.baseUrl, phoneNumberId: "555", token: "other-token" },
      );
      expect(await rejection(campaign({ connectionId: theirs.id, audience }))).toMatchObject({
        code: "VALIDATION",
        field: "connectionId",
      });
      // Numbers are per workspace: theirs.number names this workspace's own connection, if any.
      expect((await campaign({ connectionId: theirs.number, audience })).connectionId).toBe(connectionId);
      await drain(sender);
    });
  });
}
