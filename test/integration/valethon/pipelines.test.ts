import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLead, getLead } from "../../../src/core/leads/leads.service.js";
import { call, startTestKit, type TestKit, VALETHON } from "../../support/app.js";
import { ENGINES } from "../../support/engines.js";

const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

for (const engine of ENGINES) {
  describe(`Valethon pipelines on ${engine}`, () => {
    let kit: TestKit;
    const base = `${VALETHON}/pipelines`;
    const req = (method: string, path: string, body?: unknown, key = kit.secretKey) =>
      call(kit, method as any, `${base}${path}`, { key, body });

    beforeAll(async () => {
      kit = await startTestKit(engine);
    });
    afterAll(async () => kit?.close());

    it("gives every new workspace the default sales pipeline", async () => {
      const fresh = await kit.newWorkspace("Fresh Co");
      const response = await req("GET", "", undefined, fresh.secretKey);
      expect(response.statusCode).toBe(200);
      expect(response.json.data).toHaveLength(1);
      const [pipeline] = response.json.data;
      expect(pipeline).toMatchObject({
        pipeline_id: 1,
        key: "sales",
        name: "Sales pipeline",
        is_default: true,
      });
      expect(pipeline.created_at).toMatch(TIME);
      expect(pipeline.stages.map((s: any) => [s.key, s.kind, s.position, s.probability])).toEqual([
        ["discovery", "open", 1, 10],
        ["qualification", "open", 2, 20],
        ["demo_scheduled", "open", 3, 40],
        ["proposal", "open", 4, 60],
        ["negotiation", "open", 5, 80],
        ["won", "won", 6, 100],
        ["lost", "lost", 7, 0],
      ]);
      expect(pipeline.stages.map((s: any) => s.name)).toEqual([
        "Discovery",
        "Qualification",
        "Demo scheduled",
        "Proposal",
        "Negotiation",
        "Won",
        "Lost",
      ]);
      expect(Object.keys(pipeline.stages[0]).sort()).toEqual(
        ["stage_id", "uuid", "key", "name", "kind", "position", "probability", "color", "description"].sort(),
      );
      expect(pipeline.stages[0]).toMatchObject({ stage_id: 1, name: "Discovery", color: expect.any(String) });
      const one = await req("GET", "/1", undefined, fresh.secretKey);
      expect(one.json.data).toEqual(pipeline);
    });

    it("creates the default pipeline lazily for a workspace that has none", async () => {
      const legacy = await kit.newWorkspace("Legacy Co");
      await kit.core.db.deleteFrom("pipelines").where("workspace_id", "=", legacy.workspace.id).execute();
      const created = await call(kit, "POST", `${VALETHON}/opportunities`, {
        key: legacy.secretKey,
        body: { name: "First deal" },
      });
      expect(created.statusCode).toBe(201);
      expect(created.json.data.stage).toBe("discovery");
      const list = await req("GET", "", undefined, legacy.secretKey);
      expect(list.json.data.map((p: any) => p.key)).toEqual(["sales"]);
    });

    it("creates a pipeline with its own stages, or the default ones", async () => {
      const response = await req("POST", "", {
        name: "Renewals",
        stages: [
          { name: "Due soon", kind: "open", probability: 60, color: "#111111" },
          { name: "Renewed", kind: "won" },
          { name: "Churned", kind: "lost" },
        ],
      });
      expect(response.statusCode).toBe(201);
      expect(response.json.data).toMatchObject({
        pipeline_id: 2,
        key: "renewals",
        name: "Renewals",
        is_default: false,
      });
      expect(response.json.data.stages.map((s: any) => [s.key, s.kind, s.position, s.probability])).toEqual([
        ["due_soon", "open", 1, 60],
        ["renewed", "won", 2, 100],
        ["churned", "lost", 3, 0],
      ]);
      const copy = await req("POST", "", { name: "Partners", key: "partners" });
      expect(copy.json.data.stages.map((s: any) => s.key)).toEqual([
        "discovery",
        "qualification",
        "demo_scheduled",
        "proposal",
        "negotiation",
        "won",
        "lost",
      ]);
      const duplicate = await req("POST", "", { name: "Again", key: "partners" });
      expect(duplicate.statusCode).toBe(409);
      expect(duplicate.json.error).toMatch(/^key:/);
      const noOpen = await req("POST", "", { name: "Broken", stages: [{ name: "Done", kind: "won" }] });
      expect(noOpen.statusCode).toBe(400);
      expect(noOpen.json.error).toMatch(/^stages:/);
      const badKind = await req("POST", "", { name: "Bad", stages: [{ name: "X", kind: "maybe" }] });
      expect(badKind.statusCode).toBe(400);
      expect(badKind.json.error).toMatch(/^stages\.0\.kind:/);
      expect((await req("GET", "")).json.data.map((p: any) => p.key)).toEqual([
        "sales",
        "renewals",
        "partners",
      ]);
    });

    it("adds, updates and moves stages", async () => {
      const taken = await req("POST", "/1/stages", { name: "Demo", key: "demo_scheduled", kind: "open" });
      expect(taken.statusCode).toBe(409);
      expect(taken.json.error).toMatch(/^key:/);
      const added = await req("POST", "/1/stages", {
        name: "Free trial",
        kind: "open",
        probability: 50,
        position: 4,
      });
      expect(added.statusCode).toBe(201);
      expect(added.json.data).toMatchObject({
        key: "free_trial",
        kind: "open",
        position: 4,
        probability: 50,
      });
      const pipeline = (await req("GET", "/1")).json.data;
      expect(pipeline.stages.map((s: any) => [s.key, s.position])).toEqual([
        ["discovery", 1],
        ["qualification", 2],
        ["demo_scheduled", 3],
        ["free_trial", 4],
        ["proposal", 5],
        ["negotiation", 6],
        ["won", 7],
        ["lost", 8],
      ]);
      const stageId = added.json.data.stage_id;
      const updated = await req("PUT", `/1/stages/${stageId}`, {
        name: "Trial",
        probability: 45,
        position: 1,
      });
      expect(updated.statusCode).toBe(200);
      expect(updated.json.data).toMatchObject({
        name: "Trial",
        probability: 45,
        position: 1,
        key: "free_trial",
      });
      const dup = await req("PATCH", `/1/stages/${stageId}`, { key: "proposal" });
      expect(dup.statusCode).toBe(409);
      expect(dup.json.error).toMatch(/^key:/);
      const badProbability = await req("PATCH", `/1/stages/${stageId}`, { probability: 150 });
      expect(badProbability.statusCode).toBe(400);
      expect(badProbability.json.error).toMatch(/^probability:/);
      expect((await req("PATCH", "/1/stages/9999", { name: "X" })).statusCode).toBe(404);
      expect((await req("POST", "/99/stages", { name: "X", kind: "open" })).statusCode).toBe(404);
      const dupAdd = await req("POST", "/1/stages", { name: "Again", key: "won", kind: "won" });
      expect(dupAdd.statusCode).toBe(409);
    });

    it("reorders stages only when every stage is listed exactly once", async () => {
      const stages = (await req("GET", "/2")).json.data.stages.map((s: any) => s.stage_id);
      const otherPipelineStage = (await req("GET", "/1")).json.data.stages[0].stage_id;
      for (const stage_ids of [
        stages.slice(1),
        [...stages, stages[0]],
        [stages[0], stages[0], stages[2]],
        [otherPipelineStage, stages[1], stages[2]],
      ]) {
        const response = await req("PUT", "/2/stages/reorder", { stage_ids });
        expect(response.statusCode, JSON.stringify(stage_ids)).toBe(400);
        expect(response.json.error).toMatch(/^stage_ids:/);
      }
      expect((await req("PUT", "/2/stages/reorder", {})).json.error).toMatch(/^stage_ids:/);
      const reordered = await req("PUT", "/2/stages/reorder", {
        stage_ids: [stages[2], stages[0], stages[1]],
      });
      expect(reordered.statusCode).toBe(200);
      expect(reordered.json.data.stages.map((s: any) => [s.key, s.position])).toEqual([
        ["churned", 1],
        ["due_soon", 2],
        ["renewed", 3],
      ]);
    });

    it("deletes a stage: 409 while it holds opportunities, moves them with move_to", async () => {
      const opportunities = `${VALETHON}/opportunities`;
      const deal = await call(kit, "POST", opportunities, {
        key: kit.secretKey,
        body: { name: "In proposal", stage: "proposal", value: 10 },
      });
      const gone = await call(kit, "POST", opportunities, {
        key: kit.secretKey,
        body: { name: "Deleted in proposal", stage: "proposal" },
      });
      await call(kit, "DELETE", `${opportunities}/${gone.json.data.opportunity_id}`, { key: kit.secretKey });
      // Leads stand in the default pipeline's stages too, and move with the opportunities.
      const lead = await createLead(kit.core, kit.scope, {
        title: "Card in proposal",
        stage: { key: "proposal" },
      });
      const stages = (await req("GET", "/1")).json.data.stages;
      const proposal = stages.find((s: any) => s.key === "proposal");
      const negotiation = stages.find((s: any) => s.key === "negotiation");
      const refused = await req("DELETE", `/1/stages/${proposal.stage_id}`);
      expect(refused.statusCode).toBe(409);
      expect(refused.json).toMatchObject({ success: false, code: "CONFLICT" });
      expect(refused.json.error).toMatch(/^move_to:/);
      const foreign = (await req("GET", "/2")).json.data.stages[0].stage_id;
      const wrongTarget = await req("DELETE", `/1/stages/${proposal.stage_id}?move_to=${foreign}`);
      expect(wrongTarget.statusCode).toBe(400);
      expect(wrongTarget.json.error).toMatch(/^move_to:/);
      expect((await req("GET", "/1")).json.data.stages).toHaveLength(stages.length);

      const deleted = await req("DELETE", `/1/stages/${proposal.stage_id}?move_to=${negotiation.stage_id}`);
      expect(deleted.statusCode).toBe(200);
      expect(deleted.json).toEqual({
        success: true,
        data: {
          stage_id: proposal.stage_id,
          deleted: true,
          moved_to: negotiation.stage_id,
          moved_opportunities: 1,
          moved_leads: 1,
        },
      });
      expect((await getLead(kit.core, kit.scope, { id: lead.id })).stageId).toBe(
        (
          await kit.core.db
            .selectFrom("pipeline_stages")
            .select("id")
            .where("seq", "=", negotiation.stage_id)
            .where("workspace_id", "=", kit.workspace.id)
            .executeTakeFirstOrThrow()
        ).id,
      );
      const moved = await call(kit, "GET", `${opportunities}/${deal.json.data.opportunity_id}`, {
        key: kit.secretKey,
      });
      expect(moved.json.data).toMatchObject({ stage: "negotiation", status: "open" });
      const after = (await req("GET", "/1")).json.data.stages;
      expect(after.map((s: any) => s.key)).not.toContain("proposal");
      expect(after.map((s: any) => s.position)).toEqual(after.map((_: unknown, i: number) => i + 1));
      const events = await kit.core.db
        .selectFrom("events")
        .select(["type", "data"])
        .where("workspace_id", "=", kit.workspace.id)
        .where("type", "in", ["opportunity.stage_changed", "pipeline.stage_deleted"])
        .orderBy("position", "desc")
        .limit(2)
        .execute();
      expect(events.map((e) => e.type).sort()).toEqual([
        "opportunity.stage_changed",
        "pipeline.stage_deleted",
      ]);

      const empty = stages.find((s: any) => s.key === "qualification");
      const plain = await req("DELETE", `/1/stages/${empty.stage_id}`);
      expect(plain.statusCode).toBe(200);
      expect(plain.json.data).toMatchObject({ moved_to: null, moved_opportunities: 0, moved_leads: 0 });
      expect((await req("DELETE", `/1/stages/${empty.stage_id}`)).statusCode).toBe(404);
    });

    it("keeps the last open stage", async () => {
      const pipeline = (
        await req("POST", "", {
          name: "Tiny",
          stages: [
            { name: "Only", kind: "open" },
            { name: "Done", kind: "won" },
          ],
        })
      ).json.data;
      const only = pipeline.stages[0].stage_id;
      const response = await req("DELETE", `/${pipeline.pipeline_id}/stages/${only}`);
      expect(response.statusCode).toBe(400);
      const kind = await req("PATCH", `/${pipeline.pipeline_id}/stages/${only}`, { kind: "lost" });
      expect(kind.statusCode).toBe(400);
      expect(kind.json.error).toMatch(/^kind:/);
    });

    it("keeps workspaces apart", async () => {
      const theirs = await req("GET", "", undefined, kit.other.secretKey);
      expect(theirs.json.data.map((p: any) => p.key)).toEqual(["sales"]);
      const mine = (await req("GET", "/2")).json.data;
      expect((await req("GET", "/2", undefined, kit.other.secretKey)).statusCode).toBe(404);
      expect(
        (await req("POST", "/2/stages", { name: "Sneaky", kind: "open" }, kit.other.secretKey)).statusCode,
      ).toBe(404);
      expect(
        (await req("DELETE", `/2/stages/${mine.stages[0].stage_id}`, undefined, kit.other.secretKey))
          .statusCode,
      ).toBe(404);
      expect((await req("GET", "/2")).json.data).toEqual(mine);
    });

    it("requires opportunities:read and opportunities:write", async () => {
      const noAccess = await kit.newKey(kit.scope, {
        type: "secret",
        scopes: ["leads:read", "leads:write"],
        rateLimit: 100000,
      });
      const readOnly = await kit.newKey(kit.scope, {
        type: "secret",
        scopes: ["opportunities:read"],
        rateLimit: 100000,
      });
      const routes: [string, string, unknown, "read" | "write"][] = [
        ["GET", "", undefined, "read"],
        ["GET", "/1", undefined, "read"],
        ["POST", "", { name: "Nope" }, "write"],
        ["POST", "/1/stages", { name: "Nope", kind: "open" }, "write"],
        ["PUT", "/1/stages/1", { name: "Nope" }, "write"],
        ["PATCH", "/1/stages/1", { name: "Nope" }, "write"],
        ["PUT", "/1/stages/reorder", { stage_ids: [1] }, "write"],
        ["DELETE", "/1/stages/1", undefined, "write"],
      ];
      for (const [method, path, body, need] of routes) {
        const denied = await req(method, path, body, noAccess);
        expect(denied.statusCode, `${method} ${path}`).toBe(403);
        expect(denied.json.code).toBe("FORBIDDEN");
        const withRead = await req(method, path, body, readOnly);
        expect(withRead.statusCode, `${method} ${path} with read`).toBe(need === "read" ? 200 : 403);
      }
    });
  });
}
