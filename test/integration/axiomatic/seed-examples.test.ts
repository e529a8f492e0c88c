/**
 * The seed document's curl examples (seeds/003, the Axiomatic CRM API at /api/crm), sent as curl
 * sends them with a real key, a real entity id and real record ids: each answers 2xx with the
 * documented shape, and `GET /pipeline-stages` matches the documented body field for field.
 */
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCompany } from "../../../src/core/companies/companies.service.js";
import { createContact } from "../../../src/core/contacts/contacts.service.js";
import { addMembership } from "../../../src/core/contacts/memberships.service.js";
import { createEmailConnection } from "../../../src/core/email/email-connections.service.js";
import { createLead } from "../../../src/core/leads/leads.service.js";
import { createMarketingList } from "../../../src/core/marketing-lists/marketing-lists.service.js";
import { addStage, getDefaultPipeline } from "../../../src/core/pipelines/pipelines.service.js";
import { serverSecretOf } from "../../../src/core/settings.js";
import { startTestKit, type TestKit, withJson } from "../../support/app.js";
import { ENGINES } from "../../support/engines.js";

type Method = "GET" | "POST" | "PATCH" | "DELETE";

/** One curl example of the seed: `curl -X method "https://example.com" + path [-d 'body']`. */
interface SeedExample {
  method: Method;
  /** As in the seed, with the placeholder UUID written as U. */
  path: string;
  /** The `-d` text, exactly as in the seed. */
  body?: string;
}

/** The seed's placeholder for the entity id and for every path id. */
const U = "497f6eca-6276-4993-bfeb-53cbbbba6f08";

/** The 34 curl examples of seeds/003, in the seed's order. */
const SEED_EXAMPLES: readonly SeedExample[] = [
  {
    method: "POST",
    path: "/api/crm/prospecting/add-to-marketing-list?entityId=U",
    body: '{ "listId": "9fc6ad7d-902a-4834-b161-a4911b883d44" }',
  },
  { method: "GET", path: "/api/crm/dashboard?entityId=U" },
  { method: "GET", path: "/api/crm/companies?entityId=U" },
  { method: "POST", path: "/api/crm/companies?entityId=U", body: '{ "name": "string" }' },
  { method: "GET", path: "/api/crm/companies/U?entityId=U" },
  { method: "PATCH", path: "/api/crm/companies/U?entityId=U", body: "{}" },
  { method: "GET", path: "/api/crm/companies/U/contacts?entityId=U" },
  { method: "GET", path: "/api/crm/contacts?entityId=U" },
  { method: "POST", path: "/api/crm/contacts?entityId=U", body: "{}" },
  { method: "GET", path: "/api/crm/contacts/U?entityId=U" },
  { method: "PATCH", path: "/api/crm/contacts/U?entityId=U", body: "{}" },
  { method: "DELETE", path: "/api/crm/contacts/U?entityId=U" },
  { method: "GET", path: "/api/crm/contacts/U/company-memberships?entityId=U" },
  {
    method: "POST",
    path: "/api/crm/contacts/U/company-memberships?entityId=U",
    body: '{ "companyId": "8bb73d03-06b4-47c7-80c7-59301f770eda" }',
  },
  { method: "PATCH", path: "/api/crm/contacts/U/company-memberships/U?entityId=U", body: "{}" },
  { method: "DELETE", path: "/api/crm/contacts/U/company-memberships/U?entityId=U" },
  { method: "GET", path: "/api/crm/pipeline-stages?entityId=U" },
  { method: "POST", path: "/api/crm/pipeline-stages?entityId=U", body: '{ "name": "string" }' },
  {
    method: "POST",
    path: "/api/crm/pipeline-stages/reorder?entityId=U",
    body: '{ "stageIds": [ "ef8acdf2-9c60-4264-8296-0d97712d5691" ] }',
  },
  { method: "PATCH", path: "/api/crm/pipeline-stages/U?entityId=U", body: "{}" },
  { method: "DELETE", path: "/api/crm/pipeline-stages/U?entityId=U", body: "{}" },
  { method: "GET", path: "/api/crm/leads?entityId=U" },
  { method: "POST", path: "/api/crm/leads?entityId=U", body: '{ "title": "string" }' },
  { method: "GET", path: "/api/crm/leads/U?entityId=U" },
  { method: "PATCH", path: "/api/crm/leads/U?entityId=U", body: "{}" },
  { method: "DELETE", path: "/api/crm/leads/U?entityId=U" },
  { method: "GET", path: "/api/crm/leads/U/timeline?entityId=U" },
  { method: "PATCH", path: "/api/crm/leads/U/stage?entityId=U", body: "{}" },
  {
    method: "POST",
    path: "/api/crm/leads/U/activities?entityId=U",
    body: '{ "type": "call", "subject": "string" }',
  },
  { method: "GET", path: "/api/crm/activities?entityId=U" },
  { method: "POST", path: "/api/crm/activities?entityId=U", body: '{ "type": "call", "subject": "string" }' },
  { method: "GET", path: "/api/crm/tasks?entityId=U" },
  {
    method: "POST",
    path: "/api/crm/outbound-email?entityId=U",
    body: '{ "leadId": "3c6e2b8e-0e8f-48db-8791-27271df10113", "connectionId": "84b500d7-71c8-4b1f-adf4-f1eb0000973d", "channel": "gmail", "subject": "string", "htmlBody": "string" }',
  },
  { method: "GET", path: "/api/crm/outbound-email-connections?entityId=U" },
];

/** The body placeholders of the seed, by what they stand for. */
const LIST_ID = "9fc6ad7d-902a-4834-b161-a4911b883d44";
const COMPANY_ID = "8bb73d03-06b4-47c7-80c7-59301f770eda";
const STAGE_IDS = '[ "ef8acdf2-9c60-4264-8296-0d97712d5691" ]';
const LEAD_ID = "3c6e2b8e-0e8f-48db-8791-27271df10113";
const CONNECTION_ID = "84b500d7-71c8-4b1f-adf4-f1eb0000973d";

/** What each example answers when it works: the seed documents 2xx, these are the exact codes. */
const ANSWERS: Record<string, 200 | 201 | 202 | 204> = {
  "POST /api/crm/prospecting/add-to-marketing-list?entityId=U": 200,
  "POST /api/crm/companies?entityId=U": 201,
  "POST /api/crm/contacts?entityId=U": 201,
  "DELETE /api/crm/contacts/U?entityId=U": 204,
  "POST /api/crm/contacts/U/company-memberships?entityId=U": 201,
  "DELETE /api/crm/contacts/U/company-memberships/U?entityId=U": 204,
  "POST /api/crm/pipeline-stages?entityId=U": 201,
  "DELETE /api/crm/pipeline-stages/U?entityId=U": 204,
  "POST /api/crm/leads?entityId=U": 201,
  "DELETE /api/crm/leads/U?entityId=U": 204,
  "POST /api/crm/leads/U/activities?entityId=U": 201,
  "POST /api/crm/activities?entityId=U": 201,
  "POST /api/crm/outbound-email?entityId=U": 202,
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const STAGE_KEYS = [
  "id",
  "name",
  "kind",
  "sortOrder",
  "defaultProbabilityPct",
  "colorKey",
  "systemKey",
  "leadCount",
];

const nameOf = (example: SeedExample) => `${example.method} ${example.path}`;

for (const engine of ENGINES) {
  describe(`Axiomatic seed curl examples (${engine})`, { timeout: 60_000 }, () => {
    let kit: TestKit;
    /** The real records the examples name, created before any example runs. */
    const ids = {
      company: "",
      contact: "",
      contactToDelete: "",
      membership: "",
      list: "",
      stage: "",
      lead: "",
      leadToDelete: "",
      connection: "",
    };

    beforeAll(async () => {
      kit = await startTestKit(engine);
      const { core, scope } = kit;
      ids.company = (await createCompany(core, scope, { name: "Seed Co" })).id;
      ids.contact = (
        await createContact(core, scope, { firstName: "Ada", email: "ada.contact@example.org" })
      ).id;
      ids.contactToDelete = (await createContact(core, scope, { firstName: "Doomed" })).id;
      // The membership the PATCH and DELETE examples name is with another company, so the POST
      // example can still add the contact to the seed company.
      const other = await createCompany(core, scope, { name: "Membership Co" });
      ids.membership = (
        await addMembership(core, scope, { id: ids.contact }, { company: { id: other.id } })
      ).id;
      ids.list = (await createMarketingList(core, scope, { name: "Seed list" })).id;
      const pipeline = await getDefaultPipeline(core, scope);
      ids.stage = (
        await addStage(core, scope, { id: pipeline.id }, { name: "Scratch", kind: "open" })
      ).stage.id;
      ids.lead = (await createLead(core, scope, { firstName: "Ada", email: "ada@example.org" })).id;
      ids.leadToDelete = (await createLead(core, scope, { title: "Doomed lead" })).id;
      // The seed's outbound email names channel "gmail", which must be the connection's channel.
      const serverSecret = await serverSecretOf(core, kit.config.secret);
      ids.connection = (
        await createEmailConnection(
          core,
          scope,
          { serverSecret, allowPrivate: false },
          {
            channel: "gmail",
            name: "Sales mailbox",
            fromEmail: "sales@acme.test",
            host: "smtp.gmail.com",
            port: 587,
            username: "sales@acme.test",
            password: "app-password",
          },
        )
      ).id;
    });
    afterAll(async () => {
      await kit?.close();
    });

    const stageIdsNow = async () => (await getDefaultPipeline(kit.core, kit.scope)).stages.map((s) => s.id);

    /** The real id each path U stands for, by the collection before it. */
    function pathIdFor(example: SeedExample, collection: string): string {
      switch (collection) {
        case "companies":
          return ids.company;
        case "contacts":
          return example.method === "DELETE" && !example.path.includes("company-memberships")
            ? ids.contactToDelete
            : ids.contact;
        case "company-memberships":
          return ids.membership;
        case "pipeline-stages":
          return ids.stage;
        case "leads":
          return example.method === "DELETE" ? ids.leadToDelete : ids.lead;
        default:
          throw new Error(`no record for ${collection} in ${nameOf(example)}`);
      }
    }

    async function realRequest(example: SeedExample) {
      const segments = example.path.replace("entityId=U", `entityId=${kit.workspace.id}`).split("/");
      const url = segments
        .map((segment, index) => {
          const bare = segment.replace(/\?.*$/, "");
          if (bare !== "U") return segment;
          return segment.replace("U", pathIdFor(example, segments[index - 1]!));
        })
        .join("/");
      let body = example.body;
      if (body !== undefined) {
        // Our reorder requires every stage exactly once: the seed's one-element list only works on
        // a one-stage board, so the example sends the board's full list, in reverse.
        const stageIds = (await stageIdsNow()).reverse();
        body = body
          .replace(LIST_ID, ids.list)
          .replace(COMPANY_ID, ids.company)
          .replace(STAGE_IDS, JSON.stringify(stageIds))
          .replace(LEAD_ID, ids.lead)
          .replace(CONNECTION_ID, ids.connection);
      }
      return { method: example.method, url, body };
    }

    /** As curl sends it: `-H "Authorization: Bearer …"`, and with -d the JSON content type. */
    async function curl(request: { method: Method; url: string; body: string | undefined }) {
      const headers: Record<string, string> = { authorization: `Bearer ${kit.secretKey}`, accept: "*/*" };
      if (request.body !== undefined) headers["content-type"] = "application/json";
      return withJson(
        await kit.app.inject({
          method: request.method,
          url: request.url,
          headers,
          ...(request.body === undefined ? {} : { payload: request.body }),
        }),
      );
    }

    const get = (path: string) =>
      curl({ method: "GET", url: `/api/crm${path}?entityId=${kit.workspace.id}`, body: undefined });

    /** The cheap proof that an example did what it says, by example. */
    const effects: Record<
      string,
      (response: LightMyRequestResponse & { json: any }, body: any) => Promise<void> | void
    > = {
      "POST /api/crm/prospecting/add-to-marketing-list?entityId=U": (response) => {
        expect(response.json).toEqual({ listId: ids.list, added: 0, alreadyMembers: 0 });
      },
      "GET /api/crm/companies?entityId=U": (response) => {
        expect(JSON.stringify(response.json)).toContain(ids.company);
      },
      "POST /api/crm/companies?entityId=U": async (response) => {
        expect(response.json).toMatchObject({ id: expect.stringMatching(UUID), name: "string" });
        expect((await get(`/companies/${response.json.id}`)).json.name).toBe("string");
      },
      "GET /api/crm/companies/U?entityId=U": (response) => {
        expect(response.json).toMatchObject({ id: ids.company, name: "Seed Co" });
      },
      "PATCH /api/crm/companies/U?entityId=U": (response) => {
        expect(response.json).toMatchObject({ id: ids.company, name: "Seed Co" });
      },
      "POST /api/crm/contacts?entityId=U": async (response) => {
        expect(response.json.id).toMatch(UUID);
        expect((await get(`/contacts/${response.json.id}`)).statusCode).toBe(200);
      },
      "GET /api/crm/contacts/U?entityId=U": (response) => {
        expect(response.json.id).toBe(ids.contact);
      },
      "PATCH /api/crm/contacts/U?entityId=U": (response) => {
        expect(response.json.id).toBe(ids.contact);
      },
      "DELETE /api/crm/contacts/U?entityId=U": async () => {
        expect((await get(`/contacts/${ids.contactToDelete}`)).statusCode).toBe(404);
      },
      "GET /api/crm/contacts/U/company-memberships?entityId=U": (response) => {
        expect(JSON.stringify(response.json)).toContain(ids.membership);
      },
      "POST /api/crm/contacts/U/company-memberships?entityId=U": async (response) => {
        expect(JSON.stringify(response.json)).toContain(ids.company);
        const contacts = await get(`/companies/${ids.company}/contacts`);
        expect(contacts.json.contacts.map((contact: { id: string }) => contact.id)).toContain(ids.contact);
      },
      "PATCH /api/crm/contacts/U/company-memberships/U?entityId=U": (response) => {
        expect(response.json.id).toBe(ids.membership);
      },
      "DELETE /api/crm/contacts/U/company-memberships/U?entityId=U": async () => {
        const memberships = await get(`/contacts/${ids.contact}/company-memberships`);
        expect(memberships.statusCode).toBe(200);
        expect(JSON.stringify(memberships.json)).not.toContain(ids.membership);
      },
      "GET /api/crm/pipeline-stages?entityId=U": async (response) => {
        // Field for field the documented body: {"stages": [{id, name, kind, sortOrder,
        // defaultProbabilityPct, colorKey, systemKey, leadCount}]}, keys in that order.
        expect(Object.keys(response.json)).toEqual(["stages"]);
        const stages: Record<string, unknown>[] = response.json.stages;
        expect(stages.length).toBeGreaterThan(1);
        for (const stage of stages) {
          expect(Object.keys(stage)).toEqual(STAGE_KEYS);
          expect(stage.id).toMatch(UUID);
          expect(typeof stage.name).toBe("string");
          expect(["open", "won", "lost"]).toContain(stage.kind);
          expect(Number.isInteger(stage.sortOrder)).toBe(true);
          expect(Number.isInteger(stage.defaultProbabilityPct)).toBe(true);
          expect(stage.colorKey === null || typeof stage.colorKey === "string").toBe(true);
          expect(typeof stage.systemKey).toBe("string");
          expect(Number.isInteger(stage.leadCount)).toBe(true);
        }
        expect(stages.map((stage) => stage.id)).toEqual(await stageIdsNow());
        expect(stages.map((stage) => stage.sortOrder)).toEqual(stages.map((_, index) => index));
        expect(stages.find((stage) => stage.id === ids.stage)).toMatchObject({
          name: "Scratch",
          leadCount: 0,
        });
        // The two leads made before: the lead and the one to delete.
        expect(stages.reduce((sum, stage) => sum + (stage.leadCount as number), 0)).toBe(2);
      },
      "POST /api/crm/pipeline-stages?entityId=U": async (response) => {
        expect(response.json).toMatchObject({ name: "string", kind: "open", leadCount: 0 });
        expect(await stageIdsNow()).toContain(response.json.id);
      },
      "POST /api/crm/pipeline-stages/reorder?entityId=U": (response, body) => {
        expect(response.json.stages.map((stage: { id: string }) => stage.id)).toEqual(body.stageIds);
      },
      "PATCH /api/crm/pipeline-stages/U?entityId=U": (response) => {
        expect(response.json).toMatchObject({ id: ids.stage, name: "Scratch" });
      },
      "DELETE /api/crm/pipeline-stages/U?entityId=U": async () => {
        expect(await stageIdsNow()).not.toContain(ids.stage);
      },
      "GET /api/crm/leads?entityId=U": (response) => {
        expect(JSON.stringify(response.json)).toContain(ids.lead);
      },
      "POST /api/crm/leads?entityId=U": async (response) => {
        expect(response.json.title).toBe("string");
        expect((await get(`/leads/${response.json.id}`)).json.title).toBe("string");
      },
      "GET /api/crm/leads/U?entityId=U": (response) => {
        expect(response.json.id).toBe(ids.lead);
      },
      "PATCH /api/crm/leads/U?entityId=U": (response) => {
        expect(response.json.id).toBe(ids.lead);
      },
      "DELETE /api/crm/leads/U?entityId=U": async () => {
        expect((await get(`/leads/${ids.leadToDelete}`)).statusCode).toBe(404);
      },
      "GET /api/crm/leads/U/timeline?entityId=U": (response) => {
        expect(response.json.leadId).toBe(ids.lead);
        expect(response.json.items.length).toBeGreaterThan(0);
      },
      "PATCH /api/crm/leads/U/stage?entityId=U": (response) => {
        expect(response.json.id).toBe(ids.lead);
      },
      "POST /api/crm/leads/U/activities?entityId=U": async (response) => {
        expect(response.json).toMatchObject({ type: "call", subject: "string" });
        const timeline = await get(`/leads/${ids.lead}/timeline`);
        expect(JSON.stringify(timeline.json)).toContain(response.json.id);
      },
      "POST /api/crm/activities?entityId=U": (response) => {
        expect(response.json).toMatchObject({ type: "call", subject: "string" });
      },
      "POST /api/crm/outbound-email?entityId=U": (response) => {
        expect(response.json).toEqual({ id: expect.stringMatching(UUID), status: "queued" });
      },
      "GET /api/crm/outbound-email-connections?entityId=U": (response) => {
        expect(response.json.connections).toEqual([
          expect.objectContaining({ id: ids.connection, channel: "gmail" }),
        ]);
      },
    };

    it("keeps the seed's 34 examples, each with its proof", () => {
      expect(SEED_EXAMPLES).toHaveLength(34);
      expect(new Set(SEED_EXAMPLES.map(nameOf)).size).toBe(34);
      for (const key of [...Object.keys(ANSWERS), ...Object.keys(effects)]) {
        expect(SEED_EXAMPLES.map(nameOf)).toContain(key);
      }
    });

    // In the seed's order, which is already one where every record an example names exists: each
    // DELETE names a record of its own.
    for (const example of SEED_EXAMPLES) {
      it(nameOf(example), async () => {
        const request = await realRequest(example);
        expect(request.url).not.toContain(U);
        expect(request.url).not.toMatch(/\/U(\/|\?)/);
        const response = await curl(request);
        const expected = ANSWERS[nameOf(example)] ?? 200;
        // A failure here is a server bug: it shows the request sent and what came back.
        const seen = `${request.method} ${request.url} ${request.body ?? ""} → ${response.statusCode} ${response.body}`;
        expect({ request, status: response.statusCode, body: response.body }, seen).toEqual({
          request,
          status: expected,
          body: expected === 204 ? "" : expect.any(String),
        });
        if (expected !== 204) {
          // The documented shape: a JSON object (`{}` in the seed, or the stage list).
          expect(response.headers["content-type"]).toMatch(/^application\/json/);
          expect(response.json).toBeTypeOf("object");
          expect(Array.isArray(response.json)).toBe(false);
          expect(response.json).not.toBeNull();
        }
        await effects[nameOf(example)]?.(
          response,
          request.body === undefined ? undefined : JSON.parse(request.body),
        );
      });
    }
  });
}
