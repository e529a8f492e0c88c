import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Scope } from "../../../src/core/core.js";
import { allocateNumber } from "../../../src/core/counters.js";
import { newId } from "../../../src/core/ids.js";
import { createUser } from "../../../src/core/users/users.service.js";
import { call, startTestKit, type TestKit, VALETHON } from "../../support/app.js";
import { ENGINES } from "../../support/engines.js";

const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

for (const engine of ENGINES) {
  describe(`Valethon opportunities on ${engine}`, () => {
    let kit: TestKit;
    let agent: { number: number };
    let prospect: { id: string; number: number };
    let contact: { id: string; number: number };
    const base = `${VALETHON}/opportunities`;
    const post = (body: unknown, key = kit.secretKey) => call(kit, "POST", base, { key, body });
    const get = (path: string, key = kit.secretKey) => call(kit, "GET", `${base}${path}`, { key });
    const patch = (id: number, body: unknown, key = kit.secretKey) =>
      call(kit, "PATCH", `${base}/${id}`, { key, body });
    const advance = (id: number, key = kit.secretKey) => call(kit, "POST", `${base}/${id}/advance`, { key });

    /** Rows written directly: the companies/contacts/activities/notes APIs are other modules. */
    async function insertRecord(
      scope: Scope,
      table: "companies" | "contacts",
      values: Record<string, unknown>,
    ) {
      const at = new Date().toISOString();
      const id = newId();
      const seq = await allocateNumber(kit.core.db, scope.workspaceId, table);
      await kit.core.db
        .insertInto(table)
        .values({
          id,
          workspace_id: scope.workspaceId,
          seq,
          created_at: at,
          updated_at: at,
          ...values,
        } as any)
        .execute();
      return { id, number: seq };
    }

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
      agent = await createUser(kit.core, kit.scope, {
        username: "sam",
        name: "Sam Seller",
        email: "sam@acme.test",
      });
      prospect = await insertRecord(kit.scope, "companies", {
        name: "Acme Corp",
        name_normalized: "acme corp",
        relationship: "prospect",
        status: "active",
      });
      contact = await insertRecord(kit.scope, "contacts", {
        first_name: "John",
        last_name: "Doe",
        email: "john@acme.test",
        email_normalized: "john@acme.test",
      });
    });
    afterAll(async () => kit?.close());

    it("creates an opportunity and answers the full record with 201", async () => {
      const response = await post({
        name: "Acme Corp - Managed Services",
        prospect_id: prospect.number,
        contact_id: contact.number,
        stage: "discovery",
        value: 50000,
        expected_close_date: "2026-06-30",
        probability: 30,
        assigned_to: agent.number,
      });
      expect(response.statusCode).toBe(201);
      expect(response.json).toEqual({
        success: true,
        data: {
          opportunity_id: 1,
          uuid: expect.stringMatching(/^[0-9a-f-]{36}$/),
          name: "Acme Corp - Managed Services",
          prospect_id: prospect.number,
          contact_id: contact.number,
          stage: "discovery",
          status: "open",
          value: 50000,
          currency: "USD",
          probability: 30,
          expected_close_date: "2026-06-30",
          assigned_to: agent.number,
          custom_fields: {},
          created_at: expect.stringMatching(TIME),
          updated_at: expect.stringMatching(TIME),
        },
      });
      const [created] = await events("opportunity.created");
      expect(created).toMatchObject({ number: 1, name: "Acme Corp - Managed Services", status: "open" });
      const doc = await kit.core.db
        .selectFrom("search_documents")
        .select(["title", "subtitle", "body", "number"])
        .where("workspace_id", "=", kit.workspace.id)
        .where("entity_type", "=", "opportunity")
        .executeTakeFirstOrThrow();
      expect(doc).toEqual({
        title: "Acme Corp - Managed Services",
        subtitle: "Acme Corp",
        body: "discovery",
        number: 1,
      });
    });

    it("defaults to the first open stage, its probability, USD, and stores cents exactly", async () => {
      const response = await post({ name: "Bare deal", value: 1234.56, currency: "eur" });
      expect(response.statusCode).toBe(201);
      expect(response.json.data).toMatchObject({
        opportunity_id: 2,
        stage: "discovery",
        status: "open",
        probability: 10,
        currency: "EUR",
        value: 1234.56,
        prospect_id: null,
        contact_id: null,
        assigned_to: null,
        expected_close_date: null,
      });
      const row = await kit.core.db
        .selectFrom("opportunities")
        .select("value_minor")
        .where("workspace_id", "=", kit.workspace.id)
        .where("seq", "=", 2)
        .executeTakeFirstOrThrow();
      expect(Number(row.value_minor)).toBe(123456);
    });

    it.each([
      [{ value: -1 }, "value"],
      [{ value: 10.001 }, "value"],
      [{ value: "100" }, "value"],
      [{ probability: 101 }, "probability"],
      [{ probability: -1 }, "probability"],
      [{ probability: 5.5 }, "probability"],
      [{ expected_close_date: "2026-02-30" }, "expected_close_date"],
      [{ expected_close_date: "2026-13-01" }, "expected_close_date"],
      [{ expected_close_date: "30/06/2026" }, "expected_close_date"],
      [{ currency: "US" }, "currency"],
      [{ currency: "U$D" }, "currency"],
      [{ stage: "closing" }, "stage"],
      [{ status: "hot" }, "status"],
      [{ stage: "won", status: "open" }, "status"],
      [{ prospect_id: 999 }, "prospect_id"],
      [{ contact_id: 999 }, "contact_id"],
      [{ assigned_to: 999 }, "assigned_to"],
      [{ pipeline_id: 999 }, "pipeline_id"],
      [{ name: "" }, "name"],
      [{ name: "x".repeat(201) }, "name"],
      [{ name: undefined }, "name"],
    ])("rejects %j naming %s, and writes nothing", async (change, field) => {
      const before = await get("");
      const response = await post({ name: "Invalid", ...change });
      expect(response.statusCode).toBe(400);
      expect(response.json.code).toBe("VALIDATION_ERROR");
      expect(response.json.error.startsWith(`${field}:`)).toBe(true);
      const after = await get("");
      expect(after.json.pagination.total).toBe(before.json.pagination.total);
    });

    it("refuses an unknown prospect on update too, naming prospect_id", async () => {
      const response = await patch(1, { prospect_id: 4242 });
      expect(response.statusCode).toBe(400);
      expect(response.json.error).toMatch(/^prospect_id:/);
    });

    it("shows details with the prospect, contact, activities and notes", async () => {
      const at = new Date().toISOString();
      const [opportunity] = await kit.core.db
        .selectFrom("opportunities")
        .select("id")
        .where("workspace_id", "=", kit.workspace.id)
        .where("seq", "=", 1)
        .execute();
      const activitySeq = await allocateNumber(kit.core.db, kit.workspace.id, "activities");
      await kit.core.db
        .insertInto("activities")
        .values({
          id: newId(),
          workspace_id: kit.workspace.id,
          seq: activitySeq,
          type: "call",
          subject: "Discovery call",
          description: "Pain points",
          entity_type: "opportunity",
          entity_id: opportunity!.id,
          assigned_user_id: null,
          due_at: "2026-03-15T14:00:00.000Z",
          duration_minutes: 30,
          starts_at: null,
          ends_at: null,
          completed: 0,
          completed_at: null,
          status: null,
          created_by: null,
          custom_fields: null,
          created_at: at,
          updated_at: at,
          deleted_at: null,
        })
        .execute();
      const noteSeq = await allocateNumber(kit.core.db, kit.workspace.id, "notes");
      await kit.core.db
        .insertInto("notes")
        .values({
          id: newId(),
          workspace_id: kit.workspace.id,
          seq: noteSeq,
          entity_type: "opportunity",
          entity_id: opportunity!.id,
          content: "Wants 50 endpoints",
          is_pinned: 1,
          author_user_id: null,
          created_by: null,
          custom_fields: null,
          created_at: at,
          updated_at: at,
          deleted_at: null,
        })
        .execute();
      const response = await get("/1");
      expect(response.statusCode).toBe(200);
      expect(response.json.data).toMatchObject({
        opportunity_id: 1,
        pipeline_id: 1,
        won_at: null,
        lost_at: null,
        close_reason: null,
        prospect: { prospect_id: prospect.number, name: "Acme Corp" },
        contact: {
          contact_id: contact.number,
          first_name: "John",
          last_name: "Doe",
          email: "john@acme.test",
        },
        activities: [
          {
            activity_id: activitySeq,
            type: "call",
            subject: "Discovery call",
            description: "Pain points",
            assigned_to: null,
            due_date: "2026-03-15T14:00:00Z",
            duration_minutes: 30,
            completed: false,
            completed_at: null,
            created_at: expect.stringMatching(TIME),
          },
        ],
        notes: [
          {
            note_id: noteSeq,
            content: "Wants 50 endpoints",
            is_pinned: true,
            created_at: expect.stringMatching(TIME),
            updated_at: expect.stringMatching(TIME),
          },
        ],
      });
      const bare = await get("/2");
      expect(bare.json.data).toMatchObject({ prospect: null, contact: null, activities: [], notes: [] });
    });

    it("answers 404 for an unknown opportunity and 400 for a malformed id", async () => {
      expect((await get("/9999")).statusCode).toBe(404);
      expect((await get("/9999")).json.code).toBe("NOT_FOUND");
      expect((await get("/abc")).statusCode).toBe(400);
    });

    it("advances through every open stage, then refuses at the last open stage", async () => {
      const created = await post({ name: "Advancer", value: 100 });
      const id = created.json.data.opportunity_id;
      const seen: string[] = [];
      for (const expected of [
        ["discovery", "qualification"],
        ["qualification", "demo_scheduled"],
        ["demo_scheduled", "proposal"],
        ["proposal", "negotiation"],
      ]) {
        const response = await advance(id);
        expect(response.statusCode).toBe(200);
        expect(response.json).toEqual({
          success: true,
          data: { opportunity_id: id, stage: expected[1], previous_stage: expected[0] },
        });
        seen.push(response.json.data.stage);
      }
      const last = await advance(id);
      expect(last.statusCode).toBe(400);
      expect(last.json.code).toBe("VALIDATION_ERROR");
      expect(last.json.error).toMatch(/^stage:/);
      const now = await get(`/${id}`);
      expect(now.json.data).toMatchObject({ stage: "negotiation", status: "open", probability: 80 });
      const changed = (await events("opportunity.stage_changed")).filter((e) => e.number === id);
      expect(changed.map((e) => [e.from, e.to])).toEqual([
        ["discovery", "qualification"],
        ["qualification", "demo_scheduled"],
        ["demo_scheduled", "proposal"],
        ["proposal", "negotiation"],
      ]);
      expect((await advance(9999)).statusCode).toBe(404);
    });

    it("wins by moving to the won stage: status, won_at and events", async () => {
      const created = await post({ name: "Winner", value: 10 });
      const id = created.json.data.opportunity_id;
      const response = await patch(id, { stage: "won" });
      expect(response.statusCode).toBe(200);
      expect(response.json.data).toMatchObject({
        opportunity_id: id,
        stage: "won",
        status: "won",
        probability: 100,
        won_at: expect.stringMatching(TIME),
        lost_at: null,
      });
      const won = (await events("opportunity.won")).filter((e) => e.number === id);
      expect(won).toHaveLength(1);
      const changed = (await events("opportunity.stage_changed")).filter((e) => e.number === id);
      expect(changed.map((e) => [e.from, e.to])).toEqual([["discovery", "won"]]);
      const advanced = await advance(id);
      expect(advanced.statusCode).toBe(400);
      expect(advanced.json.error).toMatch(/^stage:/);
    });

    it("loses by status alone: moves to the lost stage with lost_at and a close reason", async () => {
      const created = await post({ name: "Loser", stage: "proposal" });
      const id = created.json.data.opportunity_id;
      const response = await patch(id, { status: "lost", close_reason: "Went with a competitor" });
      expect(response.statusCode).toBe(200);
      expect(response.json.data).toMatchObject({
        stage: "lost",
        status: "lost",
        probability: 0,
        lost_at: expect.stringMatching(TIME),
        won_at: null,
        close_reason: "Went with a competitor",
      });
      const lost = (await events("opportunity.lost")).filter((e) => e.number === id);
      expect(lost).toHaveLength(1);
      expect(lost[0]).toMatchObject({ status: "lost", closeReason: "Went with a competitor" });

      const reopened = await patch(id, { status: "open" });
      expect(reopened.json.data).toMatchObject({
        stage: "discovery",
        status: "open",
        lost_at: null,
        won_at: null,
        close_reason: null,
      });
      const won = await patch(id, { status: "won" });
      expect(won.json.data).toMatchObject({
        stage: "won",
        status: "won",
        won_at: expect.stringMatching(TIME),
      });
    });

    it("creates a closed opportunity directly and emits its won event", async () => {
      const response = await post({ name: "Signed already", status: "won" });
      expect(response.json.data).toMatchObject({ stage: "won", status: "won", probability: 100 });
      const detail = await get(`/${response.json.data.opportunity_id}`);
      expect(detail.json.data.won_at).toMatch(TIME);
      expect(
        (await events("opportunity.won")).some((e) => e.number === response.json.data.opportunity_id),
      ).toBe(true);
    });

    it("updates partially with PUT and PATCH and records each change with from/to", async () => {
      const put = await call(kit, "PUT", `${base}/2`, {
        key: kit.secretKey,
        body: { value: 2000, probability: 40 },
      });
      expect(put.statusCode).toBe(200);
      expect(put.json.data).toMatchObject({
        name: "Bare deal",
        value: 2000,
        probability: 40,
        currency: "EUR",
      });
      const renamed = await patch(2, {
        name: "Renamed deal",
        expected_close_date: "2027-01-31",
        assigned_to: agent.number,
      });
      expect(renamed.json.data).toMatchObject({
        name: "Renamed deal",
        expected_close_date: "2027-01-31",
        assigned_to: agent.number,
        value: 2000,
      });
      const updates = (await events("opportunity.updated")).filter((e) => e.number === 2);
      expect(updates[0].changes).toEqual({
        valueMinor: { from: 123456, to: 200000 },
        probability: { from: 10, to: 40 },
      });
      expect(updates[1].changes).toMatchObject({
        name: { from: "Bare deal", to: "Renamed deal" },
        expectedCloseDate: { from: null, to: "2027-01-31" },
      });
      const unchanged = await patch(2, { name: "Renamed deal" });
      expect(unchanged.statusCode).toBe(200);
      expect((await events("opportunity.updated")).filter((e) => e.number === 2)).toHaveLength(2);
      const cleared = await patch(2, { expected_close_date: null, value: null });
      expect(cleared.json.data).toMatchObject({ expected_close_date: null, value: null });
    });

    it("filters the list by each filter and paginates", async () => {
      const all = await get("?per_page=100");
      expect(all.statusCode).toBe(200);
      const total = all.json.pagination.total;
      expect(total).toBe(all.json.data.length);
      const ids = (response: any) =>
        response.json.data.map((item: any) => item.opportunity_id).sort((a: number, b: number) => a - b);

      const byStage = await get("?stage=negotiation");
      expect(byStage.json.data.every((item: any) => item.stage === "negotiation")).toBe(true);
      expect(byStage.json.pagination.total).toBe(1);

      const won = await get("?status=won");
      expect(won.json.data.length).toBeGreaterThanOrEqual(2);
      expect(won.json.data.every((item: any) => item.status === "won")).toBe(true);
      const open = await get("?status=open");
      const lost = await get("?status=lost");
      expect(open.json.pagination.total + won.json.pagination.total + lost.json.pagination.total).toBe(total);
      expect((await get("?status=all")).json.pagination.total).toBe(total);

      expect(ids(await get(`?assigned_to=${agent.number}`))).toEqual([1, 2]);
      expect((await get("?assigned_to=999")).json.pagination.total).toBe(0);
      expect(ids(await get(`?prospect_id=${prospect.number}`))).toEqual([1]);
      expect((await get("?prospect_id=999")).json.data).toEqual([]);

      await post({ name: "Small", value: 99.99 });
      await post({ name: "Big", value: 75000 });
      const range = await get("?min_value=99.99&max_value=100");
      expect(range.json.data.map((item: any) => item.value).sort()).toEqual([100, 99.99]);
      expect((await get("?min_value=60000")).json.data.map((item: any) => item.name)).toEqual(["Big"]);
      expect((await get("?max_value=10")).json.data.every((item: any) => item.value <= 10)).toBe(true);

      const page = await get("?per_page=2&page=2");
      expect(page.json.pagination).toEqual({
        page: 2,
        per_page: 2,
        total: total + 2,
        total_pages: Math.ceil((total + 2) / 2),
      });
      expect(page.json.data).toHaveLength(2);
      // Newest first.
      const first = await get("?per_page=1");
      expect(first.json.data[0].name).toBe("Big");
      expect(Object.keys(first.json.data[0]).sort()).toEqual(
        [
          "opportunity_id",
          "uuid",
          "name",
          "prospect_id",
          "contact_id",
          "stage",
          "status",
          "value",
          "currency",
          "probability",
          "expected_close_date",
          "assigned_to",
          "custom_fields",
          "created_at",
          "updated_at",
        ].sort(),
      );
    });

    it.each([
      ["?per_page=101", "per_page"],
      ["?status=pending", "status"],
      ["?min_value=abc", "min_value"],
      ["?assigned_to=x", "assigned_to"],
    ])("rejects the list query %s naming %s", async (query, field) => {
      const response = await get(query);
      expect(response.statusCode).toBe(400);
      expect(response.json.error.startsWith(`${field}:`)).toBe(true);
    });

    it("deletes softly: 404 afterwards, out of the list, the search index, with an event", async () => {
      const created = await post({ name: "Doomed" });
      const id = created.json.data.opportunity_id;
      const before = (await get("")).json.pagination.total;
      const response = await call(kit, "DELETE", `${base}/${id}`, { key: kit.secretKey });
      expect(response.statusCode).toBe(200);
      expect(response.json).toEqual({ success: true, data: { opportunity_id: id, deleted: true } });
      expect((await get(`/${id}`)).statusCode).toBe(404);
      expect((await get("")).json.pagination.total).toBe(before - 1);
      expect((await call(kit, "DELETE", `${base}/${id}`, { key: kit.secretKey })).statusCode).toBe(404);
      expect((await events("opportunity.deleted")).map((e) => e.number)).toEqual([id]);
      const docs = await kit.core.db
        .selectFrom("search_documents")
        .select("id")
        .where("entity_type", "=", "opportunity")
        .where("title", "=", "Doomed")
        .execute();
      expect(docs).toEqual([]);
    });

    it("keeps workspaces apart: another workspace's opportunity is 404 and untouched", async () => {
      const theirs = await post({ name: "Their deal", value: 5 }, kit.other.secretKey);
      expect(theirs.json.data.opportunity_id).toBe(1);
      const mine = await get("/1");
      expect(mine.json.data.name).toBe("Acme Corp - Managed Services");
      // A number only the other workspace has: past every number this one handed out.
      const mineMax = Math.max(
        ...(await get("?per_page=100")).json.data.map((item: any) => item.opportunity_id),
      );
      let id = 1;
      while (id <= mineMax + 1) {
        id = (await post({ name: "Only theirs" }, kit.other.secretKey)).json.data.opportunity_id;
      }
      expect((await get(`/${id}`)).statusCode).toBe(404);
      expect((await patch(id, { name: "Hijacked" })).statusCode).toBe(404);
      expect((await advance(id)).statusCode).toBe(404);
      expect((await call(kit, "DELETE", `${base}/${id}`, { key: kit.secretKey })).statusCode).toBe(404);
      const still = await get(`/${id}`, kit.other.secretKey);
      expect(still.json.data).toMatchObject({ name: "Only theirs", stage: "discovery", status: "open" });
      const list = await get("?per_page=100", kit.other.secretKey);
      expect(new Set(list.json.data.map((item: any) => item.name))).toEqual(
        new Set(["Only theirs", "Their deal"]),
      );
      // A prospect of this workspace is unknown there.
      const foreign = await post({ name: "Cross", prospect_id: prospect.number + 100 }, kit.other.secretKey);
      expect(foreign.statusCode).toBe(400);
    });

    it("requires opportunities:read and opportunities:write", async () => {
      const others = ["leads:read", "leads:write", "contacts:read", "prospects:read", "prospects:write"];
      const noAccess = await kit.newKey(kit.scope, { type: "secret", scopes: others, rateLimit: 100000 });
      const readOnly = await kit.newKey(kit.scope, {
        type: "secret",
        scopes: ["opportunities:read"],
        rateLimit: 100000,
      });
      const routes: [string, string, unknown, "read" | "write"][] = [
        ["GET", base, undefined, "read"],
        ["GET", `${base}/1`, undefined, "read"],
        ["POST", base, { name: "Nope" }, "write"],
        ["PUT", `${base}/1`, { name: "Nope" }, "write"],
        ["PATCH", `${base}/1`, { name: "Nope" }, "write"],
        ["DELETE", `${base}/1`, undefined, "write"],
        ["POST", `${base}/1/advance`, undefined, "write"],
      ];
      for (const [method, url, body, need] of routes) {
        const denied = await call(kit, method as any, url, { key: noAccess, body });
        expect(denied.statusCode, `${method} ${url}`).toBe(403);
        expect(denied.json.code).toBe("FORBIDDEN");
        const withRead = await call(kit, method as any, url, { key: readOnly, body });
        expect(withRead.statusCode, `${method} ${url} with read`).toBe(need === "read" ? 200 : 403);
      }
      const still = await get("/1");
      expect(still.json.data.name).toBe("Acme Corp - Managed Services");
    });

    it("keeps filtered totals exact across creates, updates, advances and deletes", async () => {
      const lost = async () => (await get("?status=lost&per_page=1")).json.pagination.total;
      const before = await lost();
      const created = await post({ name: "Count me" });
      const id = created.json.data.opportunity_id;
      expect(await lost()).toBe(before);
      await patch(id, { status: "lost" });
      expect(await lost()).toBe(before + 1);
      await patch(id, { status: "open" });
      expect(await lost()).toBe(before);
      await patch(id, { status: "lost" });
      await call(kit, "DELETE", `${base}/${id}`, { key: kit.secretKey });
      expect(await lost()).toBe(before);
    });
  });
}
