import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser } from "../../../src/core/users/users.service.js";
import { call, startTestKit, type TestKit, VALETHON } from "../../support/app.js";
import { ENGINES } from "../../support/engines.js";

const JANE = {
  first_name: "Jane",
  last_name: "Smith",
  email: "jane@company.com",
  phone: "+1-555-9876",
  company_name: "Globex Corp",
  source: "website_form",
  form_type: "contact_us",
  raw_payload: { role: "IT Director", technicianCount: "11-25", industry: "MSP", nested: { a: [1, 2] } },
};

for (const engine of ENGINES) {
  describe(`Valethon leads on ${engine}`, () => {
    let kit: TestKit;
    const leads = `${VALETHON}/leads`;
    const post = (body: unknown, key = kit.secretKey) => call(kit, "POST", leads, { key, body });

    beforeAll(async () => {
      kit = await startTestKit(engine);
    });
    afterAll(async () => kit?.close());

    it("creates a lead and answers exactly the documented 201 body", async () => {
      const response = await post(JANE);
      expect(response.statusCode).toBe(201);
      expect(Object.keys(response.json)).toEqual(["success", "data"]);
      expect(response.json.success).toBe(true);
      expect(response.json.data).toEqual({
        lead_id: 1,
        uuid: expect.stringMatching(/^[0-9a-f-]{36}$/),
        status: "new",
        created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      });
    });

    it("keeps raw_payload as given and returns the lead by its number", async () => {
      const response = await call(kit, "GET", `${leads}/1`, { key: kit.secretKey });
      expect(response.statusCode).toBe(200);
      expect(response.json.data).toMatchObject({
        lead_id: 1,
        first_name: "Jane",
        last_name: "Smith",
        email: "jane@company.com",
        company_name: "Globex Corp",
        status: "new",
        source: "website_form",
        form_type: "contact_us",
        score: null,
        assigned_to: null,
        raw_payload: JANE.raw_payload,
      });
    });

    it("numbers leads per workspace", async () => {
      const response = await post({ email: "first@other.test" }, kit.other.secretKey);
      expect(response.json.data.lead_id).toBe(1);
      const second = await post({ email: "second@company.com" });
      expect(second.json.data.lead_id).toBe(2);
    });

    it("refuses a second live lead with the same email (case-insensitive) as 409 DUPLICATE", async () => {
      const response = await post({ ...JANE, email: "JANE@company.com" });
      expect(response.statusCode).toBe(409);
      expect(response.json).toMatchObject({ success: false, code: "DUPLICATE" });
      expect(response.json.error).toMatch(/^email:/);
    });

    it("allows the same email in another workspace", async () => {
      const response = await post(JANE, kit.other.secretKey);
      expect(response.statusCode).toBe(201);
    });

    it.each([
      [{ email: "not-an-email" }, "email"],
      [{ email: "a@b.co", score: 101 }, "score"],
      [{ email: "a@b.co", score: -1 }, "score"],
      [{ email: "a@b.co", score: "75" }, "score"],
      [{ email: "a@b.co", status: "hot" }, "status"],
      [{ email: "a@b.co", first_name: "x".repeat(101) }, "first_name"],
      [{ email: "a@b.co", raw_payload: "text" }, "raw_payload"],
      [{ email: "a@b.co", assigned_to: 999 }, "assigned_to"],
      [{ first_name: "Nobody" }, "email"],
      [{ email: 42 }, "email"],
    ])("rejects %j naming %s, and writes nothing", async (body, field) => {
      const before = await call(kit, "GET", leads, { key: kit.secretKey });
      const response = await post(body);
      expect(response.statusCode).toBe(400);
      expect(response.json.code).toBe("VALIDATION_ERROR");
      expect(response.json.error.startsWith(`${field}:`)).toBe(true);
      const after = await call(kit, "GET", leads, { key: kit.secretKey });
      expect(after.json.pagination.total).toBe(before.json.pagination.total);
    });

    it("rejects malformed JSON and a body that is not an object", async () => {
      const bad = await kit.app.inject({
        method: "POST",
        url: leads,
        headers: { "x-api-key": kit.secretKey, "content-type": "application/json" },
        payload: "{bad",
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.json()).toMatchObject({
        success: false,
        code: "VALIDATION_ERROR",
        error: "body: must be valid JSON",
      });
      const array = await post([1, 2]);
      expect(array.statusCode).toBe(400);
      expect(array.json.error).toMatch(/^body:/);
    });

    it("refuses an oversized body before reading it all", async () => {
      const response = await post({ email: "big@x.io", raw_payload: { blob: "x".repeat(1_100_000) } });
      expect(response.statusCode).toBe(413);
      expect(response.json).toMatchObject({ success: false, code: "VALIDATION_ERROR" });
    });

    it("ignores unknown body fields instead of writing them", async () => {
      const response = await post({
        email: "mass@assign.io",
        lead_id: 999,
        workspace_id: "x",
        deleted_at: "2020-01-01",
      });
      expect(response.statusCode).toBe(201);
      expect(response.json.data.lead_id).not.toBe(999);
      const lead = await call(kit, "GET", `${leads}/${response.json.data.lead_id}`, { key: kit.secretKey });
      expect(lead.statusCode).toBe(200);
    });

    it("updates partially with PUT and PATCH, and records the change with its previous value", async () => {
      const agent = await createUser(kit.core, kit.scope, {
        username: "ana",
        name: "Ana Agent",
        email: "ana@acme.test",
      });
      const patch = await call(kit, "PATCH", `${leads}/1`, {
        key: kit.secretKey,
        body: { status: "contacted", score: 75, assigned_to: agent.number },
      });
      expect(patch.statusCode).toBe(200);
      expect(patch.json.data).toMatchObject({
        lead_id: 1,
        status: "contacted",
        score: 75,
        assigned_to: agent.number,
        first_name: "Jane",
      });
      const put = await call(kit, "PUT", `${leads}/1`, {
        key: kit.secretKey,
        body: { phone: "+44 20 7946 0000" },
      });
      expect(put.json.data).toMatchObject({ phone: "+44 20 7946 0000", status: "contacted", score: 75 });

      const events = await kit.core.db
        .selectFrom("events")
        .selectAll()
        .where("workspace_id", "=", kit.workspace.id)
        .where("type", "=", "lead.updated")
        .orderBy("position")
        .execute();
      expect(events).toHaveLength(2);
      const first = JSON.parse(events[0]!.data);
      expect(first.changes.status).toEqual({ from: "new", to: "contacted" });
      expect(first.changes.score).toEqual({ from: null, to: 75 });
      expect(first.changes.assignee.to).toMatchObject({ number: agent.number, username: "ana" });
      expect(JSON.parse(events[1]!.data).changes).toEqual({
        phone: { from: "+1-555-9876", to: "+44 20 7946 0000" },
      });
    });

    it("refuses an update to another live lead's email", async () => {
      const response = await call(kit, "PATCH", `${leads}/2`, {
        key: kit.secretKey,
        body: { email: "jane@company.com" },
      });
      expect(response.statusCode).toBe(409);
      expect(response.json.code).toBe("DUPLICATE");
    });

    it("filters, searches, sorts and paginates the list", async () => {
      for (const [index, name] of ["Zed", "Yan", "Xia"].entries()) {
        await post({
          first_name: name,
          last_name: "Filter",
          email: `${name.toLowerCase()}@filters.io`,
          source: "ads",
          score: index * 10,
        });
      }
      const bySource = await call(kit, "GET", `${leads}?source=ads&sort=first_name&order=asc`, {
        key: kit.secretKey,
      });
      expect(bySource.json.data.map((lead: any) => lead.first_name)).toEqual(["Xia", "Yan", "Zed"]);
      expect(bySource.json.pagination).toEqual({ page: 1, per_page: 25, total: 3, total_pages: 1 });

      const paged = await call(kit, "GET", `${leads}?source=ads&sort=score&order=desc&per_page=2&page=2`, {
        key: kit.secretKey,
      });
      expect(paged.json.data.map((lead: any) => lead.first_name)).toEqual(["Zed"]);
      expect(paged.json.pagination).toEqual({ page: 2, per_page: 2, total: 3, total_pages: 2 });

      const search = await call(kit, "GET", `${leads}?search=GLOBEX`, { key: kit.secretKey });
      expect(search.json.data.map((lead: any) => lead.email)).toEqual(["jane@company.com"]);
      const byName = await call(kit, "GET", `${leads}?search=yan%20filter`, { key: kit.secretKey });
      expect(byName.json.data.map((lead: any) => lead.first_name)).toEqual(["Yan"]);
      const wildcard = await call(kit, "GET", `${leads}?search=%25`, { key: kit.secretKey });
      expect(wildcard.json.pagination.total).toBe(0);

      const contacted = await call(kit, "GET", `${leads}?status=contacted`, { key: kit.secretKey });
      expect(contacted.json.data.map((lead: any) => lead.lead_id)).toEqual([1]);
      const all = await call(kit, "GET", `${leads}?status=all`, { key: kit.secretKey });
      expect(all.json.pagination.total).toBeGreaterThanOrEqual(6);

      const assignee = (await call(kit, "GET", `${leads}/1`, { key: kit.secretKey })).json.data.assigned_to;
      const assigned = await call(kit, "GET", `${leads}?assigned_to=${assignee}`, { key: kit.secretKey });
      expect(assigned.json.data.map((lead: any) => lead.lead_id)).toEqual([1]);
      const nobody = await call(kit, "GET", `${leads}?assigned_to=999`, { key: kit.secretKey });
      expect(nobody.json.pagination.total).toBe(0);
    });

    it("filters by creation time with ISO 8601 dates and date-times", async () => {
      const future = await call(kit, "GET", `${leads}?created_after=2999-01-01`, { key: kit.secretKey });
      expect(future.json.pagination.total).toBe(0);
      const past = await call(
        kit,
        "GET",
        `${leads}?created_after=2000-01-01T00:00:00Z&created_before=2999-01-01T00:00:00%2B02:00`,
        {
          key: kit.secretKey,
        },
      );
      expect(past.json.pagination.total).toBeGreaterThan(0);
      const bad = await call(kit, "GET", `${leads}?created_after=yesterday`, { key: kit.secretKey });
      expect(bad.statusCode).toBe(400);
      expect(bad.json.error).toMatch(/^created_after:/);
    });

    it.each([
      ["per_page=101", "per_page"],
      ["per_page=0", "per_page"],
      ["page=0", "page"],
      ["page=abc", "page"],
      ["sort=password", "sort"],
      ["order=sideways", "order"],
      ["status=hot", "status"],
      ["assigned_to=x", "assigned_to"],
    ])("rejects the query %s naming %s", async (query, field) => {
      const response = await call(kit, "GET", `${leads}?${query}`, { key: kit.secretKey });
      expect(response.statusCode).toBe(400);
      expect(response.json.code).toBe("VALIDATION_ERROR");
      expect(response.json.error.startsWith(`${field}:`)).toBe(true);
    });

    it("rejects malformed ids and answers 404 for unknown ones", async () => {
      const malformed = await call(kit, "GET", `${leads}/abc`, { key: kit.secretKey });
      expect(malformed.statusCode).toBe(400);
      expect(malformed.json.error).toMatch(/^id:/);
      const unknown = await call(kit, "GET", `${leads}/99999`, { key: kit.secretKey });
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json).toMatchObject({ success: false, code: "NOT_FOUND" });
    });

    it("deletes softly: gone from every read, email free again, event recorded", async () => {
      const created = await post({ email: "gone@soon.io", first_name: "Gone" });
      const number = created.json.data.lead_id;
      const deleted = await call(kit, "DELETE", `${leads}/${number}`, { key: kit.secretKey });
      expect(deleted.statusCode).toBe(200);
      expect(deleted.json).toEqual({ success: true, data: { lead_id: number, deleted: true } });
      expect((await call(kit, "GET", `${leads}/${number}`, { key: kit.secretKey })).statusCode).toBe(404);
      expect(
        (await call(kit, "PATCH", `${leads}/${number}`, { key: kit.secretKey, body: { score: 1 } }))
          .statusCode,
      ).toBe(404);
      expect((await call(kit, "DELETE", `${leads}/${number}`, { key: kit.secretKey })).statusCode).toBe(404);
      const list = await call(kit, "GET", `${leads}?search=gone`, { key: kit.secretKey });
      expect(list.json.pagination.total).toBe(0);
      expect((await post({ email: "gone@soon.io" })).statusCode).toBe(201);
      const row = await kit.core.db
        .selectFrom("leads")
        .select("deleted_at")
        .where("seq", "=", number)
        .where("workspace_id", "=", kit.workspace.id)
        .executeTakeFirst();
      expect(row?.deleted_at).not.toBeNull();
    });

    it("appends lead.created and lead.deleted events in the write's transaction", async () => {
      const types = await kit.core.db
        .selectFrom("events")
        .select("type")
        .where("workspace_id", "=", kit.workspace.id)
        .where("entity_type", "=", "lead")
        .orderBy("position")
        .execute();
      const names = types.map((row) => row.type);
      expect(names.filter((name) => name === "lead.created").length).toBeGreaterThanOrEqual(6);
      expect(names).toContain("lead.deleted");
      const created = await kit.core.db
        .selectFrom("events")
        .select("data")
        .where("workspace_id", "=", kit.workspace.id)
        .where("type", "=", "lead.created")
        .orderBy("position")
        .executeTakeFirstOrThrow();
      expect(JSON.parse(created.data)).toMatchObject({
        number: 1,
        email: "jane@company.com",
        source: "website_form",
      });
    });

    it("keeps the lead count intact when two identical creates race", async () => {
      const body = { email: "race@condition.io" };
      const results = await Promise.all([post(body), post(body), post(body)]);
      const codes = results.map((response) => response.statusCode).sort();
      expect(codes).toEqual([201, 409, 409]);
    });

    it("reports the live total on unfiltered and filtered lists, and an empty page past the end", async () => {
      const liveRows = async () =>
        Number(
          (
            await kit.core.db
              .selectFrom("leads")
              .select((eb) => eb.fn.countAll<number>().as("n"))
              .where("workspace_id", "=", kit.workspace.id)
              .where("deleted_at", "is", null)
              .executeTakeFirstOrThrow()
          ).n,
        );
      const total = async (query = "") =>
        (await call(kit, "GET", `${leads}?per_page=1${query}`, { key: kit.secretKey })).json.pagination.total;
      const before = await total();
      expect(before).toBe(await liveRows());
      const numbers: number[] = [];
      for (const name of ["Tally", "Tallier", "Talliest"]) {
        numbers.push((await post({ email: `${name}@totals.io`, first_name: name })).json.data.lead_id);
      }
      await post({ email: "Tally@totals.io" }); // refused as a duplicate: counts nothing
      await call(kit, "DELETE", `${leads}/${numbers[0]}`, { key: kit.secretKey });
      expect(await total()).toBe(before + 2);
      expect(await total()).toBe(await liveRows());
      expect(await total("&search=totals.io")).toBe(2);
      const beyond = await call(kit, "GET", `${leads}?per_page=100&page=50`, { key: kit.secretKey });
      expect(beyond.statusCode).toBe(200);
      expect(beyond.json.data).toEqual([]);
      expect(beyond.json.pagination.total).toBe(before + 2);
    });

    it("keeps filtered totals exact across creates, updates and deletes (no stale cached count)", async () => {
      const total = async () =>
        (await call(kit, "GET", `${leads}?status=qualified&source=cache-check`, { key: kit.secretKey })).json
          .pagination.total;
      expect(await total()).toBe(0);
      const created = await post({ email: "cache1@totals.io", source: "cache-check" });
      const number = created.json.data.lead_id;
      expect(await total()).toBe(0);
      await call(kit, "PATCH", `${leads}/${number}`, { key: kit.secretKey, body: { status: "qualified" } });
      expect(await total()).toBe(1);
      await post({ email: "cache2@totals.io", source: "cache-check", status: "qualified" });
      expect(await total()).toBe(2);
      await call(kit, "DELETE", `${leads}/${number}`, { key: kit.secretKey });
      expect(await total()).toBe(1);
    });

    it("pages a search-only list in creation order, both ways", async () => {
      const numbers: number[] = [];
      for (const name of ["Quokka One", "Quokka Two", "Quokka Three"]) {
        const [first, last] = name.split(" ");
        numbers.push(
          (await post({ first_name: first, last_name: last, email: `${last}@quokka.io` })).json.data.lead_id,
        );
      }
      const page = async (query: string) =>
        (await call(kit, "GET", `${leads}?search=quok&${query}`, { key: kit.secretKey })).json;
      expect((await page("")).data.map((lead: any) => lead.lead_id)).toEqual([...numbers].reverse());
      expect((await page("order=asc")).data.map((lead: any) => lead.lead_id)).toEqual(numbers);
      const second = await page("per_page=2&page=2");
      expect(second.data.map((lead: any) => lead.lead_id)).toEqual([numbers[0]]);
      expect(second.pagination).toEqual({ page: 2, per_page: 2, total: 3, total_pages: 2 });
      await call(kit, "DELETE", `${leads}/${numbers[1]}`, { key: kit.secretKey });
      expect((await page("")).data.map((lead: any) => lead.lead_id)).toEqual([numbers[2], numbers[0]]);
    });
  });
}
