import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLead } from "../../../src/core/leads/leads.service.js";
import { createNote } from "../../../src/core/notes/notes.service.js";
import { createUser } from "../../../src/core/users/users.service.js";
import { startTestKit, type TestKit } from "../../support/app.js";
import { axiomatic } from "../../support/axiomatic.js";
import { ENGINES } from "../../support/engines.js";

const MISSING = "0190a7c4-0000-7000-8000-000000000000";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

for (const engine of ENGINES) {
  describe(`Axiomatic leads (${engine})`, () => {
    let kit: TestKit;
    let company: string;
    let contact: string;
    let olga: string;
    let stages: Record<string, string>;
    beforeAll(async () => {
      kit = await startTestKit(engine);
      company = (await api("POST", "/companies", { name: "Acme" })).json.id;
      contact = (await api("POST", "/contacts", { firstName: "Ada", email: "ada@example.com" })).json.id;
      olga = (
        await createUser(kit.core, kit.scope, { username: "olga", name: "Olga", email: "olga@example.com" })
      ).id;
      const board = await api("GET", "/pipeline-stages");
      stages = Object.fromEntries(
        board.json.stages.map((stage: { systemKey: string; id: string }) => [stage.systemKey, stage.id]),
      );
    });
    afterAll(async () => kit?.close());

    const api = (method: "GET" | "POST" | "PATCH" | "DELETE", path: string, body?: unknown) =>
      axiomatic(kit, method, path, { body });

    it("creates a card in the first open stage, with its company, contact, owner and value", async () => {
      const created = await api("POST", "/leads", {
        title: "Acme renewal",
        companyId: company,
        contactId: contact,
        ownerUserId: olga,
        value: 1234.5,
        source: "referral",
      });
      expect(created.statusCode, created.body).toBe(201);
      expect(created.json).toEqual({
        id: expect.stringMatching(UUID),
        title: "Acme renewal",
        stageId: stages.discovery,
        stage: { id: stages.discovery, name: "Discovery", kind: "open", systemKey: "discovery" },
        companyId: company,
        contactId: contact,
        ownerUserId: olga,
        value: 1234.5,
        currency: "USD",
        firstName: null,
        lastName: null,
        email: null,
        phone: null,
        companyName: null,
        status: "new",
        source: "referral",
        stageChangedAt: created.json.createdAt,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      const read = await api("GET", `/leads/${created.json.id}`);
      expect(read.statusCode).toBe(200);
      expect(read.json).toEqual(created.json);
    });

    it("creates in a stage named by id, name or legacy system key", async () => {
      const byId = await api("POST", "/leads", { title: "By id", stageId: stages.proposal });
      const byName = await api("POST", "/leads", { title: "By name", stage: "Demo scheduled" });
      const byKey = await api("POST", "/leads", { title: "By key", stage: "negotiation" });
      expect([byId, byName, byKey].map((r) => r.statusCode)).toEqual([201, 201, 201]);
      expect(byId.json.stage.systemKey).toBe("proposal");
      expect(byName.json.stage.systemKey).toBe("demo_scheduled");
      expect(byKey.json.stage.systemKey).toBe("negotiation");
    });

    it("refuses bad input with a clear error naming the field, and writes nothing", async () => {
      const before = (await api("GET", "/leads")).json.total;
      const cases: [unknown, RegExp][] = [
        [{}, /^title: /],
        [{ title: "" }, /^title: /],
        [{ title: "x".repeat(201) }, /^title: /],
        [{ title: "Bad stage", stageId: MISSING }, /^stageId: is not a stage of the lead pipeline/],
        [{ title: "Bad stage name", stage: "Nowhere" }, /^stageId: /],
        [{ title: "Both", stageId: stages.won, stage: "won" }, /^stageId: give stageId or stage, not both/],
        [{ title: "Bad company", companyId: MISSING }, /^companyId: no live company/],
        [{ title: "Bad contact", contactId: MISSING }, /^contactId: no live contact/],
        [{ title: "Bad owner", ownerUserId: MISSING }, /^ownerUserId: /],
        [{ title: "Cents", value: 1.234 }, /^value: must have at most 2 decimal places/],
        [{ title: "Negative", value: -1 }, /^value: /],
        [{ title: "Money", value: 1, currency: "US1" }, /^currency: /],
        [{ title: "Mail", email: "not-an-email" }, /^email: /],
      ];
      for (const [body, message] of cases) {
        const response = await api("POST", "/leads", body);
        expect(response.statusCode, JSON.stringify(body)).toBe(400);
        expect(response.json.error, JSON.stringify(body)).toMatch(message);
      }
      // Another workspace's company is not reachable.
      const theirs = await axiomatic(kit, "POST", "/companies", {
        key: kit.other.secretKey,
        entityId: kit.other.workspace.id,
        body: { name: "Theirs" },
      });
      const foreign = await api("POST", "/leads", { title: "Foreign", companyId: theirs.json.id });
      expect(foreign.statusCode).toBe(400);
      expect(foreign.json.error).toMatch(/^companyId: /);
      expect((await api("GET", "/leads")).json.total).toBe(before);
    });

    it("lists newest first with the documented filters and pages", async () => {
      const scope = await axiomatic(kit, "POST", "/companies", { body: { name: "Filterco" } });
      const mine = scope.json.id;
      const a = (await api("POST", "/leads", { title: "Filter A", companyId: mine, stage: "proposal" })).json;
      const b = (await api("POST", "/leads", { title: "Filter B", companyId: mine, ownerUserId: olga })).json;
      const c = (await api("POST", "/leads", { title: "Filter C", companyId: mine, contactId: contact }))
        .json;
      const titles = (path: string) =>
        api("GET", path).then((r) => {
          expect(r.statusCode, r.body).toBe(200);
          return r.json.leads.map((lead: { title: string }) => lead.title);
        });
      expect(await titles(`/leads?companyId=${mine}`)).toEqual(["Filter C", "Filter B", "Filter A"]);
      expect(await titles(`/leads?companyId=${mine}&stageId=${stages.proposal}`)).toEqual(["Filter A"]);
      expect(await titles(`/leads?companyId=${mine}&stage=Proposal`)).toEqual(["Filter A"]);
      expect(await titles(`/leads?companyId=${mine}&stage=proposal`)).toEqual(["Filter A"]);
      expect(await titles(`/leads?companyId=${mine}&stage=nowhere`)).toEqual([]);
      expect(await titles(`/leads?companyId=${mine}&ownerUserId=${olga}`)).toEqual(["Filter B"]);
      expect(await titles(`/leads?companyId=${mine}&ownerUserId=unassigned`)).toEqual([
        "Filter C",
        "Filter A",
      ]);
      expect(await titles(`/leads?companyId=${mine}&ownerUserId=me`)).toEqual([]);
      expect(await titles(`/leads?contactId=${contact}&companyId=${mine}`)).toEqual(["Filter C"]);
      expect(await titles("/leads?q=Filter%20B")).toEqual(["Filter B"]);
      const page = await api("GET", `/leads?companyId=${mine}&page=2&pageSize=2`);
      expect(page.json).toMatchObject({ total: 3, page: 2, pageSize: 2 });
      expect(page.json.leads.map((lead: { id: string }) => lead.id)).toEqual([a.id]);
      expect((await api("GET", `/leads?companyId=${mine}&limit=1`)).json.leads[0].id).toBe(c.id);
      expect(b.ownerUserId).toBe(olga);
      const bad = await api("GET", "/leads?ownerUserId=someone");
      expect(bad.statusCode).toBe(400);
      expect(bad.json.error).toMatch(/^ownerUserId: /);
      expect((await api("GET", "/leads?pageSize=101")).statusCode).toBe(400);
    });

    it("updates partially, moves stages with PATCH …/stage, and records each move", async () => {
      const lead = (await api("POST", "/leads", { title: "Mover", value: 10 })).json;
      const patched = await api("PATCH", `/leads/${lead.id}`, {
        title: "Mover 2",
        value: null,
        companyId: company,
      });
      expect(patched.statusCode, patched.body).toBe(200);
      expect(patched.json).toMatchObject({
        title: "Mover 2",
        value: null,
        companyId: company,
        stageId: stages.discovery,
      });
      const unchanged = await api("PATCH", `/leads/${lead.id}`, {});
      expect(unchanged.statusCode).toBe(200);
      expect(unchanged.json).toEqual(patched.json);

      const moved = await api("PATCH", `/leads/${lead.id}/stage`, { stageId: stages.proposal });
      expect(moved.statusCode, moved.body).toBe(200);
      expect(moved.json.stage).toMatchObject({ systemKey: "proposal", kind: "open" });
      expect(moved.json.stageChangedAt >= lead.stageChangedAt).toBe(true);
      const won = await api("PATCH", `/leads/${lead.id}/stage`, { stage: "Won" });
      expect(won.json.stage).toMatchObject({ systemKey: "won", kind: "won" });
      // Naming no stage moves nothing; naming the current one records nothing.
      expect((await api("PATCH", `/leads/${lead.id}/stage`, {})).json.stageId).toBe(stages.won);
      await api("PATCH", `/leads/${lead.id}/stage`, { stageId: stages.won });

      const bad = await api("PATCH", `/leads/${lead.id}/stage`, { stageId: MISSING });
      expect(bad.statusCode).toBe(400);
      expect(bad.json.error).toMatch(/^stageId: /);
      expect((await api("PATCH", `/leads/${MISSING}/stage`, { stageId: stages.won })).statusCode).toBe(404);

      const timeline = await api("GET", `/leads/${lead.id}/timeline`);
      const moves = timeline.json.items.filter((item: { type: string }) => item.type === "stage_changed");
      expect(moves).toEqual([
        {
          type: "stage_changed",
          at: expect.any(String),
          fromStage: { id: stages.discovery, name: "Discovery" },
          toStage: { id: stages.proposal, name: "Proposal" },
        },
        {
          type: "stage_changed",
          at: expect.any(String),
          fromStage: { id: stages.proposal, name: "Proposal" },
          toStage: { id: stages.won, name: "Won" },
        },
      ]);
    });

    it("logs activities on a lead and shows everything on its timeline, oldest first", async () => {
      const lead = (await api("POST", "/leads", { title: "Timeline", email: "tl@example.com" })).json;
      const call = await api("POST", `/leads/${lead.id}/activities`, { type: "call", subject: "Intro call" });
      expect(call.statusCode, call.body).toBe(201);
      expect(call.json).toMatchObject({
        type: "call",
        subject: "Intro call",
        leadId: lead.id,
        completed: false,
      });
      await api("PATCH", `/leads/${lead.id}/stage`, { stage: "qualification" });
      await createNote(kit.core, kit.scope, {
        entity: { entityType: "lead", id: lead.id },
        content: "Budget ok",
      });

      const missing = await api("POST", `/leads/${lead.id}/activities`, { type: "call" });
      expect(missing.statusCode).toBe(400);
      expect(missing.json.error).toMatch(/subject/);
      expect(
        (await api("POST", `/leads/${MISSING}/activities`, { type: "call", subject: "x" })).statusCode,
      ).toBe(404);

      const timeline = await api("GET", `/leads/${lead.id}/timeline`);
      expect(timeline.statusCode, timeline.body).toBe(200);
      expect(timeline.json.leadId).toBe(lead.id);
      const items = timeline.json.items;
      expect(items.map((item: { type: string }) => item.type)).toEqual([
        "created",
        "activity",
        "stage_changed",
        "note",
      ]);
      expect(items[0]).toEqual({
        type: "created",
        at: lead.createdAt,
        title: "Timeline",
        stageId: stages.discovery,
      });
      expect(items[1]).toMatchObject({
        activityId: call.json.id,
        activityType: "call",
        subject: "Intro call",
      });
      expect(items[3]).toMatchObject({ content: "Budget ok", isPinned: false });
      const times = items.map((item: { at: string }) => item.at);
      expect([...times].sort()).toEqual(times);
      expect(
        (await api("GET", `/leads/${lead.id}/timeline?limit=2`)).json.items.map((i: any) => i.type),
      ).toEqual(["stage_changed", "note"]);
      expect((await api("GET", `/leads/${MISSING}/timeline`)).statusCode).toBe(404);
    });

    it("shows a lead from another dialect with a title made from its name", async () => {
      const formLead = await createLead(kit.core, kit.scope, {
        firstName: "Grace",
        lastName: "Hopper",
        email: "gh@example.com",
      });
      const read = await api("GET", `/leads/${formLead.id}`);
      expect(read.json).toMatchObject({
        title: "Grace Hopper",
        firstName: "Grace",
        email: "gh@example.com",
        stageId: stages.discovery,
        value: null,
        currency: null,
      });
    });

    it("deletes: 204, then 404 everywhere, and out of the list", async () => {
      const lead = (await api("POST", "/leads", { title: "Doomed" })).json;
      const deleted = await api("DELETE", `/leads/${lead.id}`);
      expect(deleted.statusCode).toBe(204);
      expect(deleted.body).toBe("");
      for (const [method, path] of [
        ["GET", `/leads/${lead.id}`],
        ["PATCH", `/leads/${lead.id}`],
        ["DELETE", `/leads/${lead.id}`],
        ["GET", `/leads/${lead.id}/timeline`],
      ] as const) {
        const response = await api(method, path, method === "PATCH" ? { title: "x" } : undefined);
        expect(response.statusCode, `${method} ${path}`).toBe(404);
        expect(response.json).toEqual({ error: "lead not found" });
      }
      expect((await api("GET", "/leads?q=Doomed")).json.total).toBe(0);
    });

    it("keeps leads to their workspace and their scopes", async () => {
      const lead = (await api("POST", "/leads", { title: "Private" })).json;
      const other = { key: kit.other.secretKey, entityId: kit.other.workspace.id };
      expect((await axiomatic(kit, "GET", `/leads/${lead.id}`, other)).statusCode).toBe(404);
      expect(
        (await axiomatic(kit, "PATCH", `/leads/${lead.id}/stage`, { ...other, body: { stage: "won" } }))
          .statusCode,
      ).toBe(404);
      expect((await axiomatic(kit, "GET", "/leads", other)).json.total).toBe(0);
      const mismatch = await axiomatic(kit, "GET", "/leads", { entityId: kit.other.workspace.id });
      expect(mismatch.statusCode).toBe(403);
      const reader = await kit.newKey(kit.scope, {
        type: "secret",
        scopes: ["read:crm"],
        rateLimit: 100_000,
      });
      expect((await axiomatic(kit, "GET", `/leads/${lead.id}`, { key: reader })).statusCode).toBe(200);
      const write = await axiomatic(kit, "POST", "/leads", { key: reader, body: { title: "No" } });
      expect(write.statusCode).toBe(403);
      expect(write.json.error).toMatch(/permission/);
    });
  });
}
