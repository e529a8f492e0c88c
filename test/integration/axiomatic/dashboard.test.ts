import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLead } from "../../../src/core/leads/leads.service.js";
import { createOpportunity } from "../../../src/core/opportunities/opportunities.service.js";
import { startTestKit, type TestKit } from "../../support/app.js";
import { axiomatic } from "../../support/axiomatic.js";
import { ENGINES } from "../../support/engines.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

for (const engine of ENGINES) {
  describe(`Axiomatic dashboard (${engine})`, () => {
    let kit: TestKit;
    beforeAll(async () => {
      kit = await startTestKit(engine);
    });
    afterAll(async () => kit?.close());

    it("counts the lead board per stage, in camelCase, with UUIDs and major units", async () => {
      // A form lead (no value) lands in the first open stage; cards carry values.
      await createLead(kit.core, kit.scope, { firstName: "Lea", email: "lea@example.com" });
      await createLead(kit.core, kit.scope, { title: "Big deal", stage: { key: "proposal" }, value: 2000.5 });
      await createLead(kit.core, kit.scope, { title: "Small deal", stage: { key: "discovery" }, value: 100 });
      await createLead(kit.core, kit.scope, { title: "Signed", stage: { key: "won" }, value: 50 });
      // Opportunities are Valethon's cards: not on this board.
      await createOpportunity(kit.core, kit.scope, { name: "Other deal", stage: "proposal", value: 7 });
      const overdue = new Date(Date.now() - 2 * 86_400_000).toISOString();
      const task = await axiomatic(kit, "POST", "/activities", {
        body: { type: "task", subject: "Call back", dueDate: overdue },
      });
      expect(task.statusCode).toBe(201);

      const response = await axiomatic(kit, "GET", "/dashboard");
      expect(response.statusCode, response.body).toBe(200);
      const dashboard = response.json;
      expect(Object.keys(dashboard)).toEqual([
        "period",
        "leads",
        "pipeline",
        "stages",
        "openPipeline",
        "wonThisMonth",
        "lostThisMonth",
        "tasks",
        "activitiesLast7Days",
      ]);
      expect(dashboard.period).toEqual({
        now: expect.stringMatching(TIME),
        monthStart: expect.stringMatching(TIME),
        todayStart: expect.stringMatching(TIME),
        weekStart: expect.stringMatching(TIME),
      });
      expect(dashboard.leads).toEqual({ total: 4 });
      expect(dashboard.pipeline).toEqual({
        id: expect.stringMatching(UUID),
        key: "sales",
        name: expect.any(String),
      });
      const proposal = dashboard.stages.find((stage: { key: string }) => stage.key === "proposal");
      expect(proposal).toEqual({
        id: expect.stringMatching(UUID),
        key: "proposal",
        name: expect.any(String),
        kind: "open",
        probability: expect.any(Number),
        count: 1,
        value: { USD: 2000.5 },
      });
      const discovery = dashboard.stages.find((stage: { key: string }) => stage.key === "discovery");
      expect(discovery).toMatchObject({ count: 2, value: { USD: 100 } });
      // 2000.50 × 60 % + 100 × 10 %
      expect(dashboard.openPipeline).toEqual({
        count: 3,
        value: { USD: 2100.5 },
        weightedValue: { USD: 1210.3 },
      });
      expect(dashboard.wonThisMonth).toEqual({ count: 1, value: { USD: 50 } });
      expect(dashboard.lostThisMonth).toEqual({ count: 0, value: {} });
      expect(dashboard.tasks).toEqual({ dueToday: 0, overdue: 1 });
      expect(dashboard.activitiesLast7Days).toBe(1);
    });

    it("shows another workspace nothing of this one", async () => {
      const theirs = await axiomatic(kit, "GET", "/dashboard", {
        key: kit.other.secretKey,
        entityId: kit.other.workspace.id,
      });
      expect(theirs.statusCode).toBe(200);
      expect(theirs.json).toMatchObject({
        leads: { total: 0 },
        openPipeline: { count: 0, value: {} },
        tasks: { dueToday: 0, overdue: 0 },
        activitiesLast7Days: 0,
      });
    });

    it("refuses another entity, a missing entity and a key without leads:read", async () => {
      const mismatch = await axiomatic(kit, "GET", "/dashboard", { entityId: kit.other.workspace.id });
      expect(mismatch.statusCode).toBe(403);
      expect(mismatch.json).toEqual({ error: "entityId: does not match the API key's entity" });
      const missing = await axiomatic(kit, "GET", "/dashboard", { entityId: null });
      expect(missing.statusCode).toBe(400);
      expect(missing.json.error).toMatch(/^entityId: is required/);
      const contactsOnly = await kit.newKey(kit.scope, {
        type: "secret",
        scopes: ["contacts:read"],
        rateLimit: 100_000,
      });
      const refused = await axiomatic(kit, "GET", "/dashboard", { key: contactsOnly });
      expect(refused.statusCode).toBe(403);
      expect(refused.json).toEqual({ error: "this key lacks the leads:read permission" });
      expect((await axiomatic(kit, "GET", "/dashboard/extra")).statusCode).toBe(404);
    });
  });
}
