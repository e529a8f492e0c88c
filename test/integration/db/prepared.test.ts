import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Core, Scope } from "../../../src/core/core.js";
import { findLead } from "../../../src/core/leads/leads.repository.js";
import { createLead, getLead } from "../../../src/core/leads/leads.service.js";
import { createWorkspace } from "../../../src/core/workspaces/workspaces.service.js";
import { prepared } from "../../../src/db/prepared.js";
import { startTestKit, type TestKit } from "../../support/app.js";
import { ENGINES } from "../../support/engines.js";

const leadEmail = prepared((db, p: { workspaceId: string; number: number }) =>
  db
    .selectFrom("leads")
    .select("email")
    .where("workspace_id", "=", p.workspaceId)
    .where("seq", "=", p.number),
);

const leadsByOrder = prepared((db, p: { workspaceId: string }, order: "asc" | "desc") =>
  db.selectFrom("leads").select("seq").where("workspace_id", "=", p.workspaceId).orderBy("seq", order),
);

for (const engine of ENGINES) {
  describe(`prepared queries on ${engine}`, () => {
    let kit: TestKit;
    let core: Core;
    let scope: Scope;

    beforeAll(async () => {
      kit = await startTestKit(engine);
      core = kit.core;
      const workspace = await createWorkspace(core, { name: "Prepared" });
      scope = { workspaceId: workspace.id, actor: "test" };
      for (const email of ["one@prepared.io", "two@prepared.io"]) await createLead(core, scope, { email });
    });
    afterAll(async () => kit?.close());

    it("binds fresh values on every run of the same compiled query", async () => {
      expect(await leadEmail(core.db, { workspaceId: scope.workspaceId, number: 1 })).toEqual([
        { email: "one@prepared.io" },
      ]);
      expect(await leadEmail(core.db, { workspaceId: scope.workspaceId, number: 2 })).toEqual([
        { email: "two@prepared.io" },
      ]);
      expect(await leadEmail(core.db, { workspaceId: kit.workspace.id, number: 2 })).toEqual([]);
    });

    it("compiles each variant separately", async () => {
      const ascending = await leadsByOrder(core.db, { workspaceId: scope.workspaceId }, "asc");
      const descending = await leadsByOrder(core.db, { workspaceId: scope.workspaceId }, "desc");
      expect(ascending.map((row) => Number(row.seq))).toEqual([1, 2]);
      expect(descending.map((row) => Number(row.seq))).toEqual([2, 1]);
    });

    it("never shows a read outside a transaction what that transaction has not committed", async () => {
      let outside: Promise<unknown> | undefined;
      await expect(
        core.db.transaction().execute(async (trx) => {
          const created = await trx
            .insertInto("leads")
            .values({
              id: "00000000-0000-7000-8000-00000000dead",
              workspace_id: scope.workspaceId,
              seq: 99,
              slug: "lead-99",
              status: "new",
              email: "uncommitted@prepared.io",
              created_at: "2026-01-01T00:00:00.000Z",
              updated_at: "2026-01-01T00:00:00.000Z",
            })
            .execute();
          expect(created).toHaveLength(1);
          // Inside the transaction its own write is visible; outside it must not be, ever.
          expect(await findLead(trx, scope, { number: 99 })).not.toBeNull();
          outside = findLead(core.db, scope, { number: 99 });
          // Give an eager outside read every chance to run before the rollback.
          await new Promise((resolve) => setTimeout(resolve, 20));
          throw new Error("roll back");
        }),
      ).rejects.toThrow("roll back");
      expect(await outside).toBeNull();
      await expect(getLead(core, scope, { number: 99 })).rejects.toMatchObject({ code: "NOT_FOUND" });
    });
  });
}
