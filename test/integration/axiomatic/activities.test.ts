import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLead } from "../../../src/core/leads/leads.service.js";
import { createUser } from "../../../src/core/users/users.service.js";
import { startTestKit, type TestKit } from "../../support/app.js";
import { axiomatic } from "../../support/axiomatic.js";
import { ENGINES } from "../../support/engines.js";

const MISSING = "0190a7c4-0000-7000-8000-000000000000";
const DAY = 86_400_000;
const daysFromNow = (days: number) => new Date(Date.now() + days * DAY).toISOString();

for (const engine of ENGINES) {
  describe(`Axiomatic activities and tasks (${engine})`, () => {
    let kit: TestKit;
    let lead: string;
    let company: string;
    let contact: string;
    let olga: string;
    beforeAll(async () => {
      kit = await startTestKit(engine);
      lead = (await createLead(kit.core, kit.scope, { firstName: "Lea", email: "lea@example.com" })).id;
      company = (await api("POST", "/companies", { name: "Acme" })).json.id;
      contact = (await api("POST", "/contacts", { email: "ada@example.com" })).json.id;
      olga = (
        await createUser(kit.core, kit.scope, { username: "olga", name: "Olga", email: "olga@example.com" })
      ).id;
    });
    afterAll(async () => kit?.close());

    const api = (method: "GET" | "POST", path: string, body?: unknown) =>
      axiomatic(kit, method, path, { body });

    it("logs activities on a lead, a company or a contact, and lists them with filters", async () => {
      const call = await api("POST", "/activities", {
        type: "call",
        subject: "Intro call",
        description: "Went well",
        leadId: lead,
        durationMinutes: 15,
        completed: true,
      });
      expect(call.statusCode, call.body).toBe(201);
      expect(call.json).toEqual({
        id: expect.any(String),
        type: "call",
        subject: "Intro call",
        description: "Went well",
        leadId: lead,
        companyId: null,
        contactId: null,
        assigneeUserId: null,
        dueDate: null,
        durationMinutes: 15,
        startsAt: null,
        endsAt: null,
        completed: true,
        completedAt: expect.any(String),
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      const note = await api("POST", "/activities", {
        type: "note",
        subject: "Org chart",
        companyId: company,
      });
      expect(note.json).toMatchObject({ companyId: company, leadId: null, completed: false });
      const meeting = await api("POST", "/activities", {
        type: "meeting",
        subject: "Demo",
        contactId: contact,
        assigneeUserId: olga,
        startsAt: "2026-12-01T10:00:00Z",
        endsAt: "2026-12-01T11:00:00+00:00",
      });
      expect(meeting.json).toMatchObject({
        contactId: contact,
        assigneeUserId: olga,
        startsAt: "2026-12-01T10:00:00.000Z",
        endsAt: "2026-12-01T11:00:00.000Z",
      });

      const all = await api("GET", "/activities");
      expect(all.statusCode).toBe(200);
      expect(all.json).toMatchObject({ total: 3, page: 1, pageSize: 25 });
      expect(all.json.activities.map((a: any) => a.id)).toEqual([
        meeting.json.id,
        note.json.id,
        call.json.id,
      ]);
      const ids = async (query: string) =>
        (await api("GET", `/activities?${query}`)).json.activities.map((a: any) => a.id);
      expect(await ids(`leadId=${lead}`)).toEqual([call.json.id]);
      expect(await ids(`companyId=${company}`)).toEqual([note.json.id]);
      expect(await ids(`contactId=${contact}`)).toEqual([meeting.json.id]);
      expect(await ids(`assigneeUserId=${olga}`)).toEqual([meeting.json.id]);
      expect(await ids("type=note")).toEqual([note.json.id]);
      expect(await ids("completed=true")).toEqual([call.json.id]);
      expect(await ids(`leadId=${MISSING}`)).toEqual([]);
      const paged = await api("GET", "/activities?page=2&pageSize=2");
      expect(paged.json).toMatchObject({ total: 3, page: 2, pageSize: 2 });
      expect(paged.json.activities.map((a: any) => a.id)).toEqual([call.json.id]);
    });

    it("rejects bad activities and filters naming the field", async () => {
      const cases: [unknown, string][] = [
        [{ subject: "x" }, "type: is required"],
        [{ type: "fax", subject: "x" }, "type: must be one of call, email, meeting, task, note"],
        [{ type: "call" }, "subject: is required"],
        [
          { type: "call", subject: "x", leadId: lead, companyId: company },
          "companyId: give only one of leadId, companyId, contactId",
        ],
        [
          { type: "call", subject: "x", leadId: MISSING },
          "leadId: no live lead with this id in this workspace",
        ],
        [{ type: "call", subject: "x", contactId: "nope" }, "contactId: must match format uuid"],
        [
          { type: "task", subject: "x", assigneeUserId: MISSING },
          "assigneeUserId: no such user in this workspace",
        ],
        [
          { type: "task", subject: "x", dueDate: "tomorrow" },
          "dueDate: must be an ISO 8601 date-time such as 2026-03-10T14:30:00Z",
        ],
        [{ type: "call", subject: "x", startsAt: "2026-12-01T10:00:00Z" }, "startsAt: is only for meetings"],
        [{ type: "call", subject: "x", durationMinutes: -1 }, "durationMinutes: must be at least 0"],
      ];
      for (const [body, error] of cases) {
        const response = await api("POST", "/activities", body);
        expect({ body, status: response.statusCode, json: response.json }).toEqual({
          body,
          status: 400,
          json: { error },
        });
      }
      const filter = await api("GET", `/activities?leadId=${lead}&contactId=${contact}`);
      expect(filter.statusCode).toBe(400);
      expect(filter.json).toEqual({ error: "contactId: give only one of leadId, companyId, contactId" });
      expect((await api("GET", "/tasks?assigneeUserId=me")).json).toEqual({
        error: "assigneeUserId: must match format uuid",
      });
    });

    it("lists open tasks, overdue first, then by due date, undated last", async () => {
      const task = async (subject: string, extra: Record<string, unknown> = {}) =>
        (await api("POST", "/activities", { type: "task", subject, ...extra })).json.id as string;
      const later = await task("Later", { dueDate: daysFromNow(3) });
      const undated = await task("Someday");
      const overdue = await task("Overdue", { dueDate: daysFromNow(-2), leadId: lead });
      const soon = await task("Soon", { dueDate: daysFromNow(1), assigneeUserId: olga, leadId: lead });
      await task("Done", { dueDate: daysFromNow(-5), completed: true });
      await api("POST", "/activities", { type: "call", subject: "Not a task", dueDate: daysFromNow(-9) });

      const tasks = await api("GET", "/tasks");
      expect(tasks.statusCode).toBe(200);
      expect(tasks.json).toMatchObject({ total: 4, page: 1, pageSize: 25 });
      expect(tasks.json.tasks.map((t: any) => t.id)).toEqual([overdue, soon, later, undated]);
      const ids = async (query: string) =>
        (await api("GET", `/tasks?${query}`)).json.tasks.map((t: any) => t.id);
      expect(await ids(`assigneeUserId=${olga}`)).toEqual([soon]);
      expect(await ids(`leadId=${lead}`)).toEqual([overdue, soon]);
      expect(await ids("pageSize=1&page=2")).toEqual([soon]);
    });

    it("answers 404 for an unknown endpoint, 403 for another entity and for a key without the permission", async () => {
      const unknown = await api("GET", "/activities/nope/more");
      expect(unknown.statusCode).toBe(404);
      for (const [method, path] of [
        ["GET", "/activities"],
        ["POST", "/activities"],
        ["GET", "/tasks"],
      ] as const) {
        const mismatch = await axiomatic(kit, method, path, {
          entityId: kit.other.workspace.id,
          body: method === "POST" ? { type: "note", subject: "x" } : undefined,
        });
        expect(mismatch.statusCode).toBe(403);
        expect(mismatch.json).toEqual({ error: "entityId: does not match the API key's entity" });
      }
      const reader = await kit.newKey(kit.scope, {
        type: "secret",
        scopes: ["read:crm"],
        rateLimit: 100_000,
      });
      expect((await axiomatic(kit, "GET", "/tasks", { key: reader })).statusCode).toBe(200);
      const refused = await axiomatic(kit, "POST", "/activities", {
        key: reader,
        body: { type: "note", subject: "x" },
      });
      expect(refused.statusCode).toBe(403);
      expect(refused.json).toEqual({ error: "this key lacks the activities:write permission" });
      const leadsOnly = await kit.newKey(kit.scope, {
        type: "secret",
        scopes: ["leads:read"],
        rateLimit: 100_000,
      });
      expect((await axiomatic(kit, "GET", "/activities", { key: leadsOnly })).json).toEqual({
        error: "this key lacks the activities:read permission",
      });
    });

    it("never shows or links another workspace's records", async () => {
      const other = { key: kit.other.secretKey, entityId: kit.other.workspace.id };
      const theirs = await axiomatic(kit, "GET", "/activities", other);
      expect(theirs.json).toMatchObject({ activities: [], total: 0 });
      expect((await axiomatic(kit, "GET", "/tasks", other)).json).toMatchObject({ tasks: [], total: 0 });
      expect((await axiomatic(kit, "GET", `/activities?leadId=${lead}`, other)).json.total).toBe(0);
      const linked = await axiomatic(kit, "POST", "/activities", {
        ...other,
        body: { type: "note", subject: "x", companyId: company },
      });
      expect(linked.statusCode).toBe(400);
      expect(linked.json).toEqual({ error: "companyId: no live company with this id in this workspace" });
    });
  });
}
