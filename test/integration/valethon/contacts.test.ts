import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SECRET_PERMISSIONS } from "../../../src/core/keys/permissions.js";
import { createUser } from "../../../src/core/users/users.service.js";
import { call, startTestKit, type TestKit, VALETHON } from "../../support/app.js";
import { ENGINES } from "../../support/engines.js";

const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

for (const engine of ENGINES) {
  describe(`Valethon contacts on ${engine}`, () => {
    let kit: TestKit;
    let acme: number;
    let globex: number;
    let agent: number;
    const contacts = `${VALETHON}/contacts`;
    const post = (body: unknown, key = kit.secretKey) => call(kit, "POST", contacts, { key, body });
    const get = (path: string, key = kit.secretKey) => call(kit, "GET", `${contacts}${path}`, { key });
    const prospect = async (name: string, key = kit.secretKey) => {
      const response = await call(kit, "POST", `${VALETHON}/prospects`, { key, body: { name } });
      expect(response.statusCode).toBe(201);
      return response.json.data.prospect_id as number;
    };
    const events = async (type: string) =>
      (
        await kit.core.db
          .selectFrom("events")
          .select("data")
          .where("workspace_id", "=", kit.workspace.id)
          .where("type", "=", type)
          .orderBy("position")
          .execute()
      ).map((row) => JSON.parse(row.data));

    beforeAll(async () => {
      kit = await startTestKit(engine);
      acme = await prospect("Acme Corp");
      globex = await prospect("Globex");
      agent = (
        await createUser(kit.core, kit.scope, { username: "cora", name: "Cora", email: "cora@acme.test" })
      ).number;
    });
    afterAll(async () => kit?.close());

    it("creates a contact and answers 201 with the whole contact", async () => {
      const response = await post({
        first_name: " Jane ",
        last_name: "Smith",
        email: "Jane@Company.com",
        phone: "+1-555-9876",
        title: "IT Director",
        role: "decision_maker",
        tags: [" vip ", "VIP", "renewal", ""],
        prospect_id: acme,
        assigned_to: agent,
        contact_id: 999,
      });
      expect(response.statusCode).toBe(201);
      expect(response.json).toEqual({
        success: true,
        data: {
          contact_id: 1,
          uuid: expect.stringMatching(/^[0-9a-f-]{36}$/),
          first_name: "Jane",
          last_name: "Smith",
          email: "Jane@Company.com",
          phone: "+1-555-9876",
          title: "IT Director",
          role: "decision_maker",
          prospect_id: acme,
          tags: ["vip", "renewal"],
          assigned_to: agent,
          custom_fields: {},
          created_at: expect.stringMatching(TIME),
          updated_at: expect.stringMatching(TIME),
        },
      });
      const [created] = await events("contact.created");
      expect(created).toMatchObject({ number: 1, email: "Jane@Company.com", tags: ["vip", "renewal"] });
    });

    it("shows the contact with its prospect memberships", async () => {
      const response = await get("/1");
      expect(response.statusCode).toBe(200);
      expect(response.json.data).toMatchObject({
        contact_id: 1,
        prospect_id: acme,
        tags: ["vip", "renewal"],
      });
      expect(response.json.data.prospects).toEqual([
        { prospect_id: acme, name: "Acme Corp", role: "decision_maker", is_primary: true },
      ]);
      const details = await call(kit, "GET", `${VALETHON}/prospects/${acme}`, { key: kit.secretKey });
      expect(details.json.data.contacts).toEqual([
        {
          contact_id: 1,
          first_name: "Jane",
          last_name: "Smith",
          email: "Jane@Company.com",
          role: "decision_maker",
          is_primary: true,
        },
      ]);
    });

    it("indexes the contact for search", async () => {
      const doc = await kit.core.db
        .selectFrom("search_documents")
        .select(["number", "title", "subtitle", "body"])
        .where("workspace_id", "=", kit.workspace.id)
        .where("entity_type", "=", "contact")
        .executeTakeFirstOrThrow();
      expect(doc).toEqual({
        number: 1,
        title: "Jane Smith",
        subtitle: "Acme Corp",
        // Words only, so that `company` or `9876` finds it on every engine.
        body: "Jane Company com 1 555 9876 IT Director",
      });
    });

    it("refuses a second live contact with the same email (case-insensitive) as 409 DUPLICATE", async () => {
      const response = await post({ first_name: "Other", email: "jane@COMPANY.com" });
      expect(response.statusCode).toBe(409);
      expect(response.json).toMatchObject({ success: false, code: "DUPLICATE" });
      expect(response.json.error).toMatch(/^email:/);
      expect((await post({ email: "jane@company.com" }, kit.other.secretKey)).statusCode).toBe(201);
    });

    it.each([
      [{}, "first_name"],
      [{ phone: "+1 555" }, "first_name"],
      [{ email: "not-an-email" }, "email"],
      [{ email: 42 }, "email"],
      [{ first_name: "x".repeat(101) }, "first_name"],
      [{ first_name: "A", phone: "call me" }, "phone"],
      [{ first_name: "A", tags: "vip" }, "tags"],
      [{ first_name: "A", tags: [1] }, "tags.0"],
      [{ first_name: "A", tags: ["x".repeat(51)] }, "tags.0"],
      [{ first_name: "A", tags: Array.from({ length: 51 }, (_, i) => `t${i}`) }, "tags"],
      [{ first_name: "A", prospect_id: 999 }, "prospect_id"],
      [{ first_name: "A", prospect_id: "acme" }, "prospect_id"],
      [{ first_name: "A", assigned_to: 999 }, "assigned_to"],
    ])("rejects %j naming %s, and writes nothing", async (body, field) => {
      const before = (await get("")).json.pagination.total;
      const response = await post(body);
      expect(response.statusCode).toBe(400);
      expect(response.json.code).toBe("VALIDATION_ERROR");
      expect(response.json.error.startsWith(`${field}:`)).toBe(true);
      expect((await get("")).json.pagination.total).toBe(before);
    });

    it("does not link a contact to another workspace's prospect", async () => {
      const foreign = await prospect("Foreign Ltd", kit.other.secretKey);
      const response = await post({ first_name: "A", prospect_id: foreign + 100 });
      expect(response.statusCode).toBe(400);
      expect(response.json.error).toMatch(/^prospect_id:/);
    });

    it("filters by tag, prospect and search, and paginates", async () => {
      await post({
        first_name: "Tom",
        last_name: "Tagged",
        email: "tom@globex.io",
        tags: ["Vip"],
        prospect_id: globex,
      });
      await post({ first_name: "Ulla", last_name: "Plain", email: "ulla@globex.io", prospect_id: globex });
      await post({ first_name: "Vic", last_name: "Loner", tags: ["other"] });

      const vip = await get("?tag=VIP");
      expect(vip.json.data.map((c: any) => c.first_name)).toEqual(["Tom", "Jane"]);
      expect(vip.json.pagination).toEqual({ page: 1, per_page: 25, total: 2, total_pages: 1 });
      expect((await get("?tag=nobody")).json.pagination.total).toBe(0);

      const atGlobex = await get(`?prospect_id=${globex}`);
      expect(atGlobex.json.data.map((c: any) => c.first_name)).toEqual(["Ulla", "Tom"]);
      expect((await get("?prospect_id=9999")).json.data).toEqual([]);

      const both = await get(`?prospect_id=${globex}&tag=vip`);
      expect(both.json.data.map((c: any) => c.first_name)).toEqual(["Tom"]);

      expect((await get("?search=ulla%20plain")).json.data.map((c: any) => c.first_name)).toEqual(["Ulla"]);
      expect((await get("?search=GLOBEX.IO")).json.pagination.total).toBe(2);
      expect((await get("?search=%25")).json.pagination.total).toBe(0);

      const paged = await get("?per_page=2&page=2");
      expect(paged.json.data).toHaveLength(2);
      expect(paged.json.pagination).toEqual({ page: 2, per_page: 2, total: 4, total_pages: 2 });
      expect(paged.json.data[0]).toEqual({
        contact_id: expect.any(Number),
        uuid: expect.stringMatching(/^[0-9a-f-]{36}$/),
        first_name: expect.any(String),
        last_name: expect.any(String),
        email: expect.toBeOneOf([null, expect.any(String)]),
        phone: null,
        title: null,
        role: null,
        prospect_id: expect.toBeOneOf([null, expect.any(Number)]),
        tags: expect.any(Array),
        assigned_to: null,
        custom_fields: {},
        created_at: expect.stringMatching(TIME),
        updated_at: expect.stringMatching(TIME),
      });
    });

    it.each([
      ["per_page=101", "per_page"],
      ["page=0", "page"],
      ["prospect_id=x", "prospect_id"],
    ])("rejects the query %s naming %s", async (query, field) => {
      const response = await get(`?${query}`);
      expect(response.statusCode).toBe(400);
      expect(response.json.error.startsWith(`${field}:`)).toBe(true);
    });

    it("updates partially with PUT and PATCH, moving the primary prospect and recording changes", async () => {
      const patch = await call(kit, "PATCH", `${contacts}/1`, {
        key: kit.secretKey,
        body: { title: "CTO", prospect_id: globex, tags: ["Renewal", "new"] },
      });
      expect(patch.statusCode).toBe(200);
      expect(patch.json.data).toMatchObject({
        contact_id: 1,
        first_name: "Jane",
        title: "CTO",
        prospect_id: globex,
        tags: ["Renewal", "new"],
        assigned_to: agent,
      });
      expect(patch.json.data.prospects).toEqual([
        { prospect_id: globex, name: "Globex", role: "decision_maker", is_primary: true },
      ]);
      expect((await get(`?prospect_id=${acme}`)).json.pagination.total).toBe(0);

      const put = await call(kit, "PUT", `${contacts}/1`, {
        key: kit.secretKey,
        body: { prospect_id: null },
      });
      expect(put.json.data).toMatchObject({ prospect_id: null, title: "CTO", prospects: [] });

      const updates = await events("contact.updated");
      expect(updates).toHaveLength(2);
      expect(updates[0].changes.title).toEqual({ from: "IT Director", to: "CTO" });
      expect(updates[0].changes.tags).toEqual({ from: ["vip", "renewal"], to: ["Renewal", "new"] });
      expect(updates[0].changes.primaryCompany.to).toMatchObject({ number: globex, name: "Globex" });
      expect(Object.keys(updates[1].changes)).toEqual(["primaryCompany"]);
    });

    it("refuses an update that would leave the contact nameless, or take another's email", async () => {
      const nameless = await call(kit, "PATCH", `${contacts}/1`, {
        key: kit.secretKey,
        body: { first_name: null, last_name: "", email: null },
      });
      expect(nameless.statusCode).toBe(400);
      expect(nameless.json.error).toMatch(/^first_name:/);
      const taken = await call(kit, "PUT", `${contacts}/1`, {
        key: kit.secretKey,
        body: { email: "TOM@globex.io" },
      });
      expect(taken.statusCode).toBe(409);
      expect(taken.json.code).toBe("DUPLICATE");
      expect((await get("/1")).json.data.email).toBe("Jane@Company.com");
    });

    it("rejects malformed ids and answers 404 for unknown ones", async () => {
      const malformed = await get("/abc");
      expect(malformed.statusCode).toBe(400);
      expect(malformed.json.error).toMatch(/^id:/);
      for (const method of ["GET", "PUT", "PATCH", "DELETE"] as const) {
        const response = await call(kit, method, `${contacts}/99999`, {
          key: kit.secretKey,
          ...(method === "PUT" || method === "PATCH" ? { body: { title: "x" } } : {}),
        });
        expect(response.statusCode).toBe(404);
        expect(response.json).toMatchObject({ success: false, code: "NOT_FOUND" });
      }
    });

    it("keeps other workspaces' contacts out of reach and untouched", async () => {
      // Give the other workspace a contact whose number ours has never used.
      const ourMax = (await get("?per_page=1")).json.data[0].contact_id as number;
      let target = 0;
      while (target <= ourMax) {
        const made = await post({ first_name: "Secret", last_name: `${target}` }, kit.other.secretKey);
        target = made.json.data.contact_id;
      }
      await call(kit, "PATCH", `${contacts}/${target}`, {
        key: kit.other.secretKey,
        body: { email: "secret@other.io", tags: ["private"] },
      });
      expect((await get(`/${target}`)).statusCode).toBe(404);
      const patch = await call(kit, "PATCH", `${contacts}/${target}`, {
        key: kit.secretKey,
        body: { title: "Hacked" },
      });
      expect(patch.statusCode).toBe(404);
      expect((await call(kit, "DELETE", `${contacts}/${target}`, { key: kit.secretKey })).statusCode).toBe(
        404,
      );
      expect((await get("?tag=private")).json.pagination.total).toBe(0);
      expect((await get("?search=secret@other")).json.pagination.total).toBe(0);
      const theirs = await get(`/${target}`, kit.other.secretKey);
      expect(theirs.statusCode).toBe(200);
      expect(theirs.json.data).toMatchObject({ email: "secret@other.io", title: null, tags: ["private"] });
    });

    it("deletes softly: gone from every read, email free again, unindexed, event recorded", async () => {
      const created = await post({
        first_name: "Gone",
        email: "gone@soon.io",
        tags: ["bye"],
        prospect_id: acme,
      });
      const number = created.json.data.contact_id;
      const deleted = await call(kit, "DELETE", `${contacts}/${number}`, { key: kit.secretKey });
      expect(deleted.statusCode).toBe(200);
      expect(deleted.json).toEqual({ success: true, data: { contact_id: number, deleted: true } });
      expect((await get(`/${number}`)).statusCode).toBe(404);
      expect((await call(kit, "DELETE", `${contacts}/${number}`, { key: kit.secretKey })).statusCode).toBe(
        404,
      );
      expect((await get("?tag=bye")).json.pagination.total).toBe(0);
      expect((await get(`?prospect_id=${acme}`)).json.pagination.total).toBe(0);
      const members = await call(kit, "GET", `${VALETHON}/prospects/${acme}`, { key: kit.secretKey });
      expect(members.json.data.contacts).toEqual([]);
      expect((await post({ first_name: "Back", email: "gone@soon.io" })).statusCode).toBe(201);
      const doc = await kit.core.db
        .selectFrom("search_documents")
        .select("title")
        .where("workspace_id", "=", kit.workspace.id)
        .where("title", "=", "Gone")
        .executeTakeFirst();
      expect(doc).toBeUndefined();
      expect((await events("contact.deleted")).map((event) => event.number)).toEqual([number]);
    });

    it("keeps the count intact when two identical creates race", async () => {
      const body = { first_name: "Race", email: "race@condition.io" };
      const results = await Promise.all([post(body), post(body), post(body)]);
      expect(results.map((response) => response.statusCode).sort()).toEqual([201, 409, 409]);
    });

    it("answers 403 FORBIDDEN to a key without each route's permission", async () => {
      const routes = [
        { method: "GET", path: contacts, permission: "contacts:read" },
        { method: "GET", path: `${contacts}/1`, permission: "contacts:read" },
        { method: "POST", path: contacts, permission: "contacts:write", body: { first_name: "No" } },
        { method: "PUT", path: `${contacts}/1`, permission: "contacts:write", body: { title: "No" } },
        { method: "PATCH", path: `${contacts}/1`, permission: "contacts:write", body: { title: "No" } },
        { method: "DELETE", path: `${contacts}/1`, permission: "contacts:write" },
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
      const contact = await get("/1");
      expect(contact.statusCode).toBe(200);
      expect(contact.json.data.title).toBe("CTO");
    });
  });
}
