/**
 * GET /analytics/pipeline over HTTP, on a hand-checked board (days from a controlled clock):
 * A created day 0 in discovery, to qualification day 2, to won day 5 ;
 * B created day 1 in discovery, to lost day 4; C created day 3, still in discovery.
 * Steps: discovery, qualification, demo_scheduled, proposal, negotiation, won.
 * reached discovery 3, qualification 1 (A), demo_scheduled 1 (A, skipped past), …, won 1.
 * Stays completed: discovery A 2 d, B 3 d → 2.5; qualification A 3 d.
 * win rate 1/(1+1) = 0.5; velocity A 5 d.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestKit, type TestKit } from "../../support/app.js";
import { crmleadpro } from "../../support/crmleadpro.js";
import { ENGINES } from "../../support/engines.js";

const DAY = 86_400_000;
const START = Date.UTC(2026, 0, 5, 9);

for (const engine of ENGINES) {
  describe(`CRMLead Pro pipeline analytics (${engine})`, () => {
    let kit: TestKit;
    let current = new Date(START);
    const at = (day: number) => {
      current = new Date(START + day * DAY);
    };
    beforeAll(async () => {
      kit = await startTestKit(engine, { clock: { now: () => current } });
    });
    afterAll(async () => kit?.close());

    const api = (method: "GET" | "POST" | "PATCH", path: string, body?: unknown) =>
      crmleadpro(kit, method, path, { body });

    it("matches the hand-computed funnel, and the pipeline/range parameters", async () => {
      at(0);
      const a = (await api("POST", "/leads", { name: "A", email: "a@example.com" })).json;
      at(1);
      const b = (await api("POST", "/leads", { name: "B", email: "b@example.com" })).json;
      at(2);
      await api("PATCH", `/leads/${a.id}`, { pipeline_stage: "qualification" });
      at(3);
      await api("POST", "/leads", { name: "C", email: "c@example.com" });
      at(4);
      await api("PATCH", `/leads/${b.id}`, { pipeline_stage: "lost" });
      at(5);
      await api("PATCH", `/leads/${a.id}`, { pipeline_stage: "won" });

      const response = await api("GET", "/analytics/pipeline?pipeline=sales");
      expect(response.statusCode, response.body).toBe(200);
      const figures = response.json;
      expect(figures.totals.leads).toBe(3);
      const stage = (key: string) => figures.stages.find((s: { stage: string }) => s.stage === key);
      expect(stage("discovery")).toMatchObject({ count: 1, average_days_in_stage: 2.5 });
      expect(stage("qualification")).toMatchObject({ count: 0, average_days_in_stage: 3 });
      expect(stage("won")).toMatchObject({ count: 1 });
      expect(stage("lost")).toMatchObject({ count: 1 });
      expect(figures.conversions[0]).toEqual({
        from_stage: "discovery",
        to_stage: "qualification",
        reached: 3,
        advanced: 1,
        conversion_rate: 0.3333,
      });
      expect(figures.conversions.at(-1)).toMatchObject({
        from_stage: "negotiation",
        to_stage: "won",
        reached: 1,
        advanced: 1,
        conversion_rate: 1,
      });
      expect(figures.win_rate).toBe(0.5);
      expect(figures.deal_velocity_days).toBe(5);

      const ranged = await api("GET", `/analytics/pipeline?from=${new Date(START + DAY).toISOString()}`);
      expect(ranged.json.totals.leads).toBe(2);
      const wrong = await api("GET", "/analytics/pipeline?pipeline=other");
      expect(wrong.statusCode).toBe(400);
      expect(wrong.json.error.field).toBe("pipeline");
      const backwards = await api(
        "GET",
        `/analytics/pipeline?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z`,
      );
      expect(backwards.statusCode).toBe(400);
      expect(backwards.json.error.field).toBe("from");
    });
  });
}
