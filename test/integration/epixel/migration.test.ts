/**
 * Migration 14 on a database that already holds leads and workspaces: existing leads get
 * `lead-<number>` slugs and every existing workspace the default status words.
 */
import { describe, expect, it } from "vitest";
import { createCore } from "../../../src/core/core.js";
import { findLeadBySlug } from "../../../src/core/leads/lead-slugs.js";
import { createWorkspace } from "../../../src/core/workspaces/workspaces.service.js";
import { openDatabase } from "../../../src/db/database.js";
import { migrateToLatest } from "../../../src/db/migrate.js";
import * as epixel from "../../../src/db/migrations/2026-11-24-13-epixel.js";
import { createTestDatabase, ENGINES } from "../../support/engines.js";

for (const engine of ENGINES) {
  describe(`Epixel migration (${engine})`, () => {
    it("backfills slugs of existing leads and status words of existing workspaces", async () => {
      const database = await createTestDatabase(engine);
      const handle = openDatabase(database.url);
      try {
        await migrateToLatest(handle.db);
        const core = createCore(handle);
        const workspace = await createWorkspace(core, { name: "Before Epixel" });
        // Back to the schema before migration 13, with a lead written then.
        await epixel.down(handle.db);
        const at = "2026-01-01T00:00:00.000Z";
        for (const seq of [1, 2]) {
          await (handle.db as any)
            .insertInto("leads")
            .values({
              id: `00000000-0000-7000-8000-00000000000${seq}`,
              workspace_id: workspace.id,
              seq,
              status: "new",
              email: `old${seq}@example.com`,
              email_normalized: `old${seq}@example.com`,
              created_at: at,
              updated_at: at,
            })
            .execute();
        }
        await epixel.up(handle.db);
        const scope = { workspaceId: workspace.id, actor: "test" };
        expect((await findLeadBySlug(handle.db, scope, "lead-2"))?.email).toBe("old2@example.com");
        const words = await handle.db
          .selectFrom("lead_status_definitions")
          .select(["word", "core_status"])
          .where("workspace_id", "=", workspace.id)
          .orderBy("sort_order")
          .execute();
        expect(words.map((row) => [row.word, row.core_status])).toEqual([
          ["prospect", "new"],
          ["contact", "contacted"],
          ["tentative", "contacted"],
          ["potential", "qualified"],
          ["customer", "converted"],
          ["closed", "unqualified"],
        ]);
        // Slugs are unique per workspace.
        await expect(
          handle.db.updateTable("leads").set({ slug: "lead-1" }).where("seq", "=", 2).execute(),
        ).rejects.toThrow();
      } finally {
        await handle.close();
        await database.drop();
      }
    });
  });
}
