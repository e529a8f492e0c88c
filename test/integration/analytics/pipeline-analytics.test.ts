/**
 * Pipeline analytics over a small hand-checked data set: every figure below is computed by hand in
 * the comments from the leads' paths, with a controlled clock so creation and move instants are
 * exact.
 *
 * The default pipeline's funnel steps: discovery(0) qualification(1) demo_scheduled(2) proposal(3)
 * negotiation(4) won(5); lost is no step. Day d means 2026-03-01T00:00:00Z + d days.
 *
 *   lead  created        value      path (day of each move)                                     now
 *   A     d0 discovery   1000 USD   →qualification d2 →proposal d5 →won d6                      won
 *   B     d1 discovery    500 EUR   →lost d4                                                    lost
 *   C     d1 qualification  none    →demo_scheduled d3 →won d4                                  won
 *   D     d2 won          200 USD   (none)                                                      won
 *   E     d3 discovery    300 USD   (none)                                                      discovery
 *   F     d2 proposal      50 USD   →negotiation d3 →proposal d5 →lost d7                       lost
 *   G     d0 discovery    100 USD   →won d1 →discovery d3 →won d5.25                            won
 *   I     d4 discovery      none    →qualification d6                                           qualification
 *   H     d1 discovery    999 USD   →won d2, deleted d3                                         (excluded)
 *   other workspace: one lead d0 discovery 77 USD →won d1                                       (excluded)
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PipelineAnalytics, pipelineAnalytics } from "../../../src/core/analytics/pipeline-analytics.js";
import type { Scope } from "../../../src/core/core.js";
import { createLead, deleteLead, updateLead } from "../../../src/core/leads/leads.service.js";
import { startTestKit, type TestKit } from "../../support/app.js";
import { ENGINES } from "../../support/engines.js";

const DAY = 86_400_000;
const START = Date.parse("2026-03-01T00:00:00.000Z");
const day = (d: number) => new Date(START + d * DAY).toISOString();
const KEYS = ["discovery", "qualification", "demo_scheduled", "proposal", "negotiation", "won", "lost"];

for (const engine of ENGINES) {
  describe(`Pipeline analytics (${engine})`, () => {
    let kit: TestKit;
    let current = new Date(START);
    const at = (d: number) => {
      current = new Date(START + d * DAY);
    };
    const ids: Record<string, string> = {};

    const create = (scope: Scope, name: string, stage: string, value?: number, currency?: string) =>
      createLead(kit.core, scope, {
        title: name,
        stage: { key: stage },
        ...(value === undefined ? {} : { value }),
        ...(currency === undefined ? {} : { currency }),
      }).then((lead) => {
        ids[name] = lead.id;
      });
    const move = (name: string, stage: string, scope: Scope = kit.scope) =>
      updateLead(kit.core, scope, { id: ids[name]! }, { stage: { key: stage } });

    beforeAll(async () => {
      kit = await startTestKit(engine, { clock: { now: () => current } });
      // In time order, so the clock only moves forward.
      at(0);
      await create(kit.scope, "A", "discovery", 1000);
      await create(kit.scope, "G", "discovery", 100);
      await create(kit.other.scope, "O", "discovery", 77);
      at(1);
      await create(kit.scope, "B", "discovery", 500, "EUR");
      await create(kit.scope, "C", "qualification");
      await create(kit.scope, "H", "discovery", 999);
      await move("G", "won");
      await move("O", "won", kit.other.scope);
      at(2);
      await create(kit.scope, "D", "won", 200);
      await create(kit.scope, "F", "proposal", 50);
      await move("A", "qualification");
      await move("H", "won");
      at(3);
      await create(kit.scope, "E", "discovery", 300);
      await move("C", "demo_scheduled");
      await move("F", "negotiation");
      await move("G", "discovery");
      await deleteLead(kit.core, kit.scope, { id: ids.H! });
      at(4);
      await create(kit.scope, "I", "discovery");
      await move("B", "lost");
      await move("C", "won");
      at(5);
      await move("A", "proposal");
      await move("F", "proposal");
      at(5.25);
      await move("G", "won");
      at(6);
      await move("A", "won");
      await move("I", "qualification");
      at(7);
      await move("F", "lost");
      at(8);
    });
    afterAll(async () => kit?.close());

    /** The stage figures as key → [count, value, averageDaysInStage]. */
    const byKey = (result: PipelineAnalytics) =>
      Object.fromEntries(
        result.stages.map((stage) => [stage.key, [stage.count, stage.value, stage.averageDaysInStage]]),
      );
    const conversionsOf = (result: PipelineAnalytics) =>
      result.conversions.map((c) => `${c.fromKey}>${c.toKey} ${c.reached} ${c.advanced} ${c.rate}`);

    it("reports every figure of the whole cohort", async () => {
      const result = await pipelineAnalytics(kit.core, kit.scope, {});
      const stages = Object.fromEntries(result.stages.map((stage) => [stage.key, stage]));
      expect(result.pipeline).toEqual({ id: expect.any(String), key: "sales", name: "Sales pipeline" });
      expect(result.range).toEqual({ from: null, to: null });
      expect(result.stages.map((stage) => stage.key)).toEqual(KEYS);
      expect(stages.won).toEqual({
        stageId: expect.any(String),
        key: "won",
        name: "Won",
        kind: "won",
        count: 4,
        value: { USD: 130000 },
        averageDaysInStage: 2,
      });
      expect(stages.lost!.kind).toBe("lost");
      expect(stages.discovery!.kind).toBe("open");

      // Now: discovery E (300 USD); qualification I (no value); won A 1000 + C none + D 200 + G 100
      // USD; lost B 500 EUR + F 50 USD.
      // Completed stays (each move ends the stay in its from stage):
      //   discovery: A 2 (d0→d2), B 3 (d1→d4), G 1 (d0→d1), G 2.25 (d3→d5.25), I 2 (d4→d6)
      //              = 10.25 / 5 = 2.05
      //   qualification: A 3 (d2→d5), C 2 (d1→d3) = 5 / 2 = 2.5
      //   demo_scheduled: C 1 (d3→d4) = 1
      //   proposal: A 1 (d5→d6), F 1 (d2→d3), F 2 (d5→d7) = 4 / 3 = 1.33
      //   negotiation: F 2 (d3→d5) = 2
      //   won: G 2 (d1→d3) = 2 (the other won leads never left)
      //   lost: no stay ever ended = null
      expect(byKey(result)).toEqual({
        discovery: [1, { USD: 30000 }, 2.05],
        qualification: [1, {}, 2.5],
        demo_scheduled: [0, {}, 1],
        proposal: [0, {}, 1.33],
        negotiation: [0, {}, 2],
        won: [4, { USD: 130000 }, 2],
        lost: [2, { EUR: 50000, USD: 5000 }, null],
      });
      expect(result.totals).toEqual({ leads: 8, value: { USD: 165000, EUR: 50000 } });

      // Furthest step ever stood in: A 5, B 0, C 5, D 5, E 0, F 4 (proposal, negotiation), G 5, I 1.
      // n0 = 8, n1 = 6 (A C D F G I), n2 = n3 = n4 = 5 (A C D F G), n5 = 4 (A C D G).
      expect(conversionsOf(result)).toEqual([
        "discovery>qualification 8 6 0.75",
        "qualification>demo_scheduled 6 5 0.8333",
        "demo_scheduled>proposal 5 5 1",
        "proposal>negotiation 5 5 1",
        "negotiation>won 5 4 0.8",
      ]);
      // The won step's id is the won stage's.
      expect(result.conversions[4]!.toStageId).toBe(stages.won!.stageId);
      expect(result.conversions[0]!.fromStageId).toBe(stages.discovery!.stageId);
      expect(result.conversions[0]!.toStageId).toBe(stages.qualification!.stageId);

      // Won 4 (A C D G), lost 2 (B F): 4 / 6.
      expect(result.winRate).toBe(0.6667);
      // Creation to last move into won: A 6, C 3 (d1→d4), D 0 (created won), G 5.25 (its last win)
      // = 14.25 / 4 = 3.5625.
      expect(result.dealVelocityDays).toBe(3.56);
    });

    it("keeps to the leads created in [from, to)", async () => {
      // [d1, d3): B C (d1, from included), D F (d2); not A G (d0), not E (d3, to excluded), not I.
      const result = await pipelineAnalytics(kit.core, kit.scope, {
        from: "2026-03-02T00:00:00Z",
        to: "2026-03-04T00:00:00.000Z",
      });
      expect(result.range).toEqual({ from: day(1), to: day(3) });
      // Stays: discovery B 3; qualification C 2; demo_scheduled C 1; proposal F 1, F 2 = 1.5;
      // negotiation F 2.
      expect(byKey(result)).toEqual({
        discovery: [0, {}, 3],
        qualification: [0, {}, 2],
        demo_scheduled: [0, {}, 1],
        proposal: [0, {}, 1.5],
        negotiation: [0, {}, 2],
        won: [2, { USD: 20000 }, null],
        lost: [2, { EUR: 50000, USD: 5000 }, null],
      });
      expect(result.totals).toEqual({ leads: 4, value: { USD: 25000, EUR: 50000 } });
      // Furthest: B 0, C 5, D 5, F 4: n = 4, 3, 3, 3, 3, 2.
      expect(conversionsOf(result)).toEqual([
        "discovery>qualification 4 3 0.75",
        "qualification>demo_scheduled 3 3 1",
        "demo_scheduled>proposal 3 3 1",
        "proposal>negotiation 3 3 1",
        "negotiation>won 3 2 0.6667",
      ]);
      expect(result.winRate).toBe(0.5); // C D won, B F lost
      expect(result.dealVelocityDays).toBe(1.5); // C 3, D 0

      // One bound only: before d1 is A and G (both won); from d4 is I alone (in qualification).
      const early = await pipelineAnalytics(kit.core, kit.scope, { to: day(1) });
      expect(early.range).toEqual({ from: null, to: day(1) });
      expect(early.totals).toEqual({ leads: 2, value: { USD: 110000 } });
      expect(early.winRate).toBe(1);
      expect(byKey(early).discovery).toEqual([0, {}, 1.75]); // A 2, G 1, G 2.25: 5.25 / 3
      const late = await pipelineAnalytics(kit.core, kit.scope, { from: day(4) });
      expect(late.totals).toEqual({ leads: 1, value: {} });
      expect(late.winRate).toBeNull();
      expect(late.dealVelocityDays).toBeNull();
      expect(conversionsOf(late)[0]).toBe("discovery>qualification 1 1 1");
      expect(conversionsOf(late)[1]).toBe("qualification>demo_scheduled 1 0 0");
    });

    it("counts partial days at either end of a range from the leads, whole days from the kept cohorts", async () => {
      // [d0.5, d3.5): the whole days d1 and d2 (B C D F, kept) plus E (created d3, a partial day);
      // nothing was created in [d0.5, d1).
      const result = await pipelineAnalytics(kit.core, kit.scope, {
        from: "2026-03-01T12:00:00Z",
        to: "2026-03-04T12:00:00Z",
      });
      expect(result.totals).toEqual({ leads: 5, value: { USD: 55000, EUR: 50000 } });
      // Discovery now: E (300 USD); completed discovery stays: B 3 (E never moved).
      expect(byKey(result).discovery).toEqual([1, { USD: 30000 }, 3]);
      expect(byKey(result).proposal).toEqual([0, {}, 1.5]);
      // Furthest: B 0, C 5, D 5, E 0, F 4.
      expect(conversionsOf(result)).toEqual([
        "discovery>qualification 5 3 0.6",
        "qualification>demo_scheduled 3 3 1",
        "demo_scheduled>proposal 3 3 1",
        "proposal>negotiation 3 3 1",
        "negotiation>won 3 2 0.6667",
      ]);
      expect(result.winRate).toBe(0.5);
      expect(result.dealVelocityDays).toBe(1.5);
      // Within one day: [d3 06:00, d3 18:00) holds no lead; [d2 00:00, d2 12:00) holds D and F.
      expect(
        (
          await pipelineAnalytics(kit.core, kit.scope, {
            from: "2026-03-04T06:00:00Z",
            to: "2026-03-04T18:00:00Z",
          })
        ).totals.leads,
      ).toBe(0);
      const d2 = await pipelineAnalytics(kit.core, kit.scope, { from: day(2), to: "2026-03-03T12:00:00Z" });
      expect(d2.totals).toEqual({ leads: 2, value: { USD: 25000 } });
      expect(d2.dealVelocityDays).toBe(0); // D was created won
    });

    it("leaves out deleted leads and other workspaces' leads", async () => {
      // H (999 USD, created d1 in discovery, won d2) is deleted. Counted, it would make won 5 leads
      // worth 229900 USD, the totals 9 leads, and the d1-d3 cohort's discovery stays (3 + 1) / 2 = 2.
      const result = await pipelineAnalytics(kit.core, kit.scope, {});
      expect(byKey(result).won).toEqual([4, { USD: 130000 }, 2]);
      expect(result.totals.leads).toBe(8);
      const ranged = await pipelineAnalytics(kit.core, kit.scope, { from: day(1), to: day(3) });
      expect(byKey(ranged).discovery).toEqual([0, {}, 3]);
      expect(ranged.totals.leads).toBe(4);
      // The other workspace sees its own lead only: discovery 1 day, then won.
      const other = await pipelineAnalytics(kit.core, kit.other.scope, {});
      expect(other.totals).toEqual({ leads: 1, value: { USD: 7700 } });
      expect(byKey(other).won).toEqual([1, { USD: 7700 }, null]);
      expect(byKey(other).discovery).toEqual([0, {}, 1]);
      expect(other.winRate).toBe(1);
      expect(other.dealVelocityDays).toBe(1);
      expect(conversionsOf(other)).toEqual([
        "discovery>qualification 1 1 1",
        "qualification>demo_scheduled 1 1 1",
        "demo_scheduled>proposal 1 1 1",
        "proposal>negotiation 1 1 1",
        "negotiation>won 1 1 1",
      ]);
    });

    it("rejects a range whose from is not before its to, or a malformed instant", async () => {
      for (const query of [
        { from: day(2), to: day(2) },
        { from: day(3), to: day(2) },
        { from: "yesterday" },
      ]) {
        await expect(pipelineAnalytics(kit.core, kit.scope, query)).rejects.toMatchObject({
          code: "VALIDATION",
          field: "from",
        });
      }
      await expect(pipelineAnalytics(kit.core, kit.scope, { to: "2026-13-45" })).rejects.toMatchObject({
        code: "VALIDATION",
        field: "to",
      });
    });

    it("gives zeros and nulls for a workspace without leads", async () => {
      const empty = await kit.newWorkspace("Empty");
      const result = await pipelineAnalytics(kit.core, empty.scope, {});
      expect(result.pipeline).toMatchObject({ key: "sales" });
      expect(byKey(result)).toEqual(Object.fromEntries(KEYS.map((key) => [key, [0, {}, null]])));
      expect(result.conversions).toHaveLength(5);
      for (const conversion of result.conversions) {
        expect(conversion).toMatchObject({ reached: 0, advanced: 0, rate: null });
      }
      expect(result.winRate).toBeNull();
      expect(result.dealVelocityDays).toBeNull();
      expect(result.totals).toEqual({ leads: 0, value: {} });
    });
  });
}
