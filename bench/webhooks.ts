/**
 * Webhook throughput scenario (`npm run bench:webhooks`): Kith as `kith serve` runs it (API plus the
 * in-process dispatcher, SQLite) with one webhook subscribed to every event, pointing at a local
 * receiver in this process that answers 204. autocannon creates leads at a steady rate for N
 * seconds; meanwhile the outbox backlog (events not yet fanned out + pending deliveries) is sampled
 * every second, and after the load stops the time until the backlog is empty is measured.
 *
 * Reports the delivery rate (deliveries received per second, load start to drained), the lag at the
 * receiver (first receipt minus the event's created_at; p50, p99, max) and the backlog over time.
 * Pass criteria (issue 4 item 6): the backlog stays bounded during load and drains within 10 s.
 *
 * Settings: KITH_BENCH_WEBHOOK_SECONDS (10), KITH_BENCH_WEBHOOK_RATE (creates per second, 200; 0 =
 * as fast as autocannon can), KITH_BENCH_WEBHOOK_CONNECTIONS (10), KITH_BENCH_WEBHOOK_DRAIN_LIMIT
 * (seconds to wait for the drain, 60). Results go to bench/results/webhooks-latest.json.
 * Exit code 0 unless something crashed (not a CI gate).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import autocannon from "autocannon";
import { startServer } from "./children.js";
import type { BacklogReply, CreatedReply } from "./kith-webhook-server.js";

const VALETHON = "/admin/api/v1/crm";

function setting(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min)
    throw new Error(`${name} must be a number ≥ ${min}, got "${raw}"`);
  return value;
}

const SECONDS = setting("KITH_BENCH_WEBHOOK_SECONDS", 10, 1);
const RATE = setting("KITH_BENCH_WEBHOOK_RATE", 200, 0);
const CONNECTIONS = setting("KITH_BENCH_WEBHOOK_CONNECTIONS", 10, 1);
const DRAIN_LIMIT_S = setting("KITH_BENCH_WEBHOOK_DRAIN_LIMIT", 60, 1);
const DRAIN_TARGET_S = 10;

interface Receiver {
  url: string;
  /** First receipt time (ms) per `webhook-id`. */
  firstSeen: Map<string, number>;
  received: number;
  close(): Promise<void>;
}

async function startReceiver(): Promise<Receiver> {
  const firstSeen = new Map<string, number>();
  const state = { received: 0 };
  const server = http.createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      const at = Date.now();
      state.received++;
      const id = String(request.headers["webhook-id"] ?? "");
      if (id && !firstSeen.has(id)) firstSeen.set(id, at);
      response.writeHead(204);
      response.end();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    firstSeen,
    get received() {
      return state.received;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0
    ? Number.NaN
    : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Sample {
  /** Seconds since the load started. */
  t: number;
  phase: "load" | "drain";
  unfanned: number;
  pending: number;
  succeeded: number;
  received: number;
}

async function main(): Promise<void> {
  const receiver = await startReceiver();
  const kith = await startServer(
    "kith (serve + dispatcher)",
    new URL("./kith-webhook-server.ts", import.meta.url),
    { KITH_BENCH_RECEIVER: receiver.url },
    60_000,
  );
  const samples: Sample[] = [];
  try {
    const base = `http://127.0.0.1:${kith.hello.port}`;
    const tag = Date.now().toString(36);
    let n = 0;
    const body = () =>
      JSON.stringify({
        first_name: "Hook",
        last_name: `Load ${n}`,
        email: `hook-${tag}-${n++}@load.example.com`,
        source: "bench",
      });

    const started = performance.now();
    const sample = async (phase: Sample["phase"]) => {
      const backlog = await kith.ask<BacklogReply>("backlog");
      const point: Sample = {
        t: Math.round((performance.now() - started) / 100) / 10,
        phase,
        unfanned: backlog.unfanned,
        pending: backlog.pending,
        succeeded: backlog.succeeded,
        received: receiver.received,
      };
      samples.push(point);
      return point;
    };

    process.stdout.write(
      `load: POST ${VALETHON}/leads for ${SECONDS} s at ${RATE > 0 ? `${RATE}/s` : "full speed"}, ${CONNECTIONS} connections\n`,
    );
    let loading = true;
    const sampler = (async () => {
      while (loading) {
        await sleep(1_000);
        if (loading) await sample("load");
      }
    })();
    const result = await autocannon({
      url: `${base}${VALETHON}/leads`,
      connections: CONNECTIONS,
      duration: SECONDS,
      ...(RATE > 0 ? { overallRate: RATE } : {}),
      headers: { "x-api-key": kith.hello.writeKey!, "content-type": "application/json" },
      requests: [{ method: "POST", setupRequest: (request) => ({ ...request, body: body() }) }],
    });
    loading = false;
    await sampler;
    const loadEnded = performance.now();
    const created = result["2xx"];

    let drainedAt: number | null = null;
    for (;;) {
      const point = await sample("drain");
      if (point.unfanned === 0 && point.pending === 0 && point.succeeded >= created) {
        drainedAt = performance.now();
        break;
      }
      if (performance.now() - loadEnded > DRAIN_LIMIT_S * 1000) break;
      await sleep(250);
    }
    const drainS = drainedAt === null ? null : (drainedAt - loadEnded) / 1000;

    const { rows } = await kith.ask<CreatedReply>("created", 30_000);
    const lags: number[] = [];
    for (const [id, createdAt] of rows) {
      const seen = receiver.firstSeen.get(id);
      if (seen !== undefined) lags.push(seen - createdAt);
    }
    lags.sort((a, b) => a - b);
    const deliveredS = ((drainedAt ?? performance.now()) - started) / 1000;
    const peakBacklog = Math.max(
      0,
      ...samples.filter((s) => s.phase === "load").map((s) => s.unfanned + s.pending),
    );
    const report = {
      settings: { seconds: SECONDS, rate: RATE || "max", connections: CONNECTIONS },
      load: {
        requests: result.requests.total,
        created,
        non2xx: result.non2xx,
        errors: result.errors,
        createsPerSec: Math.round((created / result.duration) * 10) / 10,
        latencyP99Ms: result.latency.p99,
      },
      deliveries: {
        unique: receiver.firstSeen.size,
        received: receiver.received,
        ratePerSec: Math.round((receiver.firstSeen.size / deliveredS) * 10) / 10,
        lagMs: { p50: percentile(lags, 50), p99: percentile(lags, 99), max: lags.at(-1) ?? Number.NaN },
      },
      backlog: { peakDuringLoad: peakBacklog, drainSeconds: drainS, drainTargetSeconds: DRAIN_TARGET_S },
      pass: drainS !== null && drainS <= DRAIN_TARGET_S && receiver.firstSeen.size >= created,
      samples,
      serverStderr: kith.stderr,
    };

    process.stdout.write("\n  t (s)  phase   unfanned  pending  succeeded  received\n");
    for (const s of samples.filter(
      (_, i, all) => i % Math.max(1, Math.floor(all.length / 40)) === 0 || i === all.length - 1,
    )) {
      process.stdout.write(
        `${String(s.t).padStart(7)}  ${s.phase.padEnd(6)} ${String(s.unfanned).padStart(9)} ${String(s.pending).padStart(8)} ${String(s.succeeded).padStart(10)} ${String(s.received).padStart(9)}\n`,
      );
    }
    process.stdout.write(
      [
        "",
        `leads created: ${created} (${report.load.createsPerSec}/s, p99 ${report.load.latencyP99Ms} ms; non-2xx ${result.non2xx}, errors ${result.errors})`,
        `deliveries: ${report.deliveries.unique} unique (${report.deliveries.received} received), ${report.deliveries.ratePerSec}/s from load start to drained`,
        `lag at the receiver (receipt − event created_at): p50 ${report.deliveries.lagMs.p50} ms, p99 ${report.deliveries.lagMs.p99} ms, max ${report.deliveries.lagMs.max} ms`,
        `backlog: peak ${peakBacklog} during load; drained ${drainS === null ? `NOT within ${DRAIN_LIMIT_S} s` : `${drainS.toFixed(2)} s`} after load stopped (target ≤ ${DRAIN_TARGET_S} s)`,
        `result: ${report.pass ? "PASS" : "FAIL"}`,
        "",
      ].join("\n"),
    );
    mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
    writeFileSync(
      new URL("./results/webhooks-latest.json", import.meta.url),
      `${JSON.stringify(report, null, 2)}\n`,
    );
  } finally {
    await kith.stop();
    await receiver.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench:webhooks failed: ${error instanceof Error ? error.stack : error}\n`);
    process.exit(1);
  },
);
