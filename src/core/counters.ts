/**
 * Per-workspace counters of each record type: the integer numbers some dialects show (`lead_id: 42`)
 * and the number of live records, which an unfiltered list reports as its total without counting rows.
 * Both change only inside the transaction of the write that causes them.
 */
import { sql } from "kysely";
import { prepared } from "../db/prepared.js";
import type { Executor } from "./core.js";

interface CounterParams {
  workspaceId: string;
  entity: string;
}

const allocate = prepared((db, p: CounterParams) =>
  db
    .insertInto("counters")
    .values({ workspace_id: p.workspaceId, entity: p.entity, last_number: 1, live_count: 1 })
    .onConflict((conflict) =>
      conflict.columns(["workspace_id", "entity"]).doUpdateSet({
        last_number: sql<number>`counters.last_number + 1`,
        live_count: sql<number>`counters.live_count + 1`,
        version: sql<number>`counters.version + 1`,
      }),
    )
    .returning("last_number"),
);

const release = prepared((db, p: CounterParams) =>
  db
    .updateTable("counters")
    .set({ live_count: sql<number>`live_count - 1`, version: sql<number>`version + 1` })
    .where("workspace_id", "=", p.workspaceId)
    .where("entity", "=", p.entity),
);

const restore = prepared((db, p: CounterParams) =>
  db
    .updateTable("counters")
    .set({ live_count: sql<number>`live_count + 1`, version: sql<number>`version + 1` })
    .where("workspace_id", "=", p.workspaceId)
    .where("entity", "=", p.entity),
);

const touch = prepared((db, p: CounterParams) =>
  db
    .updateTable("counters")
    .set({ version: sql<number>`version + 1` })
    .where("workspace_id", "=", p.workspaceId)
    .where("entity", "=", p.entity),
);

const read = prepared((db, p: CounterParams) =>
  db
    .selectFrom("counters")
    .select(["live_count", "version"])
    .where("workspace_id", "=", p.workspaceId)
    .where("entity", "=", p.entity),
);

/** Hands out the next number of `entity` in the workspace and counts one more live record. */
export async function allocateNumber(db: Executor, workspaceId: string, entity: string): Promise<number> {
  const [row] = await allocate(db, { workspaceId, entity });
  return Number(row!.last_number);
}

/** Counts one live record fewer (after a delete). */
export async function releaseLive(db: Executor, workspaceId: string, entity: string): Promise<void> {
  await release(db, { workspaceId, entity });
}

/** Counts one live record more (a deleted record restored; its number it already has). */
export async function restoreLive(db: Executor, workspaceId: string, entity: string): Promise<void> {
  await restore(db, { workspaceId, entity });
}

/** Marks a change to a live record that moves no counter (an update). */
export async function touchCounter(db: Executor, workspaceId: string, entity: string): Promise<void> {
  await touch(db, { workspaceId, entity });
}

export interface CounterState {
  liveCount: number;
  /** Changes with every create, update and delete of the type in the workspace. */
  version: number;
}

export async function readCounter(db: Executor, workspaceId: string, entity: string): Promise<CounterState> {
  const [row] = await read(db, { workspaceId, entity });
  return row
    ? { liveCount: Number(row.live_count), version: Number(row.version) }
    : { liveCount: 0, version: 0 };
}

export async function countLive(db: Executor, workspaceId: string, entity: string): Promise<number> {
  return (await readCounter(db, workspaceId, entity)).liveCount;
}
