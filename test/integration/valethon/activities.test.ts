import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Scope } from "../../../src/core/core.js";
import { allocateNumber } from "../../../src/core/counters.js";
import { newId } from "../../../src/core/ids.js";
import type { Permission } from "../../../src/core/keys/permissions.js";
import { SECRET_PERMISSIONS } from "../../../src/core/keys/permissions.js";
import { createUser } from "../../../src/core/users/users.service.js";
import { call, startTestKit, type TestKit, VALETHON } from "../../support/app.js";
import { ENGINES } from "../../support/engines.js";

const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

/**
 * Contacts, companies and opportunities are written straight to their tables here, so these tests
 * do not depend on those services.
 */
async function insertRecord(
  kit: TestKit,
  scope: Scope,
  type: "contact" | "company" | "opportunity",
): Promise<{ id: string; number: number }> {
  const at = new Date().toISOString();
  return kit.core.db.transaction().execute(async (trx) => {
    const id = newId();
    const base = { id, workspace_id: scope.workspaceId, created_at: at, updated_at: at };
    if (type === "contact") {
      const seq = await allocateNumber(trx, scope.workspaceId, "contacts");
      await trx
        .insertInto("contacts")
        .values({ ...base, seq, first_name: "Carl", last_name: "Contact" })
        .execute();
      return { id, number: seq };
    }
    if (type === "company") {
      const seq = await allocateNumber(trx, scope.workspaceId, "companies");
      await trx
        .insertInto("companies")
        .values({
          ...base,
          seq,
          name: "Prospect Co",
          name_normalized: "prospect co",
          relationship: "prospect",
          status: "active",
        })
        .execute();
      return { id, number: seq };
    }
    const pipelineId = newId();
    await trx
      .insertInto("pipelines")
      .values({
        id: pipelineId,
        workspace_id: scope.workspaceId,
        seq: await allocateNumber(trx, scope.workspaceId, "pipelines"),
        key: `test-${pipelineId}`,
        name: "Test pipeline",
        is_default: 0,
        created_at: at,
        updated_at: at,
      })
      .execute();
    const stageId = newId();
    await trx
      .insertInto("pipeline_stages")
      .values({
        id: stageId,
        workspace_id: scope.workspaceId,
        pipeline_id: pipelineId,
        seq: await allocateNumber(trx, scope.workspaceId, "pipeline_stages"),
        key: "discovery",
        name: "Discovery",
        kind: "open",
        position: 1,
        probability: 10,
        created_at: at,
        updated_at: at,
      })
      .execute();
    const seq = await allocateNumber(trx, scope.workspaceId, "opportunities");
    await trx
      .insertInto("opportunities")
      .values({
        ...base,
        seq,
        name: "Big deal",
        pipeline_id: pipelineId,
        stage_id: stageId,
        currency: "USD",
        status: "open",
      })
      .execute();
    return { id, number: seq };
  });
}

for (const engine of ENGINES) {
  describe(`Valethon activities on ${engine}`, () => {
    let kit: TestKit;
    const activities = `${VALETHON}/activities`;
    let lead: number;
    let otherLead: number;
    let contact: { id: string; number: number };
    let company: { id: string; number: number };
    let opportunity: { id: string; number: number };
    let agent: { number: number };
    const post = (body: unknown, key = kit.secretKey) => call(kit, "POST", activities, { key, body });
    const get = (path: string, key = kit.secretKey) => call(kit, "GET", path, { key });
    const total = async () => (await get(`${activities}?per_page=1`)).json.pagination.total as number;

    beforeAll(async () => {
      kit = await startTestKit(engine);
      const created = await call(kit, "POST", `${VALETHON}/leads`, {
        key: kit.secretKey,
        body: { email: "lead@activities.test", first_name: "Lena" },
      });
      lead = created.json.data.lead_id;
      otherLead = (
        await call(kit, "POST", `${VALETHON}/leads`, {
          key: kit.secretKey,
          body: { email: "other@activities.test" },
        })
      ).json.data.lead_id;
      contact = await insertRecord(kit, kit.scope, "contact");
      company = await insertRecord(kit, kit.scope, "company");
      opportunity = await insertRecord(kit, kit.scope, "opportunity");
      agent = await createUser(kit.core, kit.scope, {
        username: "agent",
        name: "Agent Smith",
        email: "agent@acme.test",
      });
    });
    afterAll(async () => kit?.close());

    it("creates an activity on a lead and answers exactly the documented 201 body", async () => {
      const response = await post({
        type: "call",
        subject: "Discovery call",
        description: "Talked about pricing",
        entity_type: "lead",
        entity_id: lead,
        assigned_to: agent.number,
        due_date: "2026-03-10T16:30:00+02:00",
        duration_minutes: 30,
      });
      expect(response.statusCode).toBe(201);
      expect(Object.keys(response.json)).toEqual(["success", "data"]);
      expect(response.json).toEqual({
        success: true,
        data: {
          activity_id: 1,
          uuid: expect.stringMatching(/^[0-9a-f-]{36}$/),
          type: "call",
          subject: "Discovery call",
          description: "Talked about pricing",
          entity_type: "lead",
          entity_id: lead,
          assigned_to: agent.number,
          due_date: "2026-03-10T14:30:00Z",
          duration_minutes: 30,
          starts_at: null,
          ends_at: null,
          completed: false,
          completed_at: null,
          created_at: expect.stringMatching(TIME),
          updated_at: expect.stringMatching(TIME),
        },
      });
      const again = await get(`${activities}/1`);
      expect(again.statusCode).toBe(200);
      expect(again.json).toEqual(response.json);
    });

    it("links activities to contacts, prospects and opportunities, or to nothing", async () => {
      for (const [entityType, record] of [
        ["contact", contact],
        ["prospect", company],
        ["opportunity", opportunity],
      ] as const) {
        const response = await post({
          type: "email",
          subject: `Mail to ${entityType}`,
          entity_type: entityType,
          entity_id: record.number,
        });
        expect(response.statusCode).toBe(201);
        expect(response.json.data).toMatchObject({ entity_type: entityType, entity_id: record.number });
        const row = await kit.core.db
          .selectFrom("activities")
          .select(["entity_type", "entity_id"])
          .where("workspace_id", "=", kit.workspace.id)
          .where("seq", "=", response.json.data.activity_id)
          .executeTakeFirstOrThrow();
        expect(row).toEqual({
          entity_type: entityType === "prospect" ? "company" : entityType,
          entity_id: record.id,
        });
      }
      const free = await post({ type: "task", subject: "Plan the quarter" });
      expect(free.statusCode).toBe(201);
      expect(free.json.data).toMatchObject({
        entity_type: null,
        entity_id: null,
        assigned_to: null,
        due_date: null,
        description: null,
        duration_minutes: null,
      });
    });

    it("stores a meeting's start and end, and an activity logged as done", async () => {
      const meeting = await post({
        type: "meeting",
        subject: "Demo",
        entity_type: "lead",
        entity_id: lead,
        starts_at: "2026-04-01T09:00:00Z",
        ends_at: "2026-04-01T10:00:00Z",
      });
      expect(meeting.statusCode).toBe(201);
      expect(meeting.json.data).toMatchObject({
        starts_at: "2026-04-01T09:00:00Z",
        ends_at: "2026-04-01T10:00:00Z",
      });
      const done = await post({ type: "call", subject: "Logged call", completed: true });
      expect(done.json.data.completed).toBe(true);
      expect(done.json.data.completed_at).toMatch(TIME);
      const events = await kit.core.db
        .selectFrom("events")
        .select("type")
        .where("workspace_id", "=", kit.workspace.id)
        .where("entity_type", "=", "activity")
        .orderBy("position", "desc")
        .limit(2)
        .execute();
      expect(events.map((event) => event.type)).toEqual(["activity.completed", "activity.created"]);
    });

    it.each([
      [{ subject: "No type" }, "type"],
      [{ type: "fax", subject: "x" }, "type"],
      [{ type: "call" }, "subject"],
      [{ type: "call", subject: "   " }, "subject"],
      [{ type: "call", subject: "x".repeat(201) }, "subject"],
      [{ type: "call", subject: 5 }, "subject"],
      [{ type: "call", subject: "x", entity_type: "lead" }, "entity_id"],
      [{ type: "call", subject: "x", entity_id: 1 }, "entity_type"],
      [{ type: "call", subject: "x", entity_type: "company", entity_id: 1 }, "entity_type"],
      [{ type: "call", subject: "x", entity_type: "lead", entity_id: 99_999 }, "entity_id"],
      [{ type: "call", subject: "x", entity_type: "prospect", entity_id: 99_999 }, "entity_id"],
      [{ type: "call", subject: "x", entity_type: "lead", entity_id: "one" }, "entity_id"],
      [{ type: "call", subject: "x", assigned_to: 999 }, "assigned_to"],
      [{ type: "call", subject: "x", due_date: "tomorrow" }, "due_date"],
      [{ type: "call", subject: "x", due_date: "2026-03-10" }, "due_date"],
      [{ type: "call", subject: "x", duration_minutes: 10_081 }, "duration_minutes"],
      [{ type: "call", subject: "x", duration_minutes: -1 }, "duration_minutes"],
      [{ type: "call", subject: "x", duration_minutes: 1.5 }, "duration_minutes"],
      [{ type: "call", subject: "x", completed: "yes" }, "completed"],
      [{ type: "call", subject: "x", starts_at: "2026-04-01T09:00:00Z" }, "starts_at"],
      [
        { type: "meeting", subject: "x", starts_at: "2026-04-01T10:00:00Z", ends_at: "2026-04-01T09:00:00Z" },
        "ends_at",
      ],
    ])("rejects %j naming %s, and writes nothing", async (body, field) => {
      const before = await total();
      const response = await post(body);
      expect(response.statusCode).toBe(400);
      expect(response.json).toMatchObject({ success: false, code: "VALIDATION_ERROR" });
      expect(response.json.error.startsWith(`${field}:`)).toBe(true);
      expect(await total()).toBe(before);
    });

    it("refuses a deleted record and another workspace's record as the activity's entity", async () => {
      const gone = await call(kit, "POST", `${VALETHON}/leads`, {
        key: kit.secretKey,
        body: { email: "gone@activities.test" },
      });
      const goneNumber = gone.json.data.lead_id;
      await call(kit, "DELETE", `${VALETHON}/leads/${goneNumber}`, { key: kit.secretKey });
      const deleted = await post({ type: "call", subject: "x", entity_type: "lead", entity_id: goneNumber });
      expect(deleted.statusCode).toBe(400);
      expect(deleted.json.error).toMatch(/^entity_id:/);

      // The other workspace's second contact: a number this workspace has not handed out.
      await insertRecord(kit, kit.other.scope, "contact");
      const foreign = await insertRecord(kit, kit.other.scope, "contact");
      const mine = await kit.core.db
        .selectFrom("contacts")
        .select("seq")
        .where("workspace_id", "=", kit.workspace.id)
        .where("seq", "=", foreign.number)
        .executeTakeFirst();
      expect(mine).toBeUndefined();
      const crossed = await post({
        type: "call",
        subject: "x",
        entity_type: "contact",
        entity_id: foreign.number,
      });
      expect(crossed.statusCode).toBe(400);
      expect(crossed.json.error).toMatch(/^entity_id:/);
    });

    it("ignores unknown body fields instead of writing them", async () => {
      const response = await post({ type: "note", subject: "Mass", activity_id: 999, workspace_id: "x" });
      expect(response.statusCode).toBe(201);
      expect(response.json.data.activity_id).not.toBe(999);
    });

    it("updates partially: completes, reopens, reschedules and reassigns, with events", async () => {
      const created = await post({
        type: "task",
        subject: "Send quote",
        entity_type: "lead",
        entity_id: lead,
      });
      const path = `${activities}/${created.json.data.activity_id}`;
      const done = await call(kit, "PATCH", path, { key: kit.secretKey, body: { completed: true } });
      expect(done.statusCode).toBe(200);
      expect(done.json.data).toMatchObject({ completed: true, subject: "Send quote", entity_id: lead });
      expect(done.json.data.completed_at).toMatch(TIME);

      const reopened = await call(kit, "PUT", path, { key: kit.secretKey, body: { completed: false } });
      expect(reopened.json.data).toMatchObject({ completed: false, completed_at: null });

      const moved = await call(kit, "PUT", path, {
        key: kit.secretKey,
        body: { due_date: "2026-05-01T12:00:00Z", assigned_to: agent.number, duration_minutes: 45 },
      });
      expect(moved.statusCode).toBe(200);
      expect(moved.json.data).toMatchObject({
        due_date: "2026-05-01T12:00:00Z",
        assigned_to: agent.number,
        duration_minutes: 45,
        type: "task",
        subject: "Send quote",
      });
      const cleared = await call(kit, "PATCH", path, {
        key: kit.secretKey,
        body: { assigned_to: null, due_date: null },
      });
      expect(cleared.json.data).toMatchObject({ assigned_to: null, due_date: null, duration_minutes: 45 });

      const bad = await call(kit, "PATCH", path, { key: kit.secretKey, body: { due_date: "soon" } });
      expect(bad.statusCode).toBe(400);
      expect(bad.json.error).toMatch(/^due_date:/);
      const badEntity = await call(kit, "PATCH", path, {
        key: kit.secretKey,
        body: { entity_type: "contact" },
      });
      expect(badEntity.statusCode).toBe(400);
      expect(badEntity.json.error).toMatch(/^entity_id:/);

      const events = await kit.core.db
        .selectFrom("events")
        .select(["type", "data"])
        .where("workspace_id", "=", kit.workspace.id)
        .where("entity_type", "=", "activity")
        .orderBy("position", "desc")
        .limit(5)
        .execute();
      expect(events.map((event) => event.type).reverse()).toEqual([
        "activity.updated",
        "activity.completed",
        "activity.updated",
        "activity.updated",
        "activity.updated",
      ]);
      expect(JSON.parse(events[4]!.data).changes.completed).toEqual({ from: false, to: true });
      expect(JSON.parse(events[2]!.data).changes.completed).toEqual({ from: true, to: false });
    });

    it("filters by type, record, assignee and completion, and paginates", async () => {
      const ws = await kit.newWorkspace("Filter Tenant");
      const key = ws.secretKey;
      const leadNumber = (
        await call(kit, "POST", `${VALETHON}/leads`, { key, body: { email: "f@filters.test" } })
      ).json.data.lead_id;
      const contactRecord = await insertRecord(kit, ws.scope, "contact");
      const user = await createUser(kit.core, ws.scope, {
        username: "fil",
        name: "Fil",
        email: "fil@f.test",
      });
      const make = (body: Record<string, unknown>) => post({ subject: "s", ...body }, key);
      await make({ type: "call", entity_type: "lead", entity_id: leadNumber, completed: true });
      await make({ type: "email", entity_type: "lead", entity_id: leadNumber, assigned_to: user.number });
      await make({ type: "call", entity_type: "contact", entity_id: contactRecord.number });
      await make({ type: "meeting" });
      const list = async (query: string) => {
        const response = await get(`${activities}?${query}`, key);
        expect(response.statusCode).toBe(200);
        return response.json;
      };
      const all = await list("");
      expect(all.data.map((a: any) => a.activity_id)).toEqual([4, 3, 2, 1]);
      expect(all.pagination).toEqual({ page: 1, per_page: 25, total: 4, total_pages: 1 });
      expect((await list("type=call")).data.map((a: any) => a.activity_id)).toEqual([3, 1]);
      expect((await list("entity_type=lead")).data.map((a: any) => a.activity_id)).toEqual([2, 1]);
      expect((await list(`entity_type=lead&entity_id=${leadNumber}`)).pagination.total).toBe(2);
      expect((await list("entity_type=contact")).data.map((a: any) => a.activity_id)).toEqual([3]);
      expect((await list("entity_type=lead&entity_id=999")).data).toEqual([]);
      expect((await list(`assigned_to=${user.number}`)).data.map((a: any) => a.activity_id)).toEqual([2]);
      expect((await list("assigned_to=999")).pagination.total).toBe(0);
      expect((await list("completed=true")).data.map((a: any) => a.activity_id)).toEqual([1]);
      expect((await list("completed=false")).data.map((a: any) => a.activity_id)).toEqual([4, 3, 2]);
      expect((await list("type=call&completed=false")).data.map((a: any) => a.activity_id)).toEqual([3]);
      const paged = await list("per_page=3&page=2");
      expect(paged.data.map((a: any) => a.activity_id)).toEqual([1]);
      expect(paged.pagination).toEqual({ page: 2, per_page: 3, total: 4, total_pages: 2 });
      expect((await list("page=9")).data).toEqual([]);
    });

    it.each([
      ["entity_id=1", "entity_id"],
      ["entity_type=company", "entity_type"],
      ["type=fax", "type"],
      ["per_page=101", "per_page"],
      ["page=0", "page"],
      ["completed=maybe", "completed"],
      ["assigned_to=x", "assigned_to"],
    ])("rejects the query %s naming %s", async (query, field) => {
      const response = await get(`${activities}?${query}`);
      expect(response.statusCode).toBe(400);
      expect(response.json.code).toBe("VALIDATION_ERROR");
      expect(response.json.error.startsWith(`${field}:`)).toBe(true);
    });

    it("rejects malformed ids and answers 404 for unknown ones", async () => {
      const malformed = await get(`${activities}/abc`);
      expect(malformed.statusCode).toBe(400);
      expect(malformed.json.error).toMatch(/^id:/);
      for (const method of ["GET", "PATCH", "PUT", "DELETE"] as const) {
        const response = await call(kit, method, `${activities}/99999`, {
          key: kit.secretKey,
          ...(method === "GET" || method === "DELETE" ? {} : { body: { subject: "x" } }),
        });
        expect(response.statusCode).toBe(404);
        expect(response.json).toMatchObject({ success: false, code: "NOT_FOUND" });
      }
    });

    it("deletes softly: gone from every read, counted out of the total, event recorded", async () => {
      const created = await post({ type: "call", subject: "Doomed", entity_type: "lead", entity_id: lead });
      const number = created.json.data.activity_id;
      const before = await total();
      const deleted = await call(kit, "DELETE", `${activities}/${number}`, { key: kit.secretKey });
      expect(deleted.statusCode).toBe(200);
      expect(deleted.json).toEqual({ success: true, data: { activity_id: number, deleted: true } });
      expect((await get(`${activities}/${number}`)).statusCode).toBe(404);
      expect(
        (
          await call(kit, "PATCH", `${activities}/${number}`, {
            key: kit.secretKey,
            body: { completed: true },
          })
        ).statusCode,
      ).toBe(404);
      expect((await call(kit, "DELETE", `${activities}/${number}`, { key: kit.secretKey })).statusCode).toBe(
        404,
      );
      expect(await total()).toBe(before - 1);
      const history = await get(`${VALETHON}/leads/${lead}/activities?per_page=100`);
      expect(history.json.data.map((a: any) => a.activity_id)).not.toContain(number);
      const row = await kit.core.db
        .selectFrom("activities")
        .select("deleted_at")
        .where("workspace_id", "=", kit.workspace.id)
        .where("seq", "=", number)
        .executeTakeFirstOrThrow();
      expect(row.deleted_at).not.toBeNull();
      const event = await kit.core.db
        .selectFrom("events")
        .select("type")
        .where("workspace_id", "=", kit.workspace.id)
        .where("entity_type", "=", "activity")
        .orderBy("position", "desc")
        .executeTakeFirstOrThrow();
      expect(event.type).toBe("activity.deleted");
    });

    it("keeps workspaces apart: another workspace's activity is 404 and stays untouched", async () => {
      const created = await post({ type: "call", subject: "Private", entity_type: "lead", entity_id: lead });
      const number = created.json.data.activity_id;
      const foreign = kit.other.secretKey;
      expect((await get(`${activities}/${number}`, foreign)).statusCode).toBe(404);
      const patched = await call(kit, "PATCH", `${activities}/${number}`, {
        key: foreign,
        body: { subject: "Hijacked", completed: true },
      });
      expect(patched.statusCode).toBe(404);
      expect((await call(kit, "DELETE", `${activities}/${number}`, { key: foreign })).statusCode).toBe(404);
      const list = await get(`${activities}?per_page=100`, foreign);
      expect(list.json.data.map((a: any) => a.subject)).not.toContain("Private");
      expect((await get(`${VALETHON}/leads/${lead}/activities`, foreign)).statusCode).toBe(404);
      const after = await get(`${activities}/${number}`);
      expect(after.json).toEqual(created.json);
    });

    describe("a lead's activities (L3, L7, L8)", () => {
      it("logs an activity through the lead (L7) and lists the lead's history (L8)", async () => {
        const logged = await call(kit, "POST", `${VALETHON}/leads/${otherLead}/activities`, {
          key: kit.secretKey,
          body: { type: "meeting", subject: "Intro", entity_type: "contact", entity_id: contact.number },
        });
        expect(logged.statusCode).toBe(201);
        expect(logged.json.data).toMatchObject({
          type: "meeting",
          subject: "Intro",
          entity_type: "lead",
          entity_id: otherLead,
          completed: false,
        });
        const second = await call(kit, "POST", `${VALETHON}/leads/${otherLead}/activities`, {
          key: kit.secretKey,
          body: { type: "call", subject: "Follow-up", duration_minutes: 15 },
        });
        expect(second.statusCode).toBe(201);
        const history = await get(`${VALETHON}/leads/${otherLead}/activities`);
        expect(history.statusCode).toBe(200);
        expect(history.json.data.map((a: any) => a.subject)).toEqual(["Follow-up", "Intro"]);
        expect(history.json.data[0]).toEqual(second.json.data);
        expect(history.json.pagination).toEqual({ page: 1, per_page: 25, total: 2, total_pages: 1 });
        const paged = await get(`${VALETHON}/leads/${otherLead}/activities?per_page=1&page=2`);
        expect(paged.json.data.map((a: any) => a.subject)).toEqual(["Intro"]);
        expect(paged.json.pagination).toEqual({ page: 2, per_page: 1, total: 2, total_pages: 2 });
      });

      it("validates L7 bodies naming the field and answers 404 for an unknown lead", async () => {
        const missing = await call(kit, "POST", `${VALETHON}/leads/${otherLead}/activities`, {
          key: kit.secretKey,
          body: { type: "call" },
        });
        expect(missing.statusCode).toBe(400);
        expect(missing.json.error).toMatch(/^subject:/);
        const unknown = await call(kit, "POST", `${VALETHON}/leads/99999/activities`, {
          key: kit.secretKey,
          body: { type: "call", subject: "x" },
        });
        expect(unknown.statusCode).toBe(404);
        expect(unknown.json).toMatchObject({ success: false, code: "NOT_FOUND" });
        const unknownList = await get(`${VALETHON}/leads/99999/activities`);
        expect(unknownList.statusCode).toBe(404);
        const badPage = await get(`${VALETHON}/leads/${otherLead}/activities?per_page=500`);
        expect(badPage.statusCode).toBe(400);
        expect(badPage.json.error).toMatch(/^per_page:/);
      });

      it("shows the latest 20 activities and the conversion links in the lead's details (L3)", async () => {
        const fresh = (
          await call(kit, "POST", `${VALETHON}/leads`, { key: kit.secretKey, body: { email: "l3@x.test" } })
        ).json.data.lead_id;
        const empty = await get(`${VALETHON}/leads/${fresh}`);
        expect(empty.json.data).toMatchObject({
          lead_id: fresh,
          email: "l3@x.test",
          form_type: null,
          raw_payload: null,
          contact_id: null,
          prospect_id: null,
          opportunity_id: null,
          activities: [],
        });
        for (let index = 1; index <= 22; index++) {
          await call(kit, "POST", `${VALETHON}/leads/${fresh}/activities`, {
            key: kit.secretKey,
            body: { type: "note", subject: `Step ${index}` },
          });
        }
        await kit.core.db
          .updateTable("leads")
          .set({
            converted_contact_id: contact.id,
            converted_company_id: company.id,
            converted_opportunity_id: opportunity.id,
          })
          .where("workspace_id", "=", kit.workspace.id)
          .where("seq", "=", fresh)
          .execute();
        const details = await get(`${VALETHON}/leads/${fresh}`);
        expect(details.statusCode).toBe(200);
        expect(details.json.data).toMatchObject({
          contact_id: contact.number,
          prospect_id: company.number,
          opportunity_id: opportunity.number,
        });
        const shown = details.json.data.activities;
        expect(shown).toHaveLength(20);
        expect(shown[0].subject).toBe("Step 22");
        expect(shown[19].subject).toBe("Step 3");
        expect(shown[0]).toMatchObject({ type: "note", entity_type: "lead", entity_id: fresh });

        const leadsOnly = await kit.newKey(kit.scope, {
          type: "secret",
          scopes: ["leads:read"],
          rateLimit: 100_000,
        });
        const limited = await get(`${VALETHON}/leads/${fresh}`, leadsOnly);
        expect(limited.statusCode).toBe(200);
        expect(limited.json.data.activities).toBeUndefined();
        expect(limited.json.data.contact_id).toBe(contact.number);
      });
    });

    describe("permissions", () => {
      const routes: {
        method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
        path: () => string;
        permission: Permission;
        body?: unknown;
      }[] = [
        { method: "GET", path: () => activities, permission: "activities:read" },
        { method: "GET", path: () => `${activities}/1`, permission: "activities:read" },
        {
          method: "POST",
          path: () => activities,
          permission: "activities:write",
          body: { type: "call", subject: "p" },
        },
        {
          method: "PUT",
          path: () => `${activities}/1`,
          permission: "activities:write",
          body: { subject: "p" },
        },
        {
          method: "PATCH",
          path: () => `${activities}/1`,
          permission: "activities:write",
          body: { subject: "p" },
        },
        { method: "DELETE", path: () => `${activities}/99998`, permission: "activities:write" },
        { method: "GET", path: () => `${VALETHON}/leads/${lead}/activities`, permission: "activities:read" },
        {
          method: "POST",
          path: () => `${VALETHON}/leads/${lead}/activities`,
          permission: "activities:write",
          body: { type: "call", subject: "p" },
        },
      ];

      it.each(routes)("$method $permission: 403 without the permission, allowed with it", async (route) => {
        const others = SECRET_PERMISSIONS.filter((permission) => permission !== route.permission);
        const lacking = await kit.newKey(kit.scope, { type: "secret", scopes: others, rateLimit: 100_000 });
        const only = await kit.newKey(kit.scope, {
          type: "secret",
          scopes: [route.permission],
          rateLimit: 100_000,
        });
        const before = await total();
        const refused = await call(kit, route.method, route.path(), { key: lacking, body: route.body });
        expect(refused.statusCode).toBe(403);
        expect(refused.json).toMatchObject({ success: false, code: "FORBIDDEN" });
        expect(refused.json.error).toContain(route.permission);
        expect(await total()).toBe(before);
        const allowed = await call(kit, route.method, route.path(), { key: only, body: route.body });
        expect([200, 201, 404]).toContain(allowed.statusCode);
        if (route.method !== "DELETE") expect(allowed.statusCode).not.toBe(404);
      });
    });
  });
}
