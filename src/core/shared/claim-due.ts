/**
 * Claiming due work from an outbox table (outbound emails, campaign recipients): rows `queued`
 * whose `next_attempt_at` has come, or `sending` under a claim that expired (its worker died), are
 * set `sending` with the worker's expiring claim, oldest due first. PostgreSQL skips rows another
 * worker is claiming (`FOR UPDATE SKIP LOCKED`); the outer update re-checks the condition, so a
 * row claimed in between by another worker no longer qualifies.
 */
import type { Kysely, Selectable } from "kysely";
import type { Database } from "../../db/schema.js";
import type { Core } from "../core.js";

export type ClaimableTable = "outbound_emails" | "campaign_recipients";

export interface ClaimOptions {
  workerId: string;
  limit: number;
  claimSeconds: number;
}

/** Claims up to `options.limit` due rows of `table`; `alsoSet(at)` adds columns to set (updated_at). */
export async function claimDueRows<T extends ClaimableTable>(
  core: Core,
  table: T,
  options: ClaimOptions,
  alsoSet: (at: string) => Record<string, string> = () => ({}),
): Promise<Selectable<Database[T]>[]> {
  if (options.limit <= 0) return [];
  const now = core.clock.now();
  const at = now.toISOString();
  const until = new Date(now.getTime() + options.claimSeconds * 1000).toISOString();
  // Typed as outbound_emails: every column used here has the same name and type in both tables.
  const db = core.db as unknown as Kysely<Pick<Database, "outbound_emails">>;
  const rows = await db
    .updateTable(table as "outbound_emails")
    .set({ status: "sending", claimed_by: options.workerId, claimed_until: until, ...alsoSet(at) })
    .where("id", "in", (eb) => {
      let query = eb
        .selectFrom(`${table} as due` as "outbound_emails as due")
        .select("due.id")
        .where((w) =>
          w.or([
            w.and([w("due.status", "=", "queued"), w("due.next_attempt_at", "<=", at)]),
            w.and([w("due.status", "=", "sending"), w("due.claimed_until", "<", at)]),
          ]),
        )
        .orderBy("due.next_attempt_at")
        .limit(options.limit);
      if (core.engine === "postgres") query = query.forUpdate().skipLocked();
      return query;
    })
    .where((w) =>
      w.or([
        w.and([w("status", "=", "queued"), w("next_attempt_at", "<=", at)]),
        w.and([w("status", "=", "sending"), w("claimed_until", "<", at)]),
      ]),
    )
    .returningAll()
    .execute();
  return rows as unknown as Selectable<Database[T]>[];
}
