/**
 * PostgreSQL hands out event positions before commit, so fan-out must not move past a hole that a
 * transaction in flight may still fill — from the very first event on. (SQLite has no such holes:
 * it commits one writer at a time, in position order.)
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fanOutEvents, GAP_GRACE_MS, WEBHOOK_CURSOR } from "../../../src/core/webhooks/deliveries.js";
import { startTestKit, type TestKit } from "../../support/app.js";
import { ENGINES } from "../../support/engines.js";

for (const engine of ENGINES.filter((candidate) => candidate === "postgres")) {
  describe(`webhook fan-out over position holes on ${engine}`, () => {
    let kit: TestKit;
    beforeAll(async () => {
      kit = await startTestKit(engine);
    });
    afterAll(async () => kit?.close());

    const cursor = async () =>
      Number(
        (
          await kit.core.db
            .selectFrom("outbox_cursors")
            .select("position")
            .where("name", "=", WEBHOOK_CURSOR)
            .executeTakeFirstOrThrow()
        ).position,
      );

    it("waits at a hole before the first batch, then moves past it once the grace has passed", async () => {
      // Start from a clean stream: the kit's own setup events are fanned out first.
      await kit.core.db.deleteFrom("events").execute();
      await kit.core.db.deleteFrom("outbox_cursors").execute();
      // Position 1 is "in flight" (never visible); position 2 is committed.
      await sql`insert into events (position, id, workspace_id, type, entity_type, entity_id, data, actor, created_at)
        overriding system value
        values (2, 'evt-2', ${kit.workspace.id}, 'lead.created', 'lead', 'lead-2', '{}', 'test', '2026-01-01T00:00:00.000Z')`.execute(
        kit.core.db,
      );
      const gaps = new Map<number, number>();
      expect(await fanOutEvents(kit.core, { gaps })).toEqual({ events: 0, deliveries: 0 });
      expect(await cursor()).toBe(0);
      expect(await fanOutEvents(kit.core, { gaps })).toEqual({ events: 0, deliveries: 0 });
      expect(await cursor()).toBe(0);
      // The hole was first seen longer ago than the grace: a rolled-back writer left it.
      gaps.set(1, Date.now() - GAP_GRACE_MS - 1);
      expect((await fanOutEvents(kit.core, { gaps })).events).toBe(1);
      expect(await cursor()).toBe(2);
    });
  });
}
