/**
 * What every core service takes as its first argument: the database, the clock, and the
 * caches that must hear about changes. Built once per process by `createCore`.
 */
import type { Kysely, Transaction } from "kysely";
import type { DatabaseHandle, Engine } from "../db/database.js";
import type { Database } from "../db/schema.js";
import { LocalBus, type RealtimeBus } from "../realtime/bus.js";
import { type Clock, systemClock } from "./clock.js";
import { CountCache } from "./count-cache.js";
import { KeyVerifier } from "./keys/key-verifier.js";

export interface Core {
  readonly db: Kysely<Database>;
  readonly engine: Engine;
  readonly clock: Clock;
  readonly keys: KeyVerifier;
  /** Filtered-list totals, valid while their record type's counter version stands. */
  readonly counts: CountCache;
  /** Real-time notices for chat streams; publish only after the change has committed. */
  readonly bus: RealtimeBus;
}

export type Executor = Kysely<Database> | Transaction<Database>;
export type Trx = Transaction<Database>;

/** Who is acting, and in which workspace. Every core read and write is scoped by it. */
export interface Scope {
  readonly workspaceId: string;
  /** An API key id, a user id, or `system`. Recorded on events. */
  readonly actor: string;
}

export function createCore(handle: DatabaseHandle, options: { clock?: Clock; bus?: RealtimeBus } = {}): Core {
  const clock = options.clock ?? systemClock;
  return {
    db: handle.db,
    engine: handle.engine,
    clock,
    keys: new KeyVerifier(handle.db, clock),
    counts: new CountCache(),
    bus: options.bus ?? new LocalBus(),
  };
}
