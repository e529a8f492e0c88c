/**
 * The pipeline cohorts kept per creation day (src/core/leads/lead-cohorts.ts) always agree with
 * the leads and moves they summarise, whatever wrote them: creates, stage moves, value and currency
 * edits, deletes and restores, a deleted stage's leads moving, and the demo generator's bulk rows.
 * Checked two independent ways: the analytics from the kept rows equal the analytics computed from
 * the leads alone, and the kept rows equal what migration 12's backfill aggregates afresh.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pipelineAnalytics } from "../../../src/core/analytics/pipeline-analytics.js";
import type { Scope } from "../../../src/core/core.js";
import { generateDemoData } from "../../../src/core/demo/demo-data.js";
import { createLead, deleteLead, restoreLead, updateLead } from "../../../src/core/leads/leads.service.js";
import { addStage, deleteStage } from "../../../src/core/pipelines/pipelines.service.js";
import * as cohortsMigration from "../../../src/db/migrations/2026-11-24-12-pipeline-cohorts.js";
import { startTestKit, type TestKit } from "../../support/app.js";
import { ENGINES } from "../../support/engines.js";

const HOUR = 3_600_000;
const START = Date.parse("2026-05-01T09:30:00.000Z");

for (const engine of ENGINES) {
  describe(`Pipeline cohorts (${engine})`, () => {
    let kit: TestKit;
    let now = START;
    const later = (hours: number) => {
      now += hours * HOUR;
    };
    beforeAll(async () => {
      kit = await startTestKit(engine, { clock: { now: () => new Date(now) } });
    });
    afterAll(async () => kit?.close());

    /** Every kept row with something in it, as sorted text lines. */
    async function keptRows(): Promise<string[]> {
      const rows = await sql<Record<string, unknown>>`
        select 't' as k, workspace_id, period, stage_id as a, currency as b, lead_count as n, value_minor as v, stage_age_ms as ms
          from lead_cohort_totals where lead_count <> 0
        union all select 'p', workspace_id, period, stage_ids, '', lead_count, 0, 0
          from lead_cohort_paths where lead_count <> 0
        union all select 's', workspace_id, period, stage_id, '', stay_count, 0, stay_ms
          from lead_cohort_stays where stay_count <> 0`.execute(kit.core.db);
      return rows.rows.map((row) => Object.values(row).map(String).join(" ")).sort();
    }

    async function expectKeptToAgree(scope: Scope, ranges: { from?: string; to?: string }[]) {
      for (const range of ranges) {
        const kept = await pipelineAnalytics(kit.core, scope, range);
        const fresh = await pipelineAnalytics(kit.core, scope, range, { fromLeadsOnly: true });
        expect(kept, JSON.stringify(range)).toEqual(fresh);
      }
      const before = await keptRows();
      await cohortsMigration.down(kit.core.db as never);
      await cohortsMigration.up(kit.core.db as never);
      expect(await keptRows()).toEqual(before);
    }

    it("agree with the leads after every kind of write", async () => {
      const scope = kit.scope;
      const ids: string[] = [];
      for (let i = 0; i < 12; i++) {
        const stage = ["discovery", "qualification", "proposal", "won"][i % 4]!;
        const lead = await createLead(kit.core, scope, {
          title: `Lead ${i}`,
          stage: { key: stage },
          ...(i % 3 === 0 ? {} : { value: 10 * i, currency: i % 2 ? "USD" : "EUR" }),
        });
        ids.push(lead.id);
        later(7); // several leads a day, days crossed at odd hours
      }
      const move = (i: number, key: string) =>
        updateLead(kit.core, scope, { id: ids[i]! }, { stage: { key } });
      await move(0, "qualification");
      later(5);
      await move(0, "proposal");
      await move(1, "won");
      later(30);
      await move(0, "discovery"); // backwards: the path keeps the stages already reached
      await move(2, "lost");
      await move(5, "negotiation");
      later(2);
      await updateLead(kit.core, scope, { id: ids[4]! }, { value: 99 });
      await updateLead(kit.core, scope, { id: ids[5]! }, { currency: "GBP" });
      await updateLead(kit.core, scope, { id: ids[6]! }, { value: null });
      await deleteLead(kit.core, scope, { id: ids[1]! });
      await deleteLead(kit.core, scope, { id: ids[7]! });
      later(26);
      await restoreLead(kit.core, scope, ids[7]!);
      await move(7, "demo_scheduled");
      const day = (iso: number) => new Date(iso).toISOString();
      const ranges = [
        {},
        { from: day(START + 24 * HOUR) },
        { to: day(START + 40 * HOUR) },
        { from: "2026-05-02T00:00:00Z", to: "2026-05-03T00:00:00Z" },
        { from: day(START + 11 * HOUR), to: day(START + 61 * HOUR) },
      ];
      await expectKeptToAgree(scope, ranges);

      // A stage deleted while leads stand in it: they move (recorded), a deleted one follows silently.
      const pipeline = (
        await kit.core.db
          .selectFrom("pipelines")
          .select("id")
          .where("workspace_id", "=", scope.workspaceId)
          .executeTakeFirstOrThrow()
      ).id;
      const added = await addStage(kit.core, scope, { id: pipeline }, { name: "Scratch", kind: "open" });
      const stageId = added.stage.id;
      const discovery = added.pipeline.stages.find((stage) => stage.key === "discovery")!.id;
      later(3);
      await updateLead(kit.core, scope, { id: ids[3]! }, { stage: { id: stageId } });
      await updateLead(kit.core, scope, { id: ids[8]! }, { stage: { id: stageId } });
      await deleteLead(kit.core, scope, { id: ids[8]! });
      later(4);
      await deleteStage(kit.core, scope, { id: pipeline }, { id: stageId }, { id: discovery });
      await restoreLead(kit.core, scope, ids[8]!);
      await expectKeptToAgree(scope, ranges);
    });

    it("agree after the demo generator's bulk rows, moves included", async () => {
      const { scope } = await kit.newWorkspace("Demo Cohorts");
      await generateDemoData(kit.core, scope, 300);
      const moves = await kit.core.db
        .selectFrom("lead_stage_moves")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("workspace_id", "=", scope.workspaceId)
        .executeTakeFirstOrThrow();
      expect(Number(moves.n)).toBeGreaterThan(50);
      const whole = await pipelineAnalytics(kit.core, scope, {});
      expect(whole.totals.leads).toBe(300);
      expect(whole.dealVelocityDays).toBeGreaterThan(0);
      expect(whole.conversions[0]!.advanced).toBeGreaterThan(0);
      await expectKeptToAgree(scope, [{}, { from: new Date(Date.now() - 200 * 24 * HOUR).toISOString() }]);
    });
  });
}
