import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newId } from "../../../src/core/ids.js";
import { SECRET_PERMISSIONS } from "../../../src/core/keys/permissions.js";
import { createUser } from "../../../src/core/users/users.service.js";
import { call, startTestKit, type TestKit, VALETHON } from "../../support/app.js";
import { ENGINES } from "../../support/engines.js";

const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

for (const engine of ENGINES) {
  describe(`Valethon prospects on ${engine}`, () => {
    let kit: TestKit;
    const prospects = `${VALETHON}/prospects`;
    const post = (body: unknown, key = kit.secretKey) => call(kit, "POST", prospects, { key, body });
    const get = (path: string, key = kit.secretKey) => call(kit, "GET", `${prospects}${path}`, { key });
    const companyId = async (number: number) =>
      (
        await kit.core.db
          .selectFrom("companies")
          .select("id")
          .where("workspace_id", "=", kit.workspace.id)
          .where("seq", "=", number)
          .executeTakeFirstOrThrow()
      ).id;
    const eventTypes = async () =>
      (
        await kit.core.db
          .selectFrom("events")
          .select("type")
          .where("workspace_id", "=", kit.workspace.id)
          .where("entity_type", "=", "company")
          .orderBy("position")
          .execute()
      ).map((row) => row.type);

    beforeAll(async () => {
      kit = await startTestKit(engine);
    });
    afterAll(async () => kit?.close());

    it("creates a prospect account with its defaults and answers 201 with it", async () => {
      const agent = await createUser(kit.core, kit.scope, {
        username: "pat",
        name: "Pat",
        email: "pat@acme.test",
      });
      const response = await post({
        name: " Acme IT Solutions ",
        industry: "MSP",
        website: "https://acme-it.example",
        phone: "+1 555 0100",
        email: "hello@acme-it.example",
        assigned_to: agent.number,
        notes: "Met at the expo",
        prospect_id: 77,
      });
      expect(response.statusCode).toBe(201);
      expect(response.json).toEqual({
        success: true,
        data: {
          prospect_id: 1,
          uuid: expect.stringMatching(/^[0-9a-f-]{36}$/),
          name: "Acme IT Solutions",
          industry: "MSP",
          website: "https://acme-it.example",
          phone: "+1 555 0100",
          email: "hello@acme-it.example",
          status: "active",
          relationship: "prospect",
          assigned_to: agent.number,
          custom_fields: {},
          created_at: expect.stringMatching(TIME),
          updated_at: expect.stringMatching(TIME),
          notes: "Met at the expo",
          converted_at: null,
        },
      });
      expect(await eventTypes()).toEqual(["company.created"]);
      const doc = await kit.core.db
        .selectFrom("search_documents")
        .select(["number", "title", "subtitle", "body"])
        .where("workspace_id", "=", kit.workspace.id)
        .where("entity_type", "=", "company")
        .executeTakeFirstOrThrow();
      expect(doc).toEqual({
        number: 1,
        title: "Acme IT Solutions",
        subtitle: "MSP",
        // Words only, so that `acme` or `0100` finds it on every engine.
        body: "https acme it example hello acme it example 1 555 0100",
      });
    });

    it.each([
      [{}, "name"],
      [{ name: "" }, "name"],
      [{ name: "   " }, "name"],
      [{ name: "x".repeat(201) }, "name"],
      [{ name: 5 }, "name"],
      [{ name: "A", website: "not a url" }, "website"],
      [{ name: "A", website: "ftp://files.example" }, "website"],
      [{ name: "A", email: "nope" }, "email"],
      [{ name: "A", status: "archived" }, "status"],
      [{ name: "A", relationship: "partner" }, "relationship"],
      [{ name: "A", assigned_to: 999 }, "assigned_to"],
      [{ name: "A", phone: "ring ring" }, "phone"],
    ])("rejects %j naming %s, and writes nothing", async (body, field) => {
      const before = (await get("")).json.pagination.total;
      const response = await post(body);
      expect(response.statusCode).toBe(400);
      expect(response.json.code).toBe("VALIDATION_ERROR");
      expect(response.json.error.startsWith(`${field}:`)).toBe(true);
      expect((await get("")).json.pagination.total).toBe(before);
    });

    it("accepts a bare domain as a website", async () => {
      const response = await post({ name: "Bare Domain Inc", website: "bare.example" });
      expect(response.statusCode).toBe(201);
      expect(response.json.data.website).toBe("bare.example");
    });

    it("filters by search, status and industry, and paginates", async () => {
      await post({ name: "Initech", industry: "Software", status: "inactive" });
      await post({ name: "Initrode", industry: "software", relationship: "vendor" });
      const search = await get("?search=INIT");
      expect(search.json.data.map((p: any) => p.name)).toEqual(["Initrode", "Initech"]);
      expect(search.json.data[0]).toEqual({
        prospect_id: 4,
        uuid: expect.stringMatching(/^[0-9a-f-]{36}$/),
        name: "Initrode",
        industry: "software",
        website: null,
        phone: null,
        email: null,
        status: "active",
        relationship: "vendor",
        assigned_to: null,
        custom_fields: {},
        created_at: expect.stringMatching(TIME),
        updated_at: expect.stringMatching(TIME),
      });
      expect((await get("?status=inactive")).json.data.map((p: any) => p.name)).toEqual(["Initech"]);
      expect((await get("?industry=SOFTWARE")).json.pagination.total).toBe(2);
      expect((await get("?search=%25")).json.pagination.total).toBe(0);
      const paged = await get("?per_page=3&page=2");
      expect(paged.json.data.map((p: any) => p.prospect_id)).toEqual([1]);
      expect(paged.json.pagination).toEqual({ page: 2, per_page: 3, total: 4, total_pages: 2 });
    });

    it.each([
      ["status=archived", "status"],
      ["per_page=101", "per_page"],
      ["page=x", "page"],
    ])("rejects the query %s naming %s", async (query, field) => {
      const response = await get(`?${query}`);
      expect(response.statusCode).toBe(400);
      expect(response.json.error.startsWith(`${field}:`)).toBe(true);
    });

    it("shows its contacts, opportunities and activities", async () => {
      const contact = await call(kit, "POST", `${VALETHON}/contacts`, {
        key: kit.secretKey,
        body: {
          first_name: "Jane",
          last_name: "Doe",
          email: "jane@acme-it.example",
          title: "Owner",
          prospect_id: 1,
        },
      });
      expect(contact.statusCode).toBe(201);
      const id = await companyId(1);
      const at = new Date().toISOString();
      const pipelineId = newId();
      const stageId = newId();
      await kit.core.db
        .insertInto("pipelines")
        .values({
          id: pipelineId,
          workspace_id: kit.workspace.id,
          seq: 900,
          key: "pr3_test",
          name: "PR3 test",
          is_default: 0,
          created_at: at,
          updated_at: at,
        })
        .execute();
      await kit.core.db
        .insertInto("pipeline_stages")
        .values({
          id: stageId,
          workspace_id: kit.workspace.id,
          pipeline_id: pipelineId,
          seq: 900,
          key: "demo_scheduled",
          name: "Demo scheduled",
          kind: "open",
          position: 1,
          probability: 30,
          color: null,
          description: null,
          created_at: at,
          updated_at: at,
        })
        .execute();
      const record = { workspace_id: kit.workspace.id, custom_fields: null, created_at: at, updated_at: at };
      await kit.core.db
        .insertInto("opportunities")
        .values({
          ...record,
          id: newId(),
          seq: 78,
          name: "Managed services",
          company_id: id,
          contact_id: null,
          lead_id: null,
          pipeline_id: pipelineId,
          stage_id: stageId,
          value_minor: 1_250_050,
          currency: "USD",
          probability: 30,
          expected_close_date: null,
          status: "open",
          owner_user_id: null,
          won_at: null,
          lost_at: null,
          close_reason: null,
          deleted_at: null,
        })
        .execute();
      await kit.core.db
        .insertInto("activities")
        .values({
          ...record,
          id: newId(),
          seq: 12,
          type: "call",
          subject: "Intro call",
          description: null,
          entity_type: "company",
          entity_id: id,
          assigned_user_id: null,
          due_at: "2026-03-20T15:00:00.000Z",
          duration_minutes: 30,
          starts_at: null,
          ends_at: null,
          completed: 0,
          completed_at: null,
          status: null,
          created_by: null,
          deleted_at: null,
        })
        .execute();
      const response = await get("/1");
      expect(response.statusCode).toBe(200);
      expect(response.json.data).toMatchObject({
        prospect_id: 1,
        name: "Acme IT Solutions",
        notes: "Met at the expo",
      });
      expect(response.json.data.contacts).toEqual([
        {
          contact_id: contact.json.data.contact_id,
          first_name: "Jane",
          last_name: "Doe",
          email: "jane@acme-it.example",
          role: "Owner",
          is_primary: true,
        },
      ]);
      expect(response.json.data.opportunities).toEqual([
        {
          opportunity_id: 78,
          name: "Managed services",
          stage: "demo_scheduled",
          value: 12500.5,
          status: "open",
        },
      ]);
      expect(response.json.data.activities).toEqual([
        {
          activity_id: 12,
          type: "call",
          subject: "Intro call",
          completed: false,
          due_date: "2026-03-20T15:00:00Z",
        },
      ]);
      const empty = await get("/2");
      expect(empty.json.data).toMatchObject({ contacts: [], opportunities: [], activities: [] });
    });

    it("updates partially with PUT and PATCH; a rename reaches its contacts' search results", async () => {
      const patch = await call(kit, "PATCH", `${prospects}/1`, {
        key: kit.secretKey,
        body: { name: "Acme Managed IT", status: "inactive" },
      });
      expect(patch.statusCode).toBe(200);
      expect(patch.json.data).toMatchObject({
        prospect_id: 1,
        name: "Acme Managed IT",
        status: "inactive",
        industry: "MSP",
        relationship: "prospect",
      });
      const put = await call(kit, "PUT", `${prospects}/1`, {
        key: kit.secretKey,
        body: { industry: null, status: "active" },
      });
      expect(put.json.data).toMatchObject({ name: "Acme Managed IT", industry: null, status: "active" });
      const subtitle = await kit.core.db
        .selectFrom("search_documents")
        .select("subtitle")
        .where("workspace_id", "=", kit.workspace.id)
        .where("entity_type", "=", "contact")
        .where("title", "=", "Jane Doe")
        .executeTakeFirstOrThrow();
      expect(subtitle.subtitle).toBe("Acme Managed IT");
      expect((await get("?search=managed")).json.data.map((p: any) => p.prospect_id)).toEqual([1]);
      const rejected = await call(kit, "PATCH", `${prospects}/1`, { key: kit.secretKey, body: { name: "" } });
      expect(rejected.statusCode).toBe(400);
      expect(rejected.json.error).toMatch(/^name:/);
    });

    it("converts a prospect to a customer once; a second convert is 409 CONFLICT", async () => {
      const response = await call(kit, "POST", `${prospects}/1/convert`, { key: kit.secretKey });
      expect(response.statusCode).toBe(200);
      expect(response.json).toEqual({ success: true, data: { company_id: 1, prospect_status: "converted" } });
      const details = await get("/1");
      expect(details.json.data).toMatchObject({
        status: "converted",
        relationship: "customer",
        converted_at: expect.stringMatching(TIME),
      });
      const again = await call(kit, "POST", `${prospects}/1/convert`, { key: kit.secretKey });
      expect(again.statusCode).toBe(409);
      expect(again.json).toMatchObject({ success: false, code: "CONFLICT" });
      expect((await get("?status=converted")).json.data.map((p: any) => p.prospect_id)).toEqual([1]);

      const vendor = await call(kit, "POST", `${prospects}/4/convert`, { key: kit.secretKey });
      expect(vendor.statusCode).toBe(200);
      expect((await get("/4")).json.data.relationship).toBe("both");
      expect((await call(kit, "POST", `${prospects}/999/convert`, { key: kit.secretKey })).statusCode).toBe(
        404,
      );
      expect((await eventTypes()).filter((type) => type === "company.converted")).toHaveLength(2);
    });

    it("rejects malformed ids and answers 404 for unknown ones", async () => {
      expect((await get("/abc")).json.error).toMatch(/^id:/);
      for (const method of ["GET", "PUT", "PATCH", "DELETE"] as const) {
        const response = await call(kit, method, `${prospects}/99999`, {
          key: kit.secretKey,
          ...(method === "PUT" || method === "PATCH" ? { body: { notes: "x" } } : {}),
        });
        expect(response.statusCode).toBe(404);
        expect(response.json).toMatchObject({ success: false, code: "NOT_FOUND" });
      }
    });

    it("keeps other workspaces' prospects out of reach and untouched", async () => {
      let target = 0;
      while (target <= 10)
        target = (await post({ name: `Theirs ${target}` }, kit.other.secretKey)).json.data.prospect_id;
      expect((await get(`/${target}`)).statusCode).toBe(404);
      const patch = await call(kit, "PATCH", `${prospects}/${target}`, {
        key: kit.secretKey,
        body: { name: "Mine" },
      });
      expect(patch.statusCode).toBe(404);
      expect(
        (await call(kit, "POST", `${prospects}/${target}/convert`, { key: kit.secretKey })).statusCode,
      ).toBe(404);
      expect((await call(kit, "DELETE", `${prospects}/${target}`, { key: kit.secretKey })).statusCode).toBe(
        404,
      );
      expect((await get("?search=theirs")).json.pagination.total).toBe(0);
      const theirs = await get(`/${target}`, kit.other.secretKey);
      expect(theirs.json.data).toMatchObject({ name: `Theirs ${target - 1}`, status: "active" });
    });

    it("deletes softly and keeps its contacts, unlinked", async () => {
      const deleted = await call(kit, "DELETE", `${prospects}/1`, { key: kit.secretKey });
      expect(deleted.statusCode).toBe(200);
      expect(deleted.json).toEqual({ success: true, data: { prospect_id: 1, deleted: true } });
      expect((await get("/1")).statusCode).toBe(404);
      expect((await call(kit, "DELETE", `${prospects}/1`, { key: kit.secretKey })).statusCode).toBe(404);
      const contacts = await call(kit, "GET", `${VALETHON}/contacts?search=jane`, { key: kit.secretKey });
      expect(contacts.json.data).toHaveLength(1);
      const contact = contacts.json.data[0];
      expect(contact.prospect_id).toBeNull();
      const details = await call(kit, "GET", `${VALETHON}/contacts/${contact.contact_id}`, {
        key: kit.secretKey,
      });
      expect(details.json.data.prospects).toEqual([]);
      const docs = await kit.core.db
        .selectFrom("search_documents")
        .select(["entity_type", "title", "subtitle"])
        .where("workspace_id", "=", kit.workspace.id)
        .where("title", "in", ["Acme Managed IT", "Jane Doe"])
        .execute();
      expect(docs).toEqual([{ entity_type: "contact", title: "Jane Doe", subtitle: "jane@acme-it.example" }]);
      expect((await eventTypes()).at(-1)).toBe("company.deleted");
      expect((await get("")).json.pagination.total).toBe(3);
    });

    it("answers 403 FORBIDDEN to a key without each route's permission", async () => {
      const routes = [
        { method: "GET", path: prospects, permission: "prospects:read" },
        { method: "GET", path: `${prospects}/2`, permission: "prospects:read" },
        { method: "POST", path: prospects, permission: "prospects:write", body: { name: "No" } },
        { method: "PUT", path: `${prospects}/2`, permission: "prospects:write", body: { name: "No" } },
        { method: "PATCH", path: `${prospects}/2`, permission: "prospects:write", body: { name: "No" } },
        { method: "DELETE", path: `${prospects}/2`, permission: "prospects:write" },
        { method: "POST", path: `${prospects}/2/convert`, permission: "prospects:write" },
      ] as const;
      for (const route of routes) {
        const key = await kit.newKey(kit.scope, {
          type: "secret",
          scopes: SECRET_PERMISSIONS.filter((permission) => permission !== route.permission),
          rateLimit: 100000,
        });
        const response = await call(kit, route.method, route.path, {
          key,
          ...("body" in route ? { body: route.body } : {}),
        });
        expect(response.statusCode, `${route.method} ${route.path}`).toBe(403);
        expect(response.json).toMatchObject({ success: false, code: "FORBIDDEN" });
      }
      const untouched = await get("/2");
      expect(untouched.json.data).toMatchObject({ name: "Bare Domain Inc", status: "active" });
    });

    it("renaming or deleting a prospect refreshes its opportunities' search subtitle", async () => {
      const opportunities = `${VALETHON}/opportunities`;
      const newDeal = async (name: string, prospect_id: number) => {
        const response = await call(kit, "POST", opportunities, {
          key: kit.secretKey,
          body: { name, prospect_id },
        });
        expect(response.statusCode).toBe(201);
        return response.json.data.opportunity_id as number;
      };
      const subtitles = async () =>
        Object.fromEntries(
          (
            await kit.core.db
              .selectFrom("search_documents")
              .select(["title", "subtitle"])
              .where("workspace_id", "=", kit.workspace.id)
              .where("entity_type", "=", "opportunity")
              .where("title", "in", ["Globex renewal", "Globex upsell", "Initech pilot"])
              .execute()
          ).map((row) => [row.title, row.subtitle]),
        );
      const globex = (await post({ name: "Globex" })).json.data.prospect_id;
      const initech = (await post({ name: "Initech" })).json.data.prospect_id;
      const renewal = await newDeal("Globex renewal", globex);
      await newDeal("Globex upsell", globex);
      await newDeal("Initech pilot", initech);
      expect(await subtitles()).toEqual({
        "Globex renewal": "Globex",
        "Globex upsell": "Globex",
        "Initech pilot": "Initech",
      });

      const renamed = await call(kit, "PATCH", `${prospects}/${globex}`, {
        key: kit.secretKey,
        body: { name: "Globex Corporation" },
      });
      expect(renamed.statusCode).toBe(200);
      expect(await subtitles()).toEqual({
        "Globex renewal": "Globex Corporation",
        "Globex upsell": "Globex Corporation",
        "Initech pilot": "Initech",
      });
      // A change that leaves the name alone leaves the subtitles alone.
      await call(kit, "PATCH", `${prospects}/${globex}`, {
        key: kit.secretKey,
        body: { industry: "Energy" },
      });
      expect((await subtitles())["Globex renewal"]).toBe("Globex Corporation");

      const deleted = await call(kit, "DELETE", `${prospects}/${globex}`, { key: kit.secretKey });
      expect(deleted.statusCode).toBe(200);
      expect(await subtitles()).toEqual({
        "Globex renewal": null,
        "Globex upsell": null,
        "Initech pilot": "Initech",
      });
      const deal = await call(kit, "GET", `${opportunities}/${renewal}`, { key: kit.secretKey });
      expect(deal.json.data).toMatchObject({ name: "Globex renewal", prospect_id: null, prospect: null });
    });
  });
}
