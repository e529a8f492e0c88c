/**
 * Figures computed from a workspace's records (dashboards, a board's counts), remembered per
 * process while the workspace's event stream stands still: every write of domain data appends an
 * event in its transaction, so the newest event position changes with every write. The age bound
 * covers what the position can miss: on PostgreSQL a transaction may commit after one holding a
 * later position.
 */
import type { Core, Scope } from "../core.js";

const MAX_AGE_MS = 10_000;
/** Figures remembered per process at most: names can carry client input (a date range, say). */
const MAX_ENTRIES = 1_000;

interface Remembered {
  /** Anything else the value depends on (a calendar day, say); a different token recomputes. */
  token: string;
  position: number;
  computedAt: number;
  value: unknown;
}

const remembered = new WeakMap<Core, Map<string, Remembered>>();

async function latestPosition(core: Core, scope: Scope): Promise<number> {
  const row = await core.db
    .selectFrom("events")
    .select((eb) => eb.fn.max("position").as("position"))
    .where("workspace_id", "=", scope.workspaceId)
    .executeTakeFirst();
  return Number(row?.position ?? 0);
}

/**
 * `compute()`'s value for `name` in the workspace, reused until the workspace's next write, a new
 * `token`, or 10 s after it was computed (by `nowMs`, default the core's clock).
 */
export async function untilNextWrite<T>(
  core: Core,
  scope: Scope,
  name: string,
  compute: () => Promise<T>,
  options: { token?: string; nowMs?: number } = {},
): Promise<T> {
  const nowMs = options.nowMs ?? core.clock.now().getTime();
  const token = options.token ?? "";
  let cache = remembered.get(core);
  if (!cache) {
    cache = new Map();
    remembered.set(core, cache);
  }
  const key = `${scope.workspaceId}\u0000${name}`;
  const position = await latestPosition(core, scope);
  const entry = cache.get(key);
  if (
    entry &&
    entry.token === token &&
    entry.position === position &&
    Math.abs(nowMs - entry.computedAt) < MAX_AGE_MS
  ) {
    return entry.value as T;
  }
  const value = await compute();
  cache.delete(key);
  // A Map iterates in insertion order: the first key is the least recently computed.
  if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value!);
  cache.set(key, { token, position, computedAt: nowMs, value });
  return value;
}
