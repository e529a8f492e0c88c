import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateDemoData } from "../../src/core/demo/demo-data.js";
import { createWorkspace } from "../../src/core/workspaces/workspaces.service.js";
import { call, startTestKit, type TestKit, VALETHON } from "../support/app.js";
import { ENGINES } from "../support/engines.js";

for (const engine of ENGINES) {
  describe(`demo data on ${engine}`, () => {
    let kit: TestKit;
    beforeAll(async () => {
      kit = await startTestKit(engine);
    });
    afterAll(async () => kit?.close());

    const rows = async (table: "leads" | "contacts" | "companies" | "opportunities" | "activities") =>
      Number(
        (
          await kit.core.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number>().as("n"))
            .where("workspace_id", "=", kit.workspace.id)
            .executeTakeFirstOrThrow()
        ).n,
      );

    it("writes leads and their proportion of other records, with counters and search documents", async () => {
      const progress: number[] = [];
      const counts = await generateDemoData(kit.core, kit.scope, 12_345, (done) => progress.push(done));
      expect(counts).toEqual({ leads: 12_345, companies: 1_234, contacts: 3_703, opportunities: 1_234 });
      expect(progress).toEqual([10_000, 12_345]);
      expect(await rows("leads")).toBe(12_345);
      expect(await rows("companies")).toBe(1_234);
      expect(await rows("contacts")).toBe(3_703);
      expect(await rows("opportunities")).toBe(1_234);
      expect(await rows("activities")).toBe(6_172);

      const list = await call(kit, "GET", `${VALETHON}/leads?per_page=1`, { key: kit.secretKey });
      expect(list.json.pagination.total).toBe(12_345);
      expect(list.json.data[0].lead_id).toBe(12_345);
      const documents = await kit.core.db
        .selectFrom("search_documents")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("workspace_id", "=", kit.workspace.id)
        .executeTakeFirstOrThrow();
      expect(Number(documents.n)).toBe(12_345 + 1_234 + 3_703 + 1_234);
    });

    it("numbers a second run after the first, and a new lead after both", async () => {
      await generateDemoData(kit.core, kit.scope, 10);
      const created = await call(kit, "POST", `${VALETHON}/leads`, {
        key: kit.secretKey,
        body: { email: "after-demo@example.com" },
      });
      expect(created.json.data.lead_id).toBe(12_356);
    });

    it("refuses a count out of range and touches nothing", async () => {
      const { scope } = await kit.newWorkspace("Demo Empty");
      await expect(generateDemoData(kit.core, scope, 0)).rejects.toMatchObject({ code: "VALIDATION" });
      const leads = await kit.core.db
        .selectFrom("leads")
        .select("id")
        .where("workspace_id", "=", scope.workspaceId)
        .execute();
      expect(leads).toEqual([]);
    });

    it("leaves other workspaces alone", async () => {
      const workspace = await createWorkspace(kit.core, { name: "Demo Neighbour" });
      await generateDemoData(kit.core, { workspaceId: workspace.id, actor: "test" }, 5);
      const list = await call(kit, "GET", `${VALETHON}/leads?per_page=1`, { key: kit.other.secretKey });
      expect(list.json.pagination.total).toBe(0);
    });
  });
}
