/**
 * Kith as the benchmark serves it: the real app (`buildApp`) over a fresh SQLite file, wired like
 * `startServer` in src/server.ts (in-memory rate limiter, metrics with default process metrics, key
 * usage flushed every 15 s) but without the bootstrap path, and logging only warnings (to stderr, so
 * stdout carries just the hello line).
 *
 * It creates two workspaces, each with N seeded leads (KITH_BENCH_LEADS, default 10,000) and a secret
 * key whose rate limit is far above anything a bench run can reach:
 * - `key`: the read workspace, used by GET by id and list, which therefore always hold exactly N leads;
 * - `writeKey`: the write workspace that the POST scenario fills, so creates don't skew list counts.
 *
 * Standalone: `node --import tsx bench/kith-server.ts` prints `{"port":…,"key":…,…}` and serves until
 * Ctrl+C. KITH_BENCH_DIR names the directory for the database (the parent passes one it removes
 * itself); without it a temporary directory is made and removed at shutdown.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { loadConfig } from "../src/config.js";
import { type Core, createCore, type Scope } from "../src/core/core.js";
import { createKey } from "../src/core/keys/keys.service.js";
import { ensureServerSecret } from "../src/core/settings.js";
import { createWorkspace } from "../src/core/workspaces/workspaces.service.js";
import { openDatabase } from "../src/db/database.js";
import { migrateToLatest } from "../src/db/migrate.js";
import { buildApp } from "../src/http/app.js";
import { createMetrics } from "../src/http/metrics.js";
import { MemoryRateLimiter } from "../src/http/rate-limit/memory-rate-limiter.js";
import { REDACTED_PATHS } from "../src/logger.js";
import { onShutdown, type ServerHello, serveStats } from "./protocol.js";
import { checkSeed, seedLeads } from "./seed.js";

/** The largest limit a key may have: ~16.7 M requests a second, never reached on loopback. */
const HUGE_RATE_LIMIT = 1_000_000_000;
const LAST_USED_FLUSH_MS = 15_000;

const leadCount = Number(process.env.KITH_BENCH_LEADS ?? 10_000);
if (!Number.isInteger(leadCount) || leadCount < 1) {
  throw new Error(`KITH_BENCH_LEADS must be a positive whole number, got "${process.env.KITH_BENCH_LEADS}"`);
}

const ownDir = !process.env.KITH_BENCH_DIR;
const dir = process.env.KITH_BENCH_DIR || mkdtempSync(join(tmpdir(), "kith-bench-"));
const config = loadConfig({
  DATABASE_URL: `sqlite:${join(dir, "kith.sqlite")}`,
  HOST: "127.0.0.1",
  PORT: "0",
  KITH_LOG_LEVEL: "warn",
  KITH_BOOTSTRAP: "false",
});
const logger = pino(
  { level: config.logLevel, redact: { paths: REDACTED_PATHS, censor: "[redacted]" } },
  pino.destination({ dest: 2, sync: false }),
);

const handle = openDatabase(config.databaseUrl);
const limiter = new MemoryRateLimiter();
let flushTimer: NodeJS.Timeout | undefined;
let closeApp: () => Promise<void> = async () => {};

async function cleanup(): Promise<void> {
  if (flushTimer) clearInterval(flushTimer);
  await closeApp();
  await limiter.close();
  await handle.close();
  logger.flush();
  if (ownDir) rmSync(dir, { recursive: true, force: true });
}
onShutdown(cleanup);
serveStats();

async function benchWorkspace(core: Core, name: string): Promise<{ scope: Scope; key: string }> {
  const workspace = await createWorkspace(core, { name });
  const scope: Scope = { workspaceId: workspace.id, actor: "bench" };
  const created = await createKey(core, scope, { type: "secret", name, rateLimit: HUGE_RATE_LIMIT });
  await seedLeads(core, scope, leadCount, workspace.slug);
  await checkSeed(core, scope, leadCount);
  return { scope, key: created.key };
}

async function start(): Promise<ServerHello> {
  const seedStarted = performance.now();
  await migrateToLatest(handle.db);
  const core = createCore(handle);
  await ensureServerSecret(core, config.secret);
  const read = await benchWorkspace(core, "Bench Reads");
  const write = await benchWorkspace(core, "Bench Writes");
  const seedMs = Math.round(performance.now() - seedStarted);

  const metrics = createMetrics({ defaultMetrics: true });
  const app = await buildApp({ config, core, limiter, metrics, logger, ready: () => handle.ping() });
  closeApp = () => app.close();
  flushTimer = setInterval(() => {
    core.keys.flushLastUsed().catch((error) => app.log.warn({ err: error }, "could not record key usage"));
  }, LAST_USED_FLUSH_MS);
  flushTimer.unref();

  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  if (typeof address !== "object" || address === null) throw new Error("the Kith server has no port");
  return { port: address.port, key: read.key, writeKey: write.key, leads: leadCount, seedMs };
}

start().then(
  (hello) => process.stdout.write(`${JSON.stringify(hello)}\n`),
  async (error: unknown) => {
    process.stderr.write(
      `kith bench server failed to start: ${error instanceof Error ? error.stack : error}\n`,
    );
    await cleanup().catch(() => {});
    process.exit(1);
  },
);
