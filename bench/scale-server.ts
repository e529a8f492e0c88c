/**
 * Kith over a large SQLite workspace for the scale benchmark: `kith demo`'s generator fills one
 * workspace with KITH_BENCH_SCALE_LEADS leads (default 1,000,000) and their companies, contacts,
 * opportunities and activities, then the real app serves it. Prints one hello line (see protocol.ts).
 * KITH_BENCH_DIR names the directory for the database; a database already there is reused, so a
 * second run skips the generation.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { loadConfig } from "../src/config.js";
import { createCore, type Scope } from "../src/core/core.js";
import { countLive } from "../src/core/counters.js";
import { generateDemoData } from "../src/core/demo/demo-data.js";
import { createKey } from "../src/core/keys/keys.service.js";
import { ensureServerSecret } from "../src/core/settings.js";
import { createWorkspace } from "../src/core/workspaces/workspaces.service.js";
import { openDatabase } from "../src/db/database.js";
import { migrateToLatest } from "../src/db/migrate.js";
import { buildApp } from "../src/http/app.js";
import { createMetrics } from "../src/http/metrics.js";
import { MemoryRateLimiter } from "../src/http/rate-limit/memory-rate-limiter.js";
import { onShutdown, serveStats } from "./protocol.js";

const leadCount = Number(process.env.KITH_BENCH_SCALE_LEADS ?? 1_000_000);
const ownDir = !process.env.KITH_BENCH_DIR;
const dir = process.env.KITH_BENCH_DIR || mkdtempSync(join(tmpdir(), "kith-scale-"));
const file = join(dir, `scale-${leadCount}.sqlite`);
const config = loadConfig({ DATABASE_URL: `sqlite:${file}`, PORT: "0", KITH_LOG_LEVEL: "warn" });
const logger = pino({ level: "warn" }, pino.destination({ dest: 2, sync: false }));
const handle = openDatabase(config.databaseUrl);
const limiter = new MemoryRateLimiter();
let closeApp: () => Promise<void> = async () => {};

onShutdown(async () => {
  await closeApp();
  await handle.close();
  if (ownDir) rmSync(dir, { recursive: true, force: true });
});
serveStats();

async function start() {
  await migrateToLatest(handle.db);
  const core = createCore(handle);
  await ensureServerSecret(core, config.secret);
  const started = performance.now();
  let workspace = await core.db
    .selectFrom("workspaces")
    .select(["id", "slug"])
    .where("slug", "=", "scale")
    .executeTakeFirst();
  if (!workspace) workspace = await createWorkspace(core, { name: "Scale", slug: "scale" });
  const scope: Scope = { workspaceId: workspace.id, actor: "bench" };
  // Generate what is missing (all of it on first use; nothing when the database is reused).
  const missing = leadCount - (await countLive(core.db, scope.workspaceId, "leads"));
  if (missing > 0) {
    let last = 0;
    await generateDemoData(core, scope, missing, (done) => {
      if (done - last >= 100_000 || done === missing) {
        last = done;
        process.stderr.write(`[scale] ${done} leads\n`);
      }
    });
  }
  const generatedMs = Math.round(performance.now() - started);
  const key = (await createKey(core, scope, { type: "secret", name: "scale", rateLimit: 1_000_000_000 })).key;
  const app = await buildApp({ config, core, limiter, metrics: createMetrics(), logger });
  closeApp = () => app.close();
  await app.listen({ port: 0, host: "127.0.0.1" });
  const address = app.server.address();
  if (typeof address !== "object" || address === null) throw new Error("no port");
  return { port: address.port, key, entityId: scope.workspaceId, leads: leadCount, seedMs: generatedMs };
}

start().then(
  (hello) => process.stdout.write(`${JSON.stringify(hello)}\n`),
  (error: unknown) => {
    process.stderr.write(`scale server failed: ${error instanceof Error ? error.stack : error}\n`);
    process.exit(1);
  },
);
