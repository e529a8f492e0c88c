/**
 * Kith as `kith serve` runs it (src/server.ts: the HTTP API plus the in-process webhook dispatcher)
 * over a fresh SQLite file, for the webhook throughput scenario (bench/webhooks.ts). It creates one
 * workspace with a secret key and one webhook, subscribed to every event, pointing at
 * KITH_BENCH_RECEIVER (a loopback URL, hence KITH_WEBHOOK_ALLOW_PRIVATE).
 *
 * Besides the usual stats, it answers two IPC requests from the parent:
 * - `{type:"backlog"}`: events not yet fanned out, deliveries pending and succeeded;
 * - `{type:"created"}`: for every delivery, its id (the `webhook-id` header) and the creation time
 *   of its event in ms, to compute the lag at the receiver.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { loadConfig } from "../src/config.js";
import type { Scope } from "../src/core/core.js";
import { createKey } from "../src/core/keys/keys.service.js";
import { ensureServerSecret } from "../src/core/settings.js";
import { WEBHOOK_CURSOR } from "../src/core/webhooks/deliveries.js";
import { createWebhook } from "../src/core/webhooks/webhooks.service.js";
import { createWorkspace } from "../src/core/workspaces/workspaces.service.js";
import { type RunningServer, startServer } from "../src/server.js";
import { onShutdown, type ServerHello, serveStats } from "./protocol.js";

const receiver = process.env.KITH_BENCH_RECEIVER;
if (!receiver) throw new Error("KITH_BENCH_RECEIVER must name the receiver's URL");

const ownDir = !process.env.KITH_BENCH_DIR;
const dir = process.env.KITH_BENCH_DIR || mkdtempSync(join(tmpdir(), "kith-bench-webhooks-"));
const config = loadConfig({
  DATABASE_URL: `sqlite:${join(dir, "kith.sqlite")}`,
  HOST: "127.0.0.1",
  PORT: "0",
  KITH_LOG_LEVEL: "error",
  KITH_BOOTSTRAP: "false",
  KITH_WEBHOOK_ALLOW_PRIVATE: "true",
});

let server: RunningServer | null = null;
onShutdown(async () => {
  await server?.close();
  if (ownDir) rmSync(dir, { recursive: true, force: true });
});
serveStats();

export interface BacklogReply {
  type: "backlog";
  /** Events past the fan-out cursor. */
  unfanned: number;
  pending: number;
  succeeded: number;
  failed: number;
}

export interface CreatedReply {
  type: "created";
  /** [delivery id, event created_at in ms since the epoch] */
  rows: [string, number][];
}

process.on("message", (message: { type?: string }) => {
  const core = server?.runtime.core;
  if (!core || !process.send) return;
  if (message?.type === "backlog") {
    void (async () => {
      const cursor = await core.db
        .selectFrom("outbox_cursors")
        .select("position")
        .where("name", "=", WEBHOOK_CURSOR)
        .executeTakeFirst();
      const unfanned = await core.db
        .selectFrom("events")
        .select(sql<number>`count(*)`.as("n"))
        .where("position", ">", cursor ? Number(cursor.position) : 0)
        .executeTakeFirstOrThrow();
      const byStatus = await core.db
        .selectFrom("webhook_deliveries")
        .select(["status", sql<number>`count(*)`.as("n")])
        .groupBy("status")
        .execute();
      const count = (status: string) => Number(byStatus.find((row) => row.status === status)?.n ?? 0);
      const reply: BacklogReply = {
        type: "backlog",
        unfanned: Number(unfanned.n),
        pending: count("pending"),
        succeeded: count("succeeded"),
        failed: count("failed"),
      };
      process.send?.(reply);
    })();
  } else if (message?.type === "created") {
    void (async () => {
      const rows = await core.db
        .selectFrom("webhook_deliveries as d")
        .innerJoin("events as e", "e.id", "d.event_id")
        .select(["d.id", "e.created_at"])
        .execute();
      const reply: CreatedReply = {
        type: "created",
        rows: rows.map((row) => [row.id, Date.parse(row.created_at)]),
      };
      process.send?.(reply);
    })();
  }
});

async function start(): Promise<ServerHello> {
  server = await startServer(config, { worker: true });
  const core = server.runtime.core;
  const serverSecret = await ensureServerSecret(core, config.secret);
  const workspace = await createWorkspace(core, { name: "Bench Webhooks" });
  const scope: Scope = { workspaceId: workspace.id, actor: "bench" };
  const key = await createKey(core, scope, { type: "secret", name: "bench", rateLimit: 1_000_000_000 });
  await createWebhook(core, scope, { serverSecret, allowPrivate: true }, { url: receiver, events: ["*"] });
  return { port: Number(new URL(server.url).port), key: key.key, writeKey: key.key };
}

start().then(
  (hello) => process.stdout.write(`${JSON.stringify(hello)}\n`),
  async (error: unknown) => {
    process.stderr.write(
      `kith webhook bench server failed to start: ${error instanceof Error ? error.stack : error}\n`,
    );
    await server?.close().catch(() => {});
    if (ownDir) rmSync(dir, { recursive: true, force: true });
    process.exit(1);
  },
);
