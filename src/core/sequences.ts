/** Per-workspace, per-type integer numbers (the Valethon `lead_id: 42` rendering). */
import { sql } from "kysely";
import type { Executor } from "./core.js";

/** Allocates the next number of `name` in the workspace. Call it inside the write's transaction. */
export async function nextSequence(db: Executor, workspaceId: string, name: string): Promise<number> {
  const row = await db
    .insertInto("sequences")
    .values({ workspace_id: workspaceId, name, last_value: 1 })
    .onConflict((conflict) =>
      conflict
        .columns(["workspace_id", "name"])
        .doUpdateSet({ last_value: sql<number>`sequences.last_value + 1` }),
    )
    .returning("last_value")
    .executeTakeFirstOrThrow();
  return Number(row.last_value);
}
