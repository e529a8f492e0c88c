/**
 * Retention (KITH_EVENT_RETENTION_DAYS): removes events and webhook delivery logs older than the
 * retention. An event is only removed once the dispatcher has fanned it out (its position is at
 * or below the "webhooks" outbox cursor), so pruning never loses a webhook; a delivery only once
 * it is finished (succeeded, failed or cancelled), together with its attempts.
 * Runs in `kith serve` and `kith worker`, at most once an hour per process; deleting in small
 * batches keeps each transaction short next to live traffic.
 */
import type { Core } from "../core/core.js";
import { WEBHOOK_CURSOR } from "../core/webhooks/deliveries.js";

const DAY_MS = 86_400_000;
const BATCH = 1_000;
export const PRUNE_INTERVAL_MS = 3_600_000;
/** The first run after start-up waits a little, so start-up itself stays quick. */
export const PRUNE_FIRST_DELAY_MS = 30_000;

export interface PruneResult {
  events: number;
  deliveries: number;
  attempts: number;
}

export async function pruneOldRecords(core: Core, retentionDays: number): Promise<PruneResult> {
  if (!Number.isInteger(retentionDays) || retentionDays < 1) {
    throw new RangeError(`retentionDays must be a whole number of at least 1, got ${retentionDays}`);
  }
  const cutoff = new Date(core.clock.now().getTime() - retentionDays * DAY_MS).toISOString();
  const result: PruneResult = { events: 0, deliveries: 0, attempts: 0 };

  const cursorRow = await core.db
    .selectFrom("outbox_cursors")
    .select("position")
    .where("name", "=", WEBHOOK_CURSOR)
    .executeTakeFirst();
  const fannedOut = cursorRow ? Number(cursorRow.position) : 0;
  for (;;) {
    const positions = (
      await core.db
        .selectFrom("events")
        .select("position")
        .where("position", "<=", fannedOut)
        .where("created_at", "<", cutoff)
        .orderBy("position")
        .limit(BATCH)
        .execute()
    ).map((row) => row.position);
    if (positions.length === 0) break;
    const deleted = await core.db.deleteFrom("events").where("position", "in", positions).executeTakeFirst();
    result.events += Number(deleted.numDeletedRows);
    if (positions.length < BATCH) break;
  }

  for (;;) {
    const ids = (
      await core.db
        .selectFrom("webhook_deliveries")
        .select("id")
        .where("created_at", "<", cutoff)
        .where("updated_at", "<", cutoff)
        .where("status", "in", ["succeeded", "failed", "cancelled"])
        .limit(BATCH)
        .execute()
    ).map((row) => row.id);
    if (ids.length === 0) break;
    await core.db.transaction().execute(async (trx) => {
      const attempts = await trx
        .deleteFrom("webhook_attempts")
        .where("delivery_id", "in", ids)
        .executeTakeFirst();
      // Re-checks the status: a delivery redelivered meanwhile is pending again and stays.
      const deliveries = await trx
        .deleteFrom("webhook_deliveries")
        .where("id", "in", ids)
        .where("status", "in", ["succeeded", "failed", "cancelled"])
        .executeTakeFirst();
      result.attempts += Number(attempts.numDeletedRows);
      result.deliveries += Number(deliveries.numDeletedRows);
    });
    if (ids.length < BATCH) break;
  }
  return result;
}

export interface PruningLogger {
  info(object: object, message: string): void;
  error(object: object, message: string): void;
}

export interface PruningJob {
  /** Runs one prune now (also what the timer calls). */
  runNow(): Promise<PruneResult>;
  /** Cancels the timer and waits for a run in progress. */
  stop(): Promise<void>;
}

/** Prunes shortly after start-up and then every hour, until stopped. */
export function startPruning(
  core: Core,
  options: { retentionDays: number; logger: PruningLogger; intervalMs?: number; firstDelayMs?: number },
): PruningJob {
  const intervalMs = options.intervalMs ?? PRUNE_INTERVAL_MS;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<PruneResult> | null = null;
  let stopped = false;

  const runNow = () => {
    running ??= pruneOldRecords(core, options.retentionDays).finally(() => {
      running = null;
    });
    return running;
  };
  const schedule = (delay: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      runNow()
        .then((result) => {
          if (result.events + result.deliveries > 0) options.logger.info({ ...result }, "pruned old records");
        })
        .catch((error) => options.logger.error({ err: error }, "pruning failed"))
        .finally(() => schedule(intervalMs));
    }, delay);
    timer.unref();
  };
  schedule(options.firstDelayMs ?? PRUNE_FIRST_DELAY_MS);

  return {
    runNow,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running?.catch(() => undefined);
    },
  };
}
