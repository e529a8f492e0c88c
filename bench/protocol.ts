/**
 * What the bench parent and its server children say to each other.
 *
 * - stdout: once listening, a child prints exactly one JSON line (`ServerHello`) and nothing else.
 * - IPC (when forked by the parent): the parent asks `{type: "stats"}` between runs and the child answers
 *   with its own CPU time and memory, so the report can tell whether the server was the bottleneck.
 * - A child shuts down on SIGTERM/SIGINT and when the IPC channel closes (the parent died), so no server
 *   outlives the bench.
 */

export interface ServerHello {
  port: number;
  /** Valethon secret key of the read workspace (absent for the baseline). */
  key?: string;
  /** Secret key of a second workspace that takes the POSTs, so writes don't grow the read workspace. */
  writeKey?: string;
  /** The read workspace's UUID (Axiomatic's `entityId`). */
  entityId?: string;
  /** Leads seeded per workspace. */
  leads?: number;
  /** How long migrating and seeding took, in ms. */
  seedMs?: number;
}

export interface StatsRequest {
  type: "stats";
}

export interface StatsReply {
  type: "stats";
  /** process.cpuUsage(), microseconds. */
  cpu: { user: number; system: number };
  rss: number;
  heapUsed: number;
}

export function isStatsRequest(message: unknown): message is StatsRequest {
  return typeof message === "object" && message !== null && (message as StatsRequest).type === "stats";
}

/** Answers the parent's stats requests; a no-op when the script runs standalone (no IPC channel). */
export function serveStats(): void {
  if (!process.send) return;
  process.on("message", (message) => {
    if (!isStatsRequest(message)) return;
    const memory = process.memoryUsage();
    const reply: StatsReply = {
      type: "stats",
      cpu: process.cpuUsage(),
      rss: memory.rss,
      heapUsed: memory.heapUsed,
    };
    process.send?.(reply);
  });
}

/** Runs `shutdown` once on SIGTERM, SIGINT or loss of the parent, then exits (forcibly after 5 s). */
export function onShutdown(shutdown: () => Promise<void>): void {
  let started = false;
  const stop = (code: number) => {
    if (started) return;
    started = true;
    setTimeout(() => process.exit(code), 5_000).unref();
    shutdown()
      .catch((error) => process.stderr.write(`shutdown failed: ${String(error)}\n`))
      .finally(() => process.exit(code));
  };
  process.once("SIGTERM", () => stop(0));
  process.once("SIGINT", () => stop(0));
  process.once("disconnect", () => stop(0));
}
