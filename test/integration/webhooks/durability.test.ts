/**
 * Durability proof for webhook delivery (issue 4, item 5), with real processes on every engine:
 *
 * 1. `kith worker` is SIGKILLed at random moments (3–5 times) and restarted while this process
 *    keeps creating leads through the core; a last worker then drains the outbox.
 * 2. `kith serve --json` (its in-process dispatcher on) is stopped with SIGTERM mid-stream and
 *    started again on the same database while leads keep arriving over HTTP.
 *
 * Either way: every committed lead.created event reaches the loopback receiver at least once (every
 * body verified with `standardwebhooks`), a redelivery carries the same `webhook-id`, and no
 * delivery is left pending.
 *
 * A SIGKILLed worker leaves its claims in place until they expire; the workers here run with
 * KITH_WEBHOOK_CLAIM_SECONDS=3 (60 by default), so the last worker takes them over by itself.
 */
import { type ChildProcess, spawn } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Webhook } from "standardwebhooks";
import { afterEach, describe, expect, it } from "vitest";
import { type Core, createCore, type Scope } from "../../../src/core/core.js";
import { createKey } from "../../../src/core/keys/keys.service.js";
import { createLead } from "../../../src/core/leads/leads.service.js";
import { ensureServerSecret } from "../../../src/core/settings.js";
import { generateWebhookSecret } from "../../../src/core/webhooks/signing.js";
import { createWebhook } from "../../../src/core/webhooks/webhooks.service.js";
import { createWorkspace } from "../../../src/core/workspaces/workspaces.service.js";
import { type DatabaseHandle, openDatabase } from "../../../src/db/database.js";
import { migrateToLatest } from "../../../src/db/migrate.js";
import { createTestDatabase, ENGINES, type TestDatabase } from "../../support/engines.js";
import { neutralEnv } from "../../support/process-env.js";

const ROOT = resolve(fileURLToPath(new URL(".", import.meta.url)), "../../..");
const START_TIMEOUT_MS = 30_000;
const EXIT_TIMEOUT_MS = 20_000;
const DRAIN_DEADLINE_MS = 30_000;
/** How long a worker's claims last here: a killed worker's deliveries are taken over after it. */
const CLAIM_SECONDS = 3;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const between = (low: number, high: number) => low + Math.floor(Math.random() * (high - low + 1));

// ---------------------------------------------------------------------------------------------
// The receiver: records every request, verifies it as a receiver would, answers 204.

interface Delivery {
  webhookId: string;
  leadId: string;
  event: string;
}

interface Receiver {
  url: string;
  received: Delivery[];
  /** Requests that failed the standardwebhooks check (should stay empty). */
  rejected: string[];
  close(): Promise<void>;
}

async function startReceiver(secret: () => string | null): Promise<Receiver> {
  const received: Delivery[] = [];
  const rejected: string[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const headers = request.headers as Record<string, string>;
      try {
        const key = secret();
        if (!key) throw new Error("no secret yet");
        new Webhook(key).verify(body, headers);
        const parsed = JSON.parse(body);
        received.push({ webhookId: headers["webhook-id"]!, leadId: parsed.data.id, event: parsed.event });
      } catch (error) {
        rejected.push(`${(error as Error).message}: ${body.slice(0, 200)}`);
      }
      response.writeHead(204);
      response.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    rejected,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

// ---------------------------------------------------------------------------------------------
// Child processes: `node --import tsx src/cli/main.ts <command> --json`.

interface Kith {
  child: ChildProcess;
  /** The first JSON line printed on stdout (the banner). */
  ready: Promise<any>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
}

const children = new Set<ChildProcess>();

function kith(args: string[], env: Record<string, string>): Kith {
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args, "--json"], {
    cwd: ROOT,
    env: { ...neutralEnv(), KITH_LOG_LEVEL: "warn", KITH_WEBHOOK_ALLOW_PRIVATE: "true", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(child);
  let stdout = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8");
  child.stderr!.setEncoding("utf8");
  child.stderr!.on("data", (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => {
    child.once("exit", (code, signal) => {
      children.delete(child);
      r({ code, signal });
    });
  });
  const ready = new Promise<any>((resolveReady, rejectReady) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      rejectReady(new Error(`kith ${args[0]}: no banner within ${START_TIMEOUT_MS} ms\n${stderr}`));
    }, START_TIMEOUT_MS);
    child.stdout!.on("data", (chunk: string) => {
      stdout += chunk;
      const newline = stdout.indexOf("\n");
      if (newline < 0) return;
      clearTimeout(timer);
      try {
        resolveReady(JSON.parse(stdout.slice(0, newline)));
      } catch (error) {
        rejectReady(error);
      }
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      rejectReady(new Error(`kith ${args[0]} exited (${code ?? signal}) before its banner\n${stderr}`));
    });
  });
  ready.catch(() => {});
  return { child, ready, exited, stderr: () => stderr };
}

async function waitForExit(process: Kith): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">((r) => {
    timer = setTimeout(() => r("timeout"), EXIT_TIMEOUT_MS);
  });
  const result = await Promise.race([process.exited, timeout]);
  clearTimeout(timer);
  if (result === "timeout") {
    process.child.kill("SIGKILL");
    throw new Error(`did not exit within ${EXIT_TIMEOUT_MS} ms\n${process.stderr()}`);
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// The database, opened by this process too (to create data and to read the outcome).

interface Fixture {
  database: TestDatabase;
  handle: DatabaseHandle;
  core: Core;
  serverSecret: string;
  scope: Scope;
}

async function openFixture(engine: (typeof ENGINES)[number]): Promise<Fixture> {
  const database = await createTestDatabase(engine);
  const handle = openDatabase(database.url);
  await migrateToLatest(handle.db);
  const core = createCore(handle);
  // Stored in the database, so the child processes seal and open webhook secrets with it too.
  const serverSecret = await ensureServerSecret(core, undefined);
  const workspace = await createWorkspace(core, { name: "Durability" });
  return { database, handle, core, serverSecret, scope: { workspaceId: workspace.id, actor: "test" } };
}

/** What the database says should have been delivered, and how it went. */
async function outcome(fixture: Fixture) {
  const events = await fixture.core.db
    .selectFrom("events")
    .select(["id", "entity_id"])
    .where("workspace_id", "=", fixture.scope.workspaceId)
    .where("type", "=", "lead.created")
    .execute();
  const deliveries = await fixture.core.db
    .selectFrom("webhook_deliveries")
    .select(["id", "event_id", "status", "attempts"])
    .where("workspace_id", "=", fixture.scope.workspaceId)
    .execute();
  return { events, deliveries };
}

/** True once every lead.created event was received and no delivery is pending. */
async function drained(fixture: Fixture, receiver: Receiver): Promise<boolean> {
  const { events, deliveries } = await outcome(fixture);
  const seen = new Set(receiver.received.map((r) => r.leadId));
  return events.every((e) => seen.has(e.entity_id)) && deliveries.every((d) => d.status !== "pending");
}

async function waitUntilDrained(fixture: Fixture, receiver: Receiver): Promise<void> {
  const deadline = Date.now() + DRAIN_DEADLINE_MS;
  while (Date.now() < deadline) {
    if (await drained(fixture, receiver)) return;
    await sleep(100);
  }
}

/** The guarantee: every committed lead.created reached the receiver; a redelivery kept its id. */
async function expectEveryEventDelivered(fixture: Fixture, receiver: Receiver, webhookRowId: string) {
  const { events, deliveries } = await outcome(fixture);
  expect(events.length).toBeGreaterThan(0);
  expect(receiver.rejected).toEqual([]);
  expect(receiver.received.every((r) => r.event === "lead.created")).toBe(true);

  // Each lead's deliveries all carry one webhook-id: the delivery row's id.
  const idsByLead = new Map<string, Set<string>>();
  for (const r of receiver.received) {
    const ids = idsByLead.get(r.leadId) ?? new Set<string>();
    ids.add(r.webhookId);
    idsByLead.set(r.leadId, ids);
  }
  const split = [...idsByLead].filter(([, ids]) => ids.size !== 1);
  expect(split, "leads delivered under more than one webhook-id").toEqual([]);

  const deliveryOf = new Map(deliveries.map((d) => [d.event_id, d]));
  const missing: string[] = [];
  for (const event of events) {
    const ids = idsByLead.get(event.entity_id);
    const delivery = deliveryOf.get(event.id);
    if (!ids || !delivery) {
      missing.push(event.entity_id);
      continue;
    }
    expect([...ids]).toEqual([delivery.id]);
  }
  expect(missing, `undelivered events (of ${events.length})`).toEqual([]);
  // Nothing received that was not committed, nothing left behind.
  const committed = new Set(events.map((e) => e.entity_id));
  expect(receiver.received.filter((r) => !committed.has(r.leadId))).toEqual([]);
  expect(deliveries.filter((d) => d.status !== "succeeded")).toEqual([]);
  expect(deliveries).toHaveLength(events.length);
  const webhook = await fixture.core.db
    .selectFrom("webhooks")
    .select(["active", "failing_since"])
    .where("id", "=", webhookRowId)
    .executeTakeFirstOrThrow();
  expect(webhook.active).toBe(1);
  return {
    events: events.length,
    received: receiver.received.length,
    redelivered: receiver.received.length - idsByLead.size,
  };
}

/** Writer loops that create leads until stopped; they count what failed (not committed). */
function startWriters(count: number, pauseMs: number, create: (email: string) => Promise<boolean>) {
  let running = true;
  let created = 0;
  let failed = 0;
  let n = 0;
  const loops = Array.from({ length: count }, async (_, writer) => {
    while (running) {
      // A bounded rate (so the backlog can drain within the deadline), and a turn of the event loop:
      // better-sqlite3 is synchronous, and back-to-back writes would starve the receiver and timers.
      await sleep(between(pauseMs / 2, pauseMs * 1.5));
      const email = `lead-${writer}-${n++}@example.com`;
      if (await create(email)) created++;
      else {
        failed++;
        await sleep(20);
      }
    }
  });
  return {
    stats: () => ({ created, failed }),
    stop: async () => {
      running = false;
      await Promise.all(loops);
      return { created, failed };
    },
  };
}

// ---------------------------------------------------------------------------------------------

for (const engine of ENGINES) {
  describe(`webhook durability on ${engine}`, () => {
    const cleanups: (() => Promise<void>)[] = [];

    afterEach(async () => {
      for (const child of children) child.kill("SIGKILL");
      await Promise.all([...children].map((child) => new Promise((r) => child.once("exit", r))));
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
    });

    it("loses no event when `kith worker` is SIGKILLed and restarted repeatedly", {
      timeout: 90_000,
    }, async () => {
      const fixture = await openFixture(engine);
      cleanups.push(async () => {
        await fixture.handle.close();
        await fixture.database.drop();
      });
      const secret = generateWebhookSecret();
      const receiver = await startReceiver(() => secret);
      cleanups.push(() => receiver.close());
      const webhook = await createWebhook(
        fixture.core,
        fixture.scope,
        { serverSecret: fixture.serverSecret, allowPrivate: true },
        { url: receiver.url, events: ["lead.created"], secret },
      );
      const env = { DATABASE_URL: fixture.database.url, KITH_WEBHOOK_CLAIM_SECONDS: String(CLAIM_SECONDS) };

      const writers = startWriters(3, 40, async (email) => {
        try {
          await createLead(fixture.core, fixture.scope, { firstName: "Ada", email, source: "durability" });
          return true;
        } catch {
          return false;
        }
      });

      const killed: string[] = [];
      const kills = between(3, 5);
      try {
        for (let i = 0; i < kills; i++) {
          const worker = kith(["worker"], env);
          const banner = await worker.ready;
          killed.push(banner.worker);
          await sleep(between(300, 1500));
          worker.child.kill("SIGKILL");
          expect((await waitForExit(worker)).signal).toBe("SIGKILL");
        }
      } finally {
        await writers.stop();
      }
      const { created, failed } = writers.stats();
      expect(created).toBeGreaterThan(0);

      // What the killed workers still held when they died; the last worker must take it over.
      const stuck = await fixture.core.db
        .selectFrom("webhook_deliveries")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("claimed_by", "in", killed)
        .where("status", "=", "pending")
        .executeTakeFirstOrThrow();

      const last = kith(["worker"], env);
      await last.ready;
      await waitUntilDrained(fixture, receiver);
      last.child.kill("SIGTERM");
      const exit = await waitForExit(last);
      expect(exit.code, last.stderr()).toBe(0);
      expect(last.stderr()).not.toMatch(/"level":50/);

      const summary = await expectEveryEventDelivered(fixture, receiver, webhook.id);
      console.info(
        `[durability ${engine}] worker kills: ${kills}, leads created: ${created} (failed ${failed}), ` +
          `claims left by killed workers: ${Number(stuck.n)}, ` +
          `events: ${summary.events}, received: ${summary.received}, redelivered: ${summary.redelivered}`,
      );
    });

    it("loses no event when `kith serve` is restarted mid-stream", { timeout: 90_000 }, async () => {
      const fixture = await openFixture(engine);
      cleanups.push(async () => {
        await fixture.handle.close();
        await fixture.database.drop();
      });
      // A key with room for the load (the default limit is 120 requests a minute).
      const { key } = await createKey(fixture.core, fixture.scope, { type: "secret", rateLimit: 1_000_000 });
      let secret: string | null = null;
      const receiver = await startReceiver(() => secret);
      cleanups.push(() => receiver.close());
      const env = { DATABASE_URL: fixture.database.url, PORT: "0" };

      let server = kith(["serve"], env);
      let api: string = (await server.ready).api;
      // Registered through the Valethon API of the running server.
      const registered = await fetch(`${api}/webhooks`, {
        method: "POST",
        headers: { "x-api-key": key, "content-type": "application/json" },
        body: JSON.stringify({ url: receiver.url, events: ["lead.created"] }),
      });
      expect(registered.status).toBe(201);
      const webhook = ((await registered.json()) as any).data;
      secret = webhook.secret as string;
      expect(secret).toMatch(/^whsec_/);
      const webhookRow = await fixture.core.db
        .selectFrom("webhooks")
        .select("id")
        .where("workspace_id", "=", fixture.scope.workspaceId)
        .executeTakeFirstOrThrow();

      const accepted: string[] = [];
      const writers = startWriters(3, 10, async (email) => {
        try {
          const response = await fetch(`${api}/leads`, {
            method: "POST",
            headers: { "x-api-key": key, "content-type": "application/json" },
            body: JSON.stringify({ first_name: "Ada", email, source: "durability" }),
            signal: AbortSignal.timeout(10_000),
          });
          if (response.status !== 201) return false;
          accepted.push(((await response.json()) as any).data.uuid);
          return true;
        } catch {
          return false;
        }
      });

      try {
        for (let restart = 0; restart < 2; restart++) {
          await sleep(between(800, 1800));
          server.child.kill("SIGTERM");
          const exit = await waitForExit(server);
          expect(exit.code, server.stderr()).toBe(0);
          expect(server.stderr()).not.toMatch(/"level":50/);
          server = kith(["serve"], env);
          const banner = await server.ready;
          expect(banner.bootstrap).toBeNull();
          api = banner.api;
        }
        await sleep(between(800, 1800));
      } finally {
        await writers.stop();
      }
      const { created, failed } = writers.stats();
      expect(created).toBeGreaterThan(0);

      await waitUntilDrained(fixture, receiver);
      server.child.kill("SIGTERM");
      const exit = await waitForExit(server);
      expect(exit.code, server.stderr()).toBe(0);
      expect(server.stderr()).not.toMatch(/"level":50/);

      const summary = await expectEveryEventDelivered(fixture, receiver, webhookRow.id);
      // Every lead answered 201 was among them.
      const delivered = new Set(receiver.received.map((r) => r.leadId));
      expect(accepted.filter((id) => !delivered.has(id))).toEqual([]);
      console.info(
        `[durability ${engine}] server restarts: 2, leads accepted: ${created} (refused/failed ${failed}), ` +
          `events: ${summary.events}, received: ${summary.received}, redelivered: ${summary.redelivered}`,
      );
    });
  });
}
