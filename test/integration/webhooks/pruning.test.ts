/**
 * Retention: pruneOldRecords removes events past the retention that the dispatcher has fanned out,
 * and finished deliveries past the retention with their attempts, on every engine, with a
 * controllable clock.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Clock } from "../../../src/core/clock.js";
import { newId } from "../../../src/core/ids.js";
import { WEBHOOK_CURSOR } from "../../../src/core/webhooks/deliveries.js";
import type { WebhookDeliveryTable } from "../../../src/db/schema.js";
import { pruneOldRecords, startPruning } from "../../../src/jobs/pruning.js";
import { call, startTestKit, type TestKit, VALETHON } from "../../support/app.js";
import { ENGINES } from "../../support/engines.js";

const DAY = 86_400_000;
const NOW = Date.parse("2026-11-23T12:00:00.000Z");

for (const engine of ENGINES) {
  describe(`pruning old events and deliveries on ${engine}`, () => {
    let kit: TestKit;
    let nowMs = NOW - 40 * DAY;
    const clock: Clock = { now: () => new Date(nowMs) };
    let webhookId: string;
    let seq = 0;

    const createLead = async (first_name: string) => {
      const response = await call(kit, "POST", `${VALETHON}/leads`, {
        key: kit.secretKey,
        body: { first_name, last_name: "Prune", email: `${first_name.toLowerCase()}@prune.test` },
      });
      expect(response.statusCode).toBe(201);
      return response.json.data.uuid as string;
    };
    const eventsOf = async (entityId: string) =>
      kit.core.db.selectFrom("events").select("position").where("entity_id", "=", entityId).execute();
    const setCursor = async (position: number) => {
      await kit.core.db.deleteFrom("outbox_cursors").where("name", "=", WEBHOOK_CURSOR).execute();
      await kit.core.db
        .insertInto("outbox_cursors")
        .values({ name: WEBHOOK_CURSOR, position, updated_at: new Date(nowMs).toISOString() })
        .execute();
    };
    const insertDelivery = async (status: WebhookDeliveryTable["status"], ageDays: number) => {
      const id = newId();
      const at = new Date(NOW - ageDays * DAY).toISOString();
      await kit.core.db
        .insertInto("webhook_deliveries")
        .values({
          id,
          workspace_id: kit.workspace.id,
          webhook_id: webhookId,
          seq: ++seq + 1000,
          event_id: newId(),
          event_type: "lead.created",
          payload: "{}",
          status,
          attempts: 1,
          next_attempt_at: status === "pending" ? at : null,
          claimed_by: null,
          claimed_until: null,
          last_status_code: 500,
          last_error: null,
          delivered_at: status === "succeeded" ? at : null,
          created_at: at,
          updated_at: at,
        })
        .execute();
      for (const attempt of [1, 2]) {
        await kit.core.db
          .insertInto("webhook_attempts")
          .values({
            id: newId(),
            delivery_id: id,
            attempt,
            started_at: at,
            duration_ms: 5,
            status_code: 500,
            response_body: "oops",
            error: null,
          })
          .execute();
      }
      return id;
    };
    const attemptsOf = async (deliveryId: string) =>
      (
        await kit.core.db
          .selectFrom("webhook_attempts")
          .select("id")
          .where("delivery_id", "=", deliveryId)
          .execute()
      ).length;

    beforeAll(async () => {
      kit = await startTestKit(engine, { clock, env: { KITH_WEBHOOK_ALLOW_PRIVATE: "true" } });
      const created = await call(kit, "POST", `${VALETHON}/webhooks`, {
        key: kit.secretKey,
        body: { url: "http://127.0.0.1:9/hook", events: ["lead.created"] },
      });
      expect(created.statusCode).toBe(201);
      webhookId = (
        await kit.core.db
          .selectFrom("webhooks")
          .select("id")
          .where("workspace_id", "=", kit.workspace.id)
          .executeTakeFirstOrThrow()
      ).id;
    });
    afterAll(async () => kit?.close());

    it("removes old events only once they are fanned out, and keeps recent ones", async () => {
      const old = await createLead("Ancient");
      nowMs = NOW - 5 * DAY;
      const recent = await createLead("Recent");
      nowMs = NOW;
      const [oldEvent] = await eventsOf(old);
      const [recentEvent] = await eventsOf(recent);
      expect(oldEvent && recentEvent).toBeTruthy();

      // Not fanned out yet (no cursor row, then a cursor before the old event): nothing goes.
      expect((await pruneOldRecords(kit.core, 30)).events).toBe(0);
      await setCursor(Number(oldEvent!.position) - 1);
      await pruneOldRecords(kit.core, 30);
      expect(await eventsOf(old)).toHaveLength(1);

      // Fanned out past both: the old one goes (with the other old events), the recent one stays.
      await setCursor(Number(recentEvent!.position));
      const result = await pruneOldRecords(kit.core, 30);
      expect(result.events).toBeGreaterThanOrEqual(1);
      expect(await eventsOf(old)).toHaveLength(0);
      expect(await eventsOf(recent)).toHaveLength(1);
      const cutoff = new Date(NOW - 30 * DAY).toISOString();
      const leftOld = await kit.core.db
        .selectFrom("events")
        .select("position")
        .where("created_at", "<", cutoff)
        .where("position", "<=", Number(recentEvent!.position))
        .execute();
      expect(leftOld).toEqual([]);

      // A shorter retention reaches the recent one too.
      await pruneOldRecords(kit.core, 1);
      expect(await eventsOf(recent)).toHaveLength(0);
    });

    it("removes finished deliveries past the retention with their attempts, and nothing else", async () => {
      const oldSucceeded = await insertDelivery("succeeded", 31);
      const oldFailed = await insertDelivery("failed", 45);
      const oldCancelled = await insertDelivery("cancelled", 400);
      const oldPending = await insertDelivery("pending", 45);
      const recentSucceeded = await insertDelivery("succeeded", 29);
      const recentFailed = await insertDelivery("failed", 2);

      const result = await pruneOldRecords(kit.core, 30);
      expect(result).toMatchObject({ deliveries: 3, attempts: 6 });
      const left = (
        await kit.core.db
          .selectFrom("webhook_deliveries")
          .select("id")
          .where("id", "in", [
            oldSucceeded,
            oldFailed,
            oldCancelled,
            oldPending,
            recentSucceeded,
            recentFailed,
          ])
          .execute()
      )
        .map((row) => row.id)
        .sort();
      expect(left).toEqual([oldPending, recentSucceeded, recentFailed].sort());
      for (const gone of [oldSucceeded, oldFailed, oldCancelled]) expect(await attemptsOf(gone)).toBe(0);
      for (const kept of [oldPending, recentSucceeded, recentFailed]) expect(await attemptsOf(kept)).toBe(2);

      // Running again finds nothing more.
      expect(await pruneOldRecords(kit.core, 30)).toEqual({ events: 0, deliveries: 0, attempts: 0 });
    });

    it("runs from the scheduled job and rejects a bad retention", async () => {
      const gone = await insertDelivery("succeeded", 90);
      const logged: string[] = [];
      const job = startPruning(kit.core, {
        retentionDays: 30,
        firstDelayMs: 0,
        logger: { info: (_o, message) => logged.push(message), error: (_o, message) => logged.push(message) },
      });
      for (let i = 0; i < 100 && !logged.includes("pruned old records"); i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await job.stop();
      expect(logged).toContain("pruned old records");
      expect(await attemptsOf(gone)).toBe(0);
      await expect(pruneOldRecords(kit.core, 0)).rejects.toThrow(RangeError);
    });
  });
}
