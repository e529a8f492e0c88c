/**
 * The board's kept totals (lead_stage_totals) always equal a fresh count of the live leads, whatever
 * wrote them: Axiomatic and Valethon writes, stage moves, value and currency changes, deletes, a
 * deleted stage's leads moving, and the demo generator's bulk inserts.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateDemoData } from "../../../src/core/demo/demo-data.js";
import { readStageTotals } from "../../../src/core/leads/lead-stage-totals.js";
import { call, startTestKit, type TestKit, VALETHON } from "../../support/app.js";
import { axiomatic } from "../../support/axiomatic.js";
import { ENGINES } from "../../support/engines.js";

for (const engine of ENGINES) {
  describe(`Lead board totals (${engine})`, () => {
    let kit: TestKit;
    beforeAll(async () => {
      kit = await startTestKit(engine);
    });
    afterAll(async () => kit?.close());

    const api = (method: "GET" | "POST" | "PATCH" | "DELETE", path: string, body?: unknown) =>
      axiomatic(kit, method, path, { body });

    /** Kept totals and a fresh GROUP BY, both as sorted "stage currency count value" lines. */
    async function keptAndCounted(workspaceId = kit.workspace.id) {
      const kept = (await readStageTotals(kit.core.db, { workspaceId, actor: "test" }))
        .map((t) => `${t.stageId} ${t.currency ?? "-"} ${t.count} ${t.valueMinor}`)
        .sort();
      const rows = await sql<{ stage_id: string; currency: string | null; n: number; v: number }>`
        select stage_id, currency, count(*) as n, coalesce(sum(value_minor), 0) as v from leads
        where workspace_id = ${workspaceId} and deleted_at is null group by stage_id, currency`.execute(
        kit.core.db,
      );
      const counted = rows.rows
        .map((r) => `${r.stage_id} ${r.currency ?? "-"} ${Number(r.n)} ${Number(r.v)}`)
        .sort();
      return { kept, counted };
    }

    it("match a fresh count after every kind of write", async () => {
      const stages = Object.fromEntries(
        (await api("GET", "/pipeline-stages")).json.stages.map((s: { systemKey: string; id: string }) => [
          s.systemKey,
          s.id,
        ]),
      );
      const a = (await api("POST", "/leads", { title: "A", stageId: stages.proposal, value: 100 })).json;
      const b = (
        await api("POST", "/leads", { title: "B", stageId: stages.proposal, value: 50, currency: "EUR" })
      ).json;
      const c = (await api("POST", "/leads", { title: "C" })).json;
      await call(kit, "POST", `${VALETHON}/leads`, {
        key: kit.secretKey,
        body: { email: "form@example.com" },
      });
      let check = await keptAndCounted();
      expect(check.kept).toEqual(check.counted);
      expect(check.kept).toHaveLength(3);

      await api("PATCH", `/leads/${a.id}/stage`, { stage: "won" });
      await api("PATCH", `/leads/${b.id}`, { value: 75.5 });
      await api("PATCH", `/leads/${c.id}`, { value: 10, currency: "GBP" });
      await api("PATCH", `/leads/${b.id}`, { currency: "USD" });
      await api("DELETE", `/leads/${c.id}`);
      check = await keptAndCounted();
      expect(check.kept).toEqual(check.counted);

      // A stage deleted with its leads moving: they follow, and the old stage's rows go with it.
      const scratch = (await api("POST", "/pipeline-stages", { name: "Scratch" })).json;
      await api("PATCH", `/leads/${b.id}/stage`, { stageId: scratch.id });
      expect(
        (await api("DELETE", `/pipeline-stages/${scratch.id}`, { moveLeadsToStageId: stages.lost }))
          .statusCode,
      ).toBe(204);
      check = await keptAndCounted();
      expect(check.kept).toEqual(check.counted);
      const board = (await api("GET", "/pipeline-stages")).json.stages;
      const lost = board.find((s: { systemKey: string }) => s.systemKey === "lost");
      expect(lost.leadCount).toBe(1);
      const dashboard = (await api("GET", "/dashboard")).json;
      expect(dashboard.stages.find((s: { key: string }) => s.key === "lost")).toMatchObject({
        count: 1,
        value: { USD: 75.5 },
      });
    });

    it("match after the demo generator's bulk inserts", async () => {
      const { workspace, scope } = await kit.newWorkspace("Demo Totals");
      await generateDemoData(kit.core, scope, 60);
      const check = await keptAndCounted(workspace.id);
      expect(check.kept.length).toBeGreaterThan(1);
      expect(check.kept).toEqual(check.counted);
    });
  });
}
