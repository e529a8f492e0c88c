import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dashboardOf } from "../../../src/core/dashboard/dashboard.service.js";
import { call, startTestKit, type TestKit, VALETHON } from "../../support/app.js";
import { ENGINES } from "../../support/engines.js";

for (const engine of ENGINES) {
  describe(`Valethon dashboard (${engine})`, () => {
    let kit: TestKit;
    let current = new Date("2026-01-01T12:00:00Z");
    const at = (iso: string) => {
      current = new Date(iso);
    };
    beforeAll(async () => {
      kit = await startTestKit(engine, { clock: { now: () => current } });
    });
    afterAll(async () => {
      await kit.close();
    });

    const api = async (
      method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE",
      path: string,
      body?: unknown,
      key?: string,
    ) => {
      const response = await call(kit, method, `${VALETHON}${path}`, { key: key ?? kit.secretKey, body });
      expect(response.statusCode, `${method} ${path}: ${response.body}`).toBeLessThan(300);
      return response;
    };
    const opportunity = async (name: string, stage: string, value: number, key?: string) =>
      (await api("POST", "/opportunities", { name, stage, value }, key)).json.data.opportunity_id as number;
    const task = async (subject: string, dueDate: string | null, extra: Record<string, unknown> = {}) =>
      (await api("POST", "/activities", { type: "task", subject, due_date: dueDate, ...extra })).json.data
        .activity_id as number;

    it("adds up stages, the month's wins and losses, tasks and recent activities", async () => {
      at("2026-01-01T12:00:00Z");
      await api("POST", "/leads", { first_name: "Ada", email: "ada@example.com" });
      await api("POST", "/leads", { first_name: "Grace", email: "grace@example.com" });

      await opportunity("A", "discovery", 1000);
      await opportunity("B", "discovery", 500.25);
      await opportunity("C", "proposal", 2000);
      const euro = await opportunity("D", "negotiation", 300);
      await kit.core.db
        .updateTable("opportunities")
        .set({ currency: "EUR" })
        .where("workspace_id", "=", kit.scope.workspaceId)
        .where("seq", "=", euro)
        .execute();
      const deleted = await opportunity("deleted", "discovery", 99_999);
      await api("DELETE", `/opportunities/${deleted}`);
      // Another workspace's cards never count here.
      await opportunity("theirs", "discovery", 12_345, kit.other.secretKey);

      const wonAtMonthStart = await opportunity("E", "discovery", 700);
      const wonLastMonth = await opportunity("F", "discovery", 900);
      const lost = await opportunity("G", "discovery", 400);
      at("2026-02-28T23:59:59.999Z");
      await api("PATCH", `/opportunities/${wonLastMonth}`, { stage: "won" });
      at("2026-03-01T00:00:00.000Z");
      await api("PATCH", `/opportunities/${wonAtMonthStart}`, { stage: "won" });
      at("2026-03-10T08:00:00Z");
      await api("PATCH", `/opportunities/${lost}`, { stage: "lost" });

      // Tasks, judged at 2026-03-15T10:00Z: today is 2026-03-15 (UTC).
      at("2026-01-01T12:00:00Z");
      const dueAtStart = await task("due at today's start", "2026-03-15T00:00:00Z");
      await task("due at today's end", "2026-03-15T23:59:59Z");
      await task("overdue by a second", "2026-03-14T23:59:59Z");
      await task("due tomorrow", "2026-03-16T00:00:00Z");
      await task("done", "2026-03-01T00:00:00Z", { completed: true });
      await task("no due date", null);
      await api("POST", "/activities", {
        type: "call",
        subject: "a call, not a task",
        due_date: "2026-03-15T09:00:00Z",
      });
      const gone = await task("deleted", "2026-03-15T09:00:00Z");
      await api("DELETE", `/activities/${gone}`);

      // The last 7 days of 2026-03-15: the UTC days 2026-03-09 to 2026-03-15.
      at("2026-03-08T23:59:59.999Z");
      await api("POST", "/activities", { type: "note", subject: "just too old" });
      at("2026-03-09T00:00:00Z");
      await api("POST", "/activities", { type: "email", subject: "just in" });
      at("2026-03-15T09:00:00Z");
      await api("POST", "/activities", { type: "meeting", subject: "this morning" });

      at("2026-03-15T10:00:00Z");
      const response = await api("GET", "/dashboard");
      const data = response.json.data;
      expect(data.period).toEqual({
        now: "2026-03-15T10:00:00Z",
        month_start: "2026-03-01T00:00:00Z",
        today_start: "2026-03-15T00:00:00Z",
        week_start: "2026-03-09T00:00:00Z",
      });
      expect(data.leads).toEqual({ total: 2 });
      expect(data.pipeline).toMatchObject({ key: "sales", pipeline_id: expect.any(Number) });
      const stage = (key: string) => data.stages.find((candidate: { key: string }) => candidate.key === key);
      expect(data.stages.map((candidate: { key: string }) => candidate.key)).toEqual([
        "discovery",
        "qualification",
        "demo_scheduled",
        "proposal",
        "negotiation",
        "won",
        "lost",
      ]);
      expect(stage("discovery")).toMatchObject({
        count: 2,
        value: { USD: 1500.25 },
        probability: 10,
        kind: "open",
      });
      expect(stage("qualification")).toMatchObject({ count: 0, value: {} });
      expect(stage("proposal")).toMatchObject({ count: 1, value: { USD: 2000 } });
      expect(stage("negotiation")).toMatchObject({ count: 1, value: { EUR: 300 } });
      expect(stage("won")).toMatchObject({ count: 2, value: { USD: 1600 }, kind: "won" });
      expect(stage("lost")).toMatchObject({ count: 1, value: { USD: 400 } });
      expect(data.open_pipeline).toEqual({
        count: 4,
        value: { USD: 3500.25, EUR: 300 },
        // 1500.25 × 10% + 2000 × 60% = 1350.025, rounded to the cent; 300 × 80%.
        weighted_value: { USD: 1350.03, EUR: 240 },
      });
      expect(data.won_this_month).toEqual({ count: 1, value: { USD: 700 } });
      expect(data.lost_this_month).toEqual({ count: 1, value: { USD: 400 } });
      expect(data.tasks).toEqual({ due_today: 2, overdue: 1 });
      expect(data.activities_last_7_days).toBe(2);

      // Remembered figures give way to the next write at once.
      await api("PATCH", `/activities/${dueAtStart}`, { completed: true });
      const afterWrite = (await api("GET", "/dashboard")).json.data;
      expect(afterWrite.tasks).toEqual({ due_today: 1, overdue: 1 });
      expect(afterWrite.activities_last_7_days).toBe(2);

      // The last instant of February: F is this month's win, E (won at 1 March 00:00) is not yet.
      const february = await dashboardOf(kit.core, kit.scope, "opportunities", {
        now: new Date("2026-02-28T23:59:59.999Z"),
      });
      expect(february.wonThisMonth).toEqual({ count: 1, value: { USD: 90_000 } });
      expect(february.lostThisMonth).toEqual({ count: 0, value: {} });
      // A new month and a new day: nothing won yet; every task due up to 2026-03-16 is overdue.
      const april = await dashboardOf(kit.core, kit.scope, "opportunities", {
        now: new Date("2026-04-01T00:00:00Z"),
      });
      expect(april.wonThisMonth.count).toBe(0);
      expect(april.lostThisMonth.count).toBe(0);
      expect(april.tasks).toEqual({ dueToday: 0, overdue: 3 });
      const tomorrow = await dashboardOf(kit.core, kit.scope, "opportunities", {
        now: new Date("2026-03-16T00:00:00Z"),
      });
      expect(tomorrow.tasks).toEqual({ dueToday: 1, overdue: 2 });
      // 2026-03-16's week starts on 2026-03-10: the activity of 2026-03-09 has left it.
      expect(tomorrow.activitiesLast7Days).toBe(1);

      const theirs = await api("GET", "/dashboard", undefined, kit.other.secretKey);
      expect(theirs.json.data.leads.total).toBe(0);
      expect(theirs.json.data.stages[0]).toMatchObject({
        key: "discovery",
        count: 1,
        value: { USD: 12_345 },
      });
      expect(theirs.json.data.tasks).toEqual({ due_today: 0, overdue: 0 });
      expect(theirs.json.data.activities_last_7_days).toBe(0);
    });

    it("needs leads:read", async () => {
      const noLeads = await kit.newKey(kit.scope, { type: "secret", scopes: ["prospects:read"] });
      const leadsRead = await kit.newKey(kit.scope, { type: "secret", scopes: ["leads:read"] });
      expect((await call(kit, "GET", `${VALETHON}/dashboard`, { key: noLeads })).statusCode).toBe(403);
      expect((await call(kit, "GET", `${VALETHON}/dashboard`, { key: leadsRead })).statusCode).toBe(200);
      expect((await call(kit, "GET", `${VALETHON}/dashboard`, {})).statusCode).toBe(401);
    });
  });
}
