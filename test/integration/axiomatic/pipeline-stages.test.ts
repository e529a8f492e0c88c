import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLead } from "../../../src/core/leads/leads.service.js";
import { createOpportunity } from "../../../src/core/opportunities/opportunities.service.js";
import { call, startTestKit, type TestKit, VALETHON } from "../../support/app.js";
import { axiomatic } from "../../support/axiomatic.js";
import { ENGINES } from "../../support/engines.js";

const MISSING = "0190a7c4-0000-7000-8000-000000000000";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const STAGE_KEYS = [
  "id",
  "name",
  "kind",
  "sortOrder",
  "defaultProbabilityPct",
  "colorKey",
  "systemKey",
  "leadCount",
];

interface StageBody {
  id: string;
  name: string;
  kind: string;
  sortOrder: number;
  defaultProbabilityPct: number;
  colorKey: string | null;
  systemKey: string;
  leadCount: number;
}

type Method = "GET" | "POST" | "PATCH" | "DELETE";

for (const engine of ENGINES) {
  describe(`Axiomatic pipeline stages (${engine})`, () => {
    let kit: TestKit;
    beforeAll(async () => {
      kit = await startTestKit(engine);
    });
    afterAll(async () => kit?.close());

    /** A fresh workspace (with its own default pipeline), so each test starts from the seven stages. */
    const fresh = async (name: string) => {
      const scoped: TestKit = { ...kit, ...(await kit.newWorkspace(name)) };
      const api = (method: Method, path: string, body?: unknown) => axiomatic(scoped, method, path, { body });
      const list = async (): Promise<StageBody[]> => {
        const response = await api("GET", "/pipeline-stages");
        expect(response.statusCode, response.body).toBe(200);
        return response.json.stages;
      };
      const ids = async () =>
        Object.fromEntries((await list()).map((stage) => [stage.systemKey, stage.id])) as Record<
          string,
          string
        >;
      return { scoped, api, list, ids };
    };

    it("lists the seven default stages in board order, each with exactly the documented fields", async () => {
      const { api } = await fresh("Listing");
      const response = await api("GET", "/pipeline-stages");
      expect(response.statusCode).toBe(200);
      expect(Object.keys(response.json)).toEqual(["stages"]);
      const stages: StageBody[] = response.json.stages;
      for (const stage of stages) {
        expect(Object.keys(stage)).toEqual(STAGE_KEYS);
        expect(stage.id).toMatch(UUID);
        expect(typeof stage.colorKey).toBe("string");
        expect(stage.leadCount).toBe(0);
      }
      expect(stages.map((s) => [s.sortOrder, s.systemKey, s.name, s.kind, s.defaultProbabilityPct])).toEqual([
        [0, "discovery", "Discovery", "open", 10],
        [1, "qualification", "Qualification", "open", 20],
        [2, "demo_scheduled", "Demo scheduled", "open", 40],
        [3, "proposal", "Proposal", "open", 60],
        [4, "negotiation", "Negotiation", "open", 80],
        [5, "won", "Won", "won", 100],
        [6, "lost", "Lost", "lost", 0],
      ]);
      expect(new Set(stages.map((s) => s.id)).size).toBe(7);
    });

    it("counts the live leads in each stage", async () => {
      const { scoped, api, list, ids } = await fresh("Counting");
      const stage = await ids();
      const a = await createLead(scoped.core, scoped.scope, { title: "A", stage: { key: "proposal" } });
      await createLead(scoped.core, scoped.scope, { title: "B", stage: { key: "proposal" } });
      const viaHttp = await api("POST", "/leads", { title: "C", stageId: stage.won });
      expect(viaHttp.statusCode, viaHttp.body).toBe(201);
      const counts = async () => Object.fromEntries((await list()).map((s) => [s.systemKey, s.leadCount]));
      expect(await counts()).toEqual({
        discovery: 0,
        qualification: 0,
        demo_scheduled: 0,
        proposal: 2,
        negotiation: 0,
        won: 1,
        lost: 0,
      });
      const deleted = await api("DELETE", `/leads/${a.id}`);
      expect(deleted.statusCode).toBe(204);
      expect(await counts()).toMatchObject({ proposal: 1, won: 1, discovery: 0 });
    });

    describe("POST /pipeline-stages", () => {
      it("creates an open stage last from a name alone, its key made from the name", async () => {
        const { api, list } = await fresh("Create minimal");
        const created = await api("POST", "/pipeline-stages", { name: "Contract Review" });
        expect(created.statusCode, created.body).toBe(201);
        expect(Object.keys(created.json)).toEqual(STAGE_KEYS);
        expect(created.json).toEqual({
          id: expect.stringMatching(UUID),
          name: "Contract Review",
          kind: "open",
          sortOrder: 7,
          defaultProbabilityPct: 0,
          colorKey: null,
          systemKey: "contract_review",
          leadCount: 0,
        });
        const stages = await list();
        expect(stages.map((s) => s.sortOrder)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
        expect(stages.at(-1)).toEqual(created.json);
      });

      it("creates with every field, inserting at sortOrder and shifting the stages after it", async () => {
        const { api, list } = await fresh("Create full");
        const created = await api("POST", "/pipeline-stages", {
          name: "Parked",
          kind: "lost",
          defaultProbabilityPct: 5,
          colorKey: "#123456",
          systemKey: "parked_deal",
          sortOrder: 1,
        });
        expect(created.statusCode, created.body).toBe(201);
        expect(created.json).toEqual({
          id: expect.stringMatching(UUID),
          name: "Parked",
          kind: "lost",
          sortOrder: 1,
          defaultProbabilityPct: 5,
          colorKey: "#123456",
          systemKey: "parked_deal",
          leadCount: 0,
        });
        const stages = await list();
        expect(stages.map((s) => [s.sortOrder, s.systemKey])).toEqual([
          [0, "discovery"],
          [1, "parked_deal"],
          [2, "qualification"],
          [3, "demo_scheduled"],
          [4, "proposal"],
          [5, "negotiation"],
          [6, "won"],
          [7, "lost"],
        ]);
      });

      it("rejects bad input naming the field, and a taken systemKey with 409", async () => {
        const { api, list } = await fresh("Create invalid");
        const before = await list();
        const cases: [unknown, string][] = [
          [{}, "name: is required"],
          [{ name: "" }, "name: must not be empty"],
          [{ name: "X", kind: "maybe" }, "kind: must be one of open, won, lost"],
          [{ name: "X", defaultProbabilityPct: 101 }, "defaultProbabilityPct: must be at most 100"],
          [
            { name: "X", systemKey: "Bad Key" },
            "systemKey: must be 1-50 lowercase letters, digits or underscores, starting with a letter or digit",
          ],
        ];
        for (const [body, error] of cases) {
          const response = await api("POST", "/pipeline-stages", body);
          expect({ body, status: response.statusCode, json: response.json }).toEqual({
            body,
            status: 400,
            json: { error },
          });
        }
        const taken = await api("POST", "/pipeline-stages", {
          name: "Another proposal",
          systemKey: "proposal",
        });
        expect(taken.statusCode).toBe(409);
        expect(taken.json).toEqual({ error: 'systemKey: the pipeline already has a stage "proposal"' });
        expect(await list()).toEqual(before);
      });
    });

    describe("PATCH /pipeline-stages/{id}", () => {
      it("renames, recolours, changes the probability and moves a stage", async () => {
        const { api, list, ids } = await fresh("Patch");
        const stage = await ids();
        const renamed = await api("PATCH", `/pipeline-stages/${stage.proposal}`, { name: "Quote sent" });
        expect(renamed.statusCode, renamed.body).toBe(200);
        expect(Object.keys(renamed.json)).toEqual(STAGE_KEYS);
        expect(renamed.json).toMatchObject({
          id: stage.proposal,
          name: "Quote sent",
          systemKey: "proposal",
          sortOrder: 3,
          defaultProbabilityPct: 60,
        });
        const recoloured = await api("PATCH", `/pipeline-stages/${stage.proposal}`, {
          colorKey: "teal",
          defaultProbabilityPct: 65,
        });
        expect(recoloured.statusCode).toBe(200);
        expect(recoloured.json).toMatchObject({
          name: "Quote sent",
          colorKey: "teal",
          defaultProbabilityPct: 65,
        });
        const moved = await api("PATCH", `/pipeline-stages/${stage.proposal}`, { sortOrder: 0 });
        expect(moved.statusCode).toBe(200);
        expect(moved.json).toMatchObject({ id: stage.proposal, sortOrder: 0 });
        const unchanged = await api("PATCH", `/pipeline-stages/${stage.proposal}`, {});
        expect(unchanged.statusCode).toBe(200);
        expect(unchanged.json).toEqual(moved.json);
        const stages = await list();
        expect(stages.map((s) => [s.sortOrder, s.systemKey])).toEqual([
          [0, "proposal"],
          [1, "discovery"],
          [2, "qualification"],
          [3, "demo_scheduled"],
          [4, "negotiation"],
          [5, "won"],
          [6, "lost"],
        ]);
        expect(stages[0]).toEqual(moved.json);
      });

      it("answers 404 for an unknown stage and for another workspace's stage", async () => {
        const { api, ids } = await fresh("Patch missing");
        const unknown = await api("PATCH", `/pipeline-stages/${MISSING}`, { name: "Nope" });
        expect(unknown.statusCode).toBe(404);
        expect(unknown.json).toEqual({ error: "stage not found" });
        const theirs = await axiomatic(kit, "GET", "/pipeline-stages", {
          key: kit.other.secretKey,
          entityId: kit.other.workspace.id,
        });
        const theirProposal = theirs.json.stages.find((s: StageBody) => s.systemKey === "proposal").id;
        expect(theirProposal).not.toBe((await ids()).proposal);
        const foreign = await api("PATCH", `/pipeline-stages/${theirProposal}`, { name: "Stolen" });
        expect(foreign.statusCode).toBe(404);
        expect(foreign.json).toEqual({ error: "stage not found" });
        const after = await axiomatic(kit, "GET", "/pipeline-stages", {
          key: kit.other.secretKey,
          entityId: kit.other.workspace.id,
        });
        expect(after.json.stages.find((s: StageBody) => s.id === theirProposal).name).toBe("Proposal");
      });

      it("refuses to change the kind of a stage that holds opportunities", async () => {
        const { scoped, api, ids } = await fresh("Patch kind");
        const stage = await ids();
        await createOpportunity(scoped.core, scoped.scope, { name: "Big deal", stage: "negotiation" });
        const refused = await api("PATCH", `/pipeline-stages/${stage.negotiation}`, { kind: "won" });
        expect(refused.statusCode).toBe(409);
        expect(refused.json).toEqual({
          error: "kind: the stage holds opportunities; move them before changing its kind",
        });
        expect((await api("GET", "/pipeline-stages")).json.stages[4]).toMatchObject({
          systemKey: "negotiation",
          kind: "open",
        });
        // An empty stage may change its kind.
        const allowed = await api("PATCH", `/pipeline-stages/${stage.qualification}`, { kind: "lost" });
        expect(allowed.statusCode, allowed.body).toBe(200);
        expect(allowed.json.kind).toBe("lost");
      });
    });

    describe("POST /pipeline-stages/reorder", () => {
      it("puts the stages in the given order and keeps it", async () => {
        const { api, list } = await fresh("Reorder");
        const before = await list();
        const reversed = before.map((s) => s.id).reverse();
        const response = await api("POST", "/pipeline-stages/reorder", { stageIds: reversed });
        expect(response.statusCode, response.body).toBe(200);
        expect(Object.keys(response.json)).toEqual(["stages"]);
        expect(response.json.stages.map((s: StageBody) => s.id)).toEqual(reversed);
        expect(response.json.stages.map((s: StageBody) => s.sortOrder)).toEqual([0, 1, 2, 3, 4, 5, 6]);
        for (const stage of response.json.stages) expect(Object.keys(stage)).toEqual(STAGE_KEYS);
        const after = await list();
        expect(after).toEqual(response.json.stages);
        expect(after.map((s) => s.systemKey)).toEqual([
          "lost",
          "won",
          "negotiation",
          "proposal",
          "demo_scheduled",
          "qualification",
          "discovery",
        ]);
      });

      it("rejects a list that misses, repeats or invents a stage", async () => {
        const { api, list } = await fresh("Reorder invalid");
        const before = await list();
        const all = before.map((s) => s.id);
        const cases: [string[], string][] = [
          [all.slice(1), "stageIds: must list every stage of the pipeline (7) exactly once"],
          [[...all.slice(1), all[1]!], `stageIds: lists stage ${all[1]} more than once`],
          [[...all, all[0]!], `stageIds: lists stage ${all[0]} more than once`],
          [[...all.slice(1), MISSING], `stageIds: ${MISSING} is not a stage of this pipeline`],
        ];
        for (const [stageIds, error] of cases) {
          const response = await api("POST", "/pipeline-stages/reorder", { stageIds });
          expect({ stageIds, status: response.statusCode, json: response.json }).toEqual({
            stageIds,
            status: 400,
            json: { error },
          });
        }
        expect(await list()).toEqual(before);
      });
    });

    describe("DELETE /pipeline-stages/{id}", () => {
      it("deletes an empty stage and renumbers the rest", async () => {
        const { api, list, ids } = await fresh("Delete empty");
        const stage = await ids();
        const response = await api("DELETE", `/pipeline-stages/${stage.demo_scheduled}`, {});
        expect(response.statusCode, response.body).toBe(204);
        expect(response.body).toBe("");
        const stages = await list();
        expect(stages.map((s) => s.id)).not.toContain(stage.demo_scheduled);
        expect(stages.map((s) => [s.sortOrder, s.systemKey])).toEqual([
          [0, "discovery"],
          [1, "qualification"],
          [2, "proposal"],
          [3, "negotiation"],
          [4, "won"],
          [5, "lost"],
        ]);
        const again = await api("DELETE", `/pipeline-stages/${stage.demo_scheduled}`, {});
        expect(again.statusCode).toBe(404);
        expect(again.json).toEqual({ error: "stage not found" });
        const unknown = await api("DELETE", `/pipeline-stages/${MISSING}`, {});
        expect(unknown.statusCode).toBe(404);
        expect(unknown.json).toEqual({ error: "stage not found" });
      });

      it("refuses to delete a stage holding leads unless told where they go, then moves them", async () => {
        const { scoped, api, list, ids } = await fresh("Delete with leads");
        const stage = await ids();
        const first = await createLead(scoped.core, scoped.scope, {
          title: "One",
          stage: { key: "proposal" },
        });
        const second = await createLead(scoped.core, scoped.scope, {
          title: "Two",
          stage: { key: "proposal" },
        });
        const before = await list();

        const refused = await api("DELETE", `/pipeline-stages/${stage.proposal}`, {});
        expect(refused.statusCode).toBe(409);
        expect(refused.json).toEqual({
          error: "moveLeadsToStageId: the stage holds 2 leads; name another stage to move them to",
        });
        expect(await list()).toEqual(before);
        expect((await api("GET", `/leads/${first.id}`)).json.stageId).toBe(stage.proposal);

        const self = await api("DELETE", `/pipeline-stages/${stage.proposal}`, {
          moveLeadsToStageId: stage.proposal,
        });
        expect(self.statusCode).toBe(400);
        expect(self.json).toEqual({
          error: "moveLeadsToStageId: must be another stage of the same pipeline",
        });
        const nowhere = await api("DELETE", `/pipeline-stages/${stage.proposal}`, {
          moveLeadsToStageId: MISSING,
        });
        expect(nowhere.statusCode).toBe(400);
        expect(nowhere.json).toEqual({
          error: "moveLeadsToStageId: must be another stage of the same pipeline",
        });
        expect(await list()).toEqual(before);

        const moved = await api("DELETE", `/pipeline-stages/${stage.proposal}`, {
          moveLeadsToStageId: stage.negotiation,
        });
        expect(moved.statusCode, moved.body).toBe(204);
        const after = await list();
        expect(after.map((s) => s.id)).not.toContain(stage.proposal);
        expect(after.find((s) => s.id === stage.negotiation)).toMatchObject({ leadCount: 2, sortOrder: 3 });
        for (const lead of [first, second]) {
          const read = await api("GET", `/leads/${lead.id}`);
          expect(read.json.stageId).toBe(stage.negotiation);
          expect(read.json.stage).toMatchObject({ id: stage.negotiation, systemKey: "negotiation" });
          const timeline = await api("GET", `/leads/${lead.id}/timeline`);
          expect(timeline.statusCode, timeline.body).toBe(200);
          const moves = timeline.json.items.filter((item: { type: string }) => item.type === "stage_changed");
          expect(moves).toContainEqual({
            type: "stage_changed",
            at: expect.any(String),
            fromStage: { id: stage.proposal, name: "Proposal" },
            toStage: { id: stage.negotiation, name: "Negotiation" },
          });
        }
      });

      it("takes moveLeadsToStageId from the query as well", async () => {
        const { scoped, api, list, ids } = await fresh("Delete via query");
        const stage = await ids();
        const lead = await createLead(scoped.core, scoped.scope, {
          title: "Q",
          stage: { key: "qualification" },
        });
        const withEmptyBody = await api(
          "DELETE",
          `/pipeline-stages/${stage.qualification}?moveLeadsToStageId=${stage.discovery}`,
          {},
        );
        expect(withEmptyBody.statusCode, withEmptyBody.body).toBe(204);
        expect((await api("GET", `/leads/${lead.id}`)).json.stageId).toBe(stage.discovery);
        expect((await list()).map((s) => s.id)).not.toContain(stage.qualification);

        // With no body at all.
        const other = await createLead(scoped.core, scoped.scope, { title: "R", stage: { key: "won" } });
        const noBody = await api("DELETE", `/pipeline-stages/${stage.won}?moveLeadsToStageId=${stage.lost}`);
        expect(noBody.statusCode, noBody.body).toBe(204);
        expect((await api("GET", `/leads/${other.id}`)).json.stageId).toBe(stage.lost);
        expect((await list()).find((s) => s.id === stage.lost)?.leadCount).toBe(1);
      });
    });

    describe("scopes and tenancy", () => {
      it("lets a read-only key list but not write", async () => {
        const { scoped, api, list, ids } = await fresh("Read only");
        const stage = await ids();
        const reader = await kit.newKey(scoped.scope, {
          type: "secret",
          scopes: ["read:crm"],
          rateLimit: 100_000,
        });
        const as = (method: Method, path: string, body?: unknown) =>
          axiomatic(scoped, method, path, { key: reader, body });
        const read = await as("GET", "/pipeline-stages");
        expect(read.statusCode).toBe(200);
        expect(read.json.stages).toHaveLength(7);
        const before = await list();
        for (const [method, path, body] of [
          ["POST", "/pipeline-stages", { name: "Nope" }],
          ["PATCH", `/pipeline-stages/${stage.won}`, { name: "Nope" }],
          ["POST", "/pipeline-stages/reorder", { stageIds: before.map((s) => s.id).reverse() }],
          ["DELETE", `/pipeline-stages/${stage.lost}`, {}],
        ] as const) {
          const response = await as(method, path, body);
          expect({ method, path, status: response.statusCode }).toEqual({ method, path, status: 403 });
          expect(response.json).toEqual({ error: "this key lacks the opportunities:write permission" });
        }
        expect(await list()).toEqual(before);
        expect((await api("GET", "/pipeline-stages")).statusCode).toBe(200);
      });

      it("refuses another entityId and shows each workspace its own stages and counts", async () => {
        const { scoped } = await fresh("Tenancy");
        await createLead(scoped.core, scoped.scope, { title: "Mine", stage: { key: "proposal" } });
        const mismatch = await axiomatic(scoped, "GET", "/pipeline-stages", {
          entityId: kit.other.workspace.id,
        });
        expect(mismatch.statusCode).toBe(403);
        const mismatchWrite = await axiomatic(scoped, "POST", "/pipeline-stages", {
          entityId: kit.other.workspace.id,
          body: { name: "Sneaky" },
        });
        expect(mismatchWrite.statusCode).toBe(403);

        const mine = (await axiomatic(scoped, "GET", "/pipeline-stages")).json.stages as StageBody[];
        expect(mine.find((s) => s.systemKey === "proposal")?.leadCount).toBe(1);
        const theirs = await axiomatic(kit, "GET", "/pipeline-stages", {
          key: kit.other.secretKey,
          entityId: kit.other.workspace.id,
        });
        expect(theirs.statusCode).toBe(200);
        const stages = theirs.json.stages as StageBody[];
        expect(stages.map((s) => s.systemKey)).toEqual([
          "discovery",
          "qualification",
          "demo_scheduled",
          "proposal",
          "negotiation",
          "won",
          "lost",
        ]);
        expect(stages.every((s) => s.leadCount === 0)).toBe(true);
        const myIds = new Set(mine.map((s) => s.id));
        for (const stage of stages) expect(myIds.has(stage.id)).toBe(false);
      });
    });

    it("shows the same stages through Valethon's default pipeline", async () => {
      const { scoped, api } = await fresh("Cross dialect");
      const created = await api("POST", "/pipeline-stages", { name: "Legal check", sortOrder: 2 });
      expect(created.statusCode, created.body).toBe(201);
      const response = await call(scoped, "GET", `${VALETHON}/pipelines`, { key: scoped.secretKey });
      expect(response.statusCode, response.body).toBe(200);
      const pipeline = response.json.data.find((p: { is_default: boolean }) => p.is_default);
      expect(pipeline.key).toBe("sales");
      const stage = pipeline.stages.find((s: { uuid: string }) => s.uuid === created.json.id);
      expect(stage).toMatchObject({ name: "Legal check", key: "legal_check", kind: "open", position: 3 });
      const board = (await api("GET", "/pipeline-stages")).json.stages as StageBody[];
      expect(pipeline.stages.map((s: { uuid: string; key: string }) => [s.uuid, s.key])).toEqual(
        board.map((s) => [s.id, s.systemKey]),
      );
    });
  });
}
