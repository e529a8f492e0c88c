import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createActivity } from "../../../src/core/activities/activities.service.js";
import { createCompany, deleteCompany } from "../../../src/core/companies/companies.service.js";
import { createContact } from "../../../src/core/contacts/contacts.service.js";
import { addMembership } from "../../../src/core/contacts/memberships.service.js";
import {
  assignConversation,
  markConversationRead,
  setConversationTags,
} from "../../../src/core/conversations/conversations.service.js";
import { startWidgetSession, visitorMessage } from "../../../src/core/conversations/widget-sessions.js";
import { createLead } from "../../../src/core/leads/leads.service.js";
import { createOpportunity } from "../../../src/core/opportunities/opportunities.service.js";
import { createUser } from "../../../src/core/users/users.service.js";
import { startTestKit, type TestKit } from "../../support/app.js";
import { DEVAPI, devapi } from "../../support/devapi.js";
import { ENGINES } from "../../support/engines.js";

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

for (const engine of ENGINES) {
  describe(`Developer API lists (${engine})`, () => {
    let kit: TestKit;
    let userId: string;
    let acme: { id: string };
    let bare: { id: string };
    let proposalStage: { id: string; position: number };
    let ann: { id: string };
    let bob: { id: string };
    let conversationId: string;

    beforeAll(async () => {
      kit = await startTestKit(engine);
      const user = await createUser(kit.core, kit.scope, {
        username: "alice",
        name: "Alice Agent",
        email: "alice@acme.test",
        password: "correct horse battery",
      });
      userId = user.id;
      const asUser = { workspaceId: kit.workspace.id, actor: user.id };
      acme = await createCompany(kit.core, asUser, {
        name: "Acme Corporation",
        website: "https://acme.example",
        industry: "Technology",
        relationship: "customer",
        notes: "Important client",
      });
      // Created by an API key, not a user: createdBy stays null.
      bare = await createCompany(kit.core, kit.scope, { name: "Bare Ltd", relationship: "prospect" });
      await createOpportunity(kit.core, kit.scope, { name: "Open A", company: { id: acme.id }, value: 1000 });
      await createOpportunity(kit.core, kit.scope, {
        name: "Open B",
        company: { id: acme.id },
        value: 250.5,
      });
      await createOpportunity(kit.core, kit.scope, {
        name: "Won",
        company: { id: acme.id },
        value: 9000,
        stage: "won",
      });
      await createOpportunity(kit.core, kit.scope, {
        name: "Euro",
        company: { id: acme.id },
        value: 77,
        currency: "EUR",
      });
      const stage = await kit.core.db
        .selectFrom("pipeline_stages")
        .select(["id", "position"])
        .where("workspace_id", "=", kit.workspace.id)
        .where("key", "=", "proposal")
        .executeTakeFirstOrThrow();
      proposalStage = { id: stage.id, position: Number(stage.position) };
      await createLead(kit.core, kit.scope, {
        firstName: "Old",
        email: "old@acme.example",
        company: { id: acme.id },
      });
      await createLead(kit.core, kit.scope, {
        firstName: "Card",
        email: "card@acme.example",
        company: { id: acme.id },
        stage: { id: stage.id },
      });
      await createActivity(kit.core, kit.scope, {
        type: "call",
        subject: "Intro call",
        entity: { entityType: "company", id: acme.id },
      });

      ann = await createContact(kit.core, kit.scope, {
        firstName: "Ann",
        lastName: "Archer",
        email: "ann@acme.example",
        phone: "+1-555-0123",
        title: "CEO",
        role: "Founder",
        primaryCompany: { id: acme.id },
        assignee: { id: user.id },
      });
      bob = await createContact(kit.core, kit.scope, { firstName: "Bob", email: "bob@elsewhere.example" });
      await addMembership(
        kit.core,
        kit.scope,
        { id: bob.id },
        {
          company: { id: acme.id },
          role: "Decision Maker",
          isPrimary: false,
        },
      );
      await createContact(kit.core, kit.scope, { lastName: "Loner" });

      const session = await startWidgetSession(kit.core, kit.scope, {
        visitorId: "visitor-1",
        pageUrl: "https://acme.example/pricing",
        referrer: "https://google.com/",
        ip: "192.0.2.7",
        userAgent: "Mozilla/5.0 Test",
      });
      // The visitor writes a contact's email: the chat core links the conversation to Acme.
      await visitorMessage(kit.core, kit.scope, {
        sessionId: session.sessionId,
        message: "Hi, I am ann@acme.example",
      });
      conversationId = session.conversation.id;
      await assignConversation(kit.core, kit.scope, conversationId, user.id);
      await setConversationTags(kit.core, kit.scope, conversationId, ["support", "urgent"]);
      await markConversationRead(kit.core, kit.scope, conversationId, true);
      await startWidgetSession(kit.core, kit.scope, { visitorId: "visitor-2" });

      // Another workspace's records, which must never be listed.
      const otherCompany = await createCompany(kit.core, kit.other.scope, { name: "Other Co" });
      await createContact(kit.core, kit.other.scope, {
        firstName: "Otto",
        email: "otto@other.example",
        primaryCompany: { id: otherCompany.id },
      });
      await startWidgetSession(kit.core, kit.other.scope, { visitorId: "visitor-other" });
    });
    afterAll(async () => kit?.close());

    it("lists every company with the sample's fields, exactly", async () => {
      const response = await devapi(kit, "/companies");
      expect(response.statusCode).toBe(200);
      expect(response.headers["content-type"]).toBe("application/json; charset=utf-8");
      expect(response.headers["x-ratelimit-limit"]).toBeDefined();
      expect(response.json.map((company: any) => company.name)).toEqual(["Acme Corporation", "Bare Ltd"]);
      const [first, second] = response.json;
      expect(Object.keys(first).sort()).toEqual(
        [
          "id",
          "name",
          "website",
          "industry",
          "dealValue",
          "stageId",
          "position",
          "logoUrl",
          "notes",
          "lastContact",
          "isCustomer",
          "createdBy",
          "createdAt",
          "updatedAt",
        ].sort(),
      );
      expect(first).toMatchObject({
        id: acme.id,
        website: "https://acme.example",
        industry: "Technology",
        // Open USD opportunities only: the won one and the EUR one are left out.
        dealValue: 1250.5,
        stageId: proposalStage.id,
        position: proposalStage.position,
        logoUrl: null,
        notes: "Important client",
        isCustomer: true,
        createdBy: userId,
      });
      expect(first.lastContact).toMatch(ISO);
      expect(first.createdAt).toMatch(ISO);
      expect(first.updatedAt).toMatch(ISO);
      expect(second).toMatchObject({
        id: bare.id,
        dealValue: 0,
        stageId: null,
        position: null,
        lastContact: null,
        isCustomer: false,
        createdBy: null,
        website: null,
      });
    });

    it("sums a company's open value in its one currency when it uses no USD", async () => {
      const euro = await createCompany(kit.core, kit.scope, { name: "Euro GmbH" });
      await createOpportunity(kit.core, kit.scope, {
        name: "E1",
        company: { id: euro.id },
        value: 10,
        currency: "EUR",
      });
      await createOpportunity(kit.core, kit.scope, {
        name: "E2",
        company: { id: euro.id },
        value: 5.25,
        currency: "EUR",
      });
      const listed = (await devapi(kit, "/companies")).json.find((company: any) => company.id === euro.id);
      expect(listed.dealValue).toBe(15.25);
      await deleteCompany(kit.core, kit.scope, { id: euro.id });
      const after = (await devapi(kit, "/companies")).json.map((company: any) => company.id);
      expect(after).not.toContain(euro.id);
    });

    it("lists every live contact with its primary company", async () => {
      const response = await devapi(kit, "/contacts");
      expect(response.statusCode).toBe(200);
      expect(response.json).toHaveLength(3);
      const [first, second, third] = response.json;
      expect(first).toEqual({
        id: ann.id,
        companyId: acme.id,
        name: "Ann Archer",
        email: "ann@acme.example",
        phone: "+1-555-0123",
        title: "CEO",
        role: "Founder",
        notes: null,
        isPrimary: true,
        userId,
        createdAt: expect.stringMatching(ISO),
        updatedAt: expect.stringMatching(ISO),
      });
      // Bob's only membership is not primary, so he has no primary company.
      expect(second).toMatchObject({
        id: bob.id,
        companyId: null,
        name: "Bob",
        isPrimary: false,
        role: null,
      });
      expect(third).toMatchObject({ name: "Loner", companyId: null, isPrimary: false, userId: null });
    });

    it("lists a company's members with the membership's role and primary flag", async () => {
      const response = await devapi(kit, `/contacts?companyId=${acme.id}`);
      expect(response.statusCode).toBe(200);
      expect(
        response.json.map((contact: any) => [contact.id, contact.companyId, contact.isPrimary, contact.role]),
      ).toEqual([
        [ann.id, acme.id, true, "Founder"],
        [bob.id, acme.id, false, "Decision Maker"],
      ]);
      // Upper-case UUIDs name the same company.
      expect((await devapi(kit, `/contacts?companyId=${acme.id.toUpperCase()}`)).json).toHaveLength(2);
      expect((await devapi(kit, `/contacts?companyId=${bare.id}`)).json).toEqual([]);
    });

    it("lists conversations from the chat core, with their company and tags", async () => {
      const response = await devapi(kit, "/conversations");
      expect(response.statusCode).toBe(200);
      expect(response.json).toHaveLength(2);
      expect(response.json[0]).toEqual({
        id: conversationId,
        companyId: acme.id,
        visitorName: expect.anything(),
        visitorEmail: "ann@acme.example",
        visitorIp: "192.0.2.7",
        userAgent: "Mozilla/5.0 Test",
        referrerUrl: "https://google.com/",
        pageUrl: "https://acme.example/pricing",
        status: expect.stringMatching(/^(open|waiting)$/),
        assignedToUserId: userId,
        isRead: true,
        trustUploads: false,
        tags: ["support", "urgent"],
        lastMessageAt: expect.stringMatching(ISO),
        createdAt: expect.stringMatching(ISO),
        updatedAt: expect.stringMatching(ISO),
      });
      expect(response.json[1]).toMatchObject({
        companyId: null,
        visitorEmail: null,
        status: "open",
        assignedToUserId: null,
        tags: [],
      });
      const forAcme = await devapi(kit, `/conversations?companyId=${acme.id}`);
      expect(forAcme.json.map((conversation: any) => conversation.id)).toEqual([conversationId]);
      expect((await devapi(kit, `/conversations?companyId=${bare.id}`)).json).toEqual([]);
    });

    it("answers [] for an unknown company and for another workspace's company", async () => {
      const unknown = "123e4567-e89b-12d3-a456-426614174000";
      const otherCompany = (await devapi(kit, "/companies", { key: kit.other.secretKey })).json[0];
      expect(otherCompany.name).toBe("Other Co");
      for (const id of [unknown, otherCompany.id]) {
        for (const list of ["contacts", "conversations"]) {
          const response = await devapi(kit, `/${list}?companyId=${id}`);
          expect(response.statusCode).toBe(200);
          expect(response.body).toBe("[]");
        }
      }
    });

    it("never lists another workspace's records", async () => {
      const other = {
        companies: (await devapi(kit, "/companies", { key: kit.other.secretKey })).json,
        contacts: (await devapi(kit, "/contacts", { key: kit.other.secretKey })).json,
        conversations: (await devapi(kit, "/conversations", { key: kit.other.secretKey })).json,
      };
      expect(other.companies.map((company: any) => company.name)).toEqual(["Other Co"]);
      expect(other.contacts.map((contact: any) => contact.name)).toEqual(["Otto"]);
      expect(other.conversations).toHaveLength(1);
      const mine = new Set<string>();
      for (const list of ["companies", "contacts", "conversations"]) {
        for (const record of (await devapi(kit, `/${list}`)).json) mine.add(record.id);
      }
      for (const record of [...other.companies, ...other.contacts, ...other.conversations]) {
        expect(mine.has(record.id)).toBe(false);
      }
    });

    it("answers a malformed companyId with 400 naming the parameter", async () => {
      for (const list of ["contacts", "conversations"]) {
        for (const value of ["not-a-uuid", "123", "", `${acme.id}x`]) {
          const response = await devapi(kit, `/${list}?companyId=${encodeURIComponent(value)}`);
          expect(response.statusCode, `${list} ${value}`).toBe(400);
          expect(response.json).toEqual({ error: "companyId must be a UUID" });
        }
        const twice = await devapi(kit, `/${list}?companyId=${acme.id}&companyId=${acme.id}`);
        expect(twice.statusCode).toBe(400);
        expect(twice.json.error).toMatch(/^companyId /);
      }
    });

    it("answers HEAD without a body", async () => {
      const response = await kit.app.inject({
        method: "HEAD",
        url: `${DEVAPI}/companies`,
        headers: { authorization: `Bearer ${kit.secretKey}` },
      });
      expect(response.statusCode).toBe(200);
      expect(response.body).toBe("");
    });

    it("answers the documented small error bodies", async () => {
      const missing = await devapi(kit, "/companies", { key: null });
      expect(missing.statusCode).toBe(401);
      expect(missing.json).toEqual({ error: "Unauthorized" });
      const wrongScheme = await kit.app.inject({
        method: "GET",
        url: `${DEVAPI}/companies`,
        headers: { "x-api-key": kit.secretKey },
      });
      expect(wrongScheme.statusCode).toBe(401);
      const unknownPath = await devapi(kit, "/companies/123");
      expect(unknownPath.statusCode).toBe(404);
      expect(unknownPath.json).toEqual({ error: "Not found" });
      const wrongMethod = await devapi(kit, "/companies", { method: "POST" });
      expect(wrongMethod.statusCode).toBe(404);
      expect(wrongMethod.json).toEqual({ error: "Not found" });
      const publicKey = await kit.newKey(kit.scope, { type: "public_live" });
      const forbidden = await devapi(kit, "/companies", { key: publicKey });
      expect(forbidden.statusCode).toBe(403);
      expect(forbidden.json).toEqual({ error: "Forbidden" });
    });

    it("answers a failure before the first byte with the 500 body, and nothing internal", async () => {
      const broken = await startTestKit(engine);
      try {
        await sql`alter table conversations rename to conversations_gone`.execute(broken.core.db);
        const response = await devapi(broken, "/conversations");
        expect(response.statusCode).toBe(500);
        expect(response.json).toEqual({ error: "Internal server error" });
      } finally {
        await broken.close();
      }
    });

    it("publishes an OpenAPI document with exactly the three operations, listed in /docs", async () => {
      const response = await kit.app.inject({ method: "GET", url: `${DEVAPI}/openapi.json` });
      expect(response.statusCode).toBe(200);
      const document = response.json();
      expect(document.servers).toEqual([{ url: DEVAPI }]);
      const operations = Object.entries(document.paths).flatMap(([path, item]) =>
        Object.keys(item as object).map((method) => `${method.toUpperCase()} ${path}`),
      );
      expect(operations.sort()).toEqual(["GET /companies", "GET /contacts", "GET /conversations"]);
      expect(JSON.stringify(document.paths["/contacts"].get.parameters)).toContain("companyId");
      const initializer = await kit.app.inject({ method: "GET", url: "/docs/static/swagger-initializer.js" });
      expect(initializer.body).toContain(`${DEVAPI}/openapi.json`);
    });
  });
}
