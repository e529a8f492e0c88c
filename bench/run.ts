/**
 * Kith's HTTP benchmark: `npm run bench` (= `node --import tsx bench/run.ts`). See bench/README.md.
 *
 * Process layout, everything on 127.0.0.1:
 * - child 1: a bare Fastify route answering constant JSON (bench/baseline-server.ts), the baseline;
 * - child 2: Kith itself over a fresh, seeded SQLite file (bench/kith-server.ts);
 * - this process: the load generator (autocannon's programmatic API) and the report.
 *
 * Why the load generator runs here rather than in a third child: on a 2-core machine the fair layout is
 * one core for the server under test and one for the load generator. This process does nothing else while
 * a run is in flight, so a third process would only add start-up and IPC without freeing a core; and the
 * server that is not being measured sits idle. Both servers are single-threaded Node processes, so each
 * can use about one core, and the report shows how busy both sides were (server CPU comes from the
 * child's own process.cpuUsage() over IPC): when the generator is the busier side during the baseline,
 * the baseline is understated and every ratio flatters Kith, and the report says so.
 *
 * Runs are interleaved (baseline, get, list, create, baseline, …) so that drift of the machine (thermal,
 * noisy neighbours) spreads over all scenarios instead of hitting one, and each figure is the median of
 * its rounds. Not a CI gate: the exit code is 0 unless something crashed (130 when interrupted).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { type ServerChild, startServer } from "./children.js";
import { type LatencySummary, median, round, summarizeLatencies } from "./stats.js";

// ---------------------------------------------------------------------------------------------------------
// Settings

function envNumber(name: string, fallback: number, check: (value: number) => boolean): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!check(value)) throw new Error(`${name} must be a positive number, got "${raw}"`);
  return value;
}
const positive = (value: number) => Number.isFinite(value) && value > 0;
const positiveInteger = (value: number) => Number.isInteger(value) && value > 0;
const nonNegative = (value: number) => Number.isFinite(value) && value >= 0;

const SECONDS = envNumber("KITH_BENCH_SECONDS", 5, positive);
const ROUNDS = envNumber("KITH_BENCH_ROUNDS", 3, positiveInteger);
const WARMUP_SECONDS = envNumber("KITH_BENCH_WARMUP_SECONDS", Math.min(2, SECONDS), nonNegative);
const LATENCY_SECONDS = envNumber("KITH_BENCH_LATENCY_SECONDS", SECONDS, positive);
const LEADS = envNumber("KITH_BENCH_LEADS", 10_000, positiveInteger);

const THROUGHPUT_LOAD = { connections: 100, pipelining: 10 } as const;
const LATENCY_LOAD = { connections: 10, pipelining: 1 } as const;
const P99_TARGET_MS = 5;
const LIST_PAGES = 40;
const PER_PAGE = 25;
const VALETHON = "/admin/api/v1/crm";
const RESULTS_FILE = fileURLToPath(new URL("./results/latest.json", import.meta.url));
const REPO_ROOT = fileURLToPath(new URL("..", import.meta.url));

// ---------------------------------------------------------------------------------------------------------
// Scenarios

type ScenarioName = "baseline" | "lead-get" | "lead-list" | "lead-create";

interface Scenario {
  name: ScenarioName;
  server: "baseline" | "kith";
  request: string;
  measures: string;
  /** Minimum median req/s relative to the baseline's median; null for the baseline itself. */
  ratioTarget: number | null;
  /** Load options (url, method, headers, requests) for autocannon. */
  load(): autocannon.Options;
}

interface Servers {
  baseline: ServerChild;
  kith: ServerChild;
}

// Counters shared by every connection of every run, so ids cycle and emails never repeat.
let getCounter = 0;
let listCounter = 0;
let createCounter = 0;
const emailTag = Date.now().toString(36);

const nextLeadPath = () => `${VALETHON}/leads/${(getCounter++ % LEADS) + 1}`;
const nextListPath = () => `${VALETHON}/leads?per_page=${PER_PAGE}&page=${(listCounter++ % LIST_PAGES) + 1}`;
function nextCreateBody(): string {
  const n = createCounter++;
  return JSON.stringify({
    first_name: "Load",
    last_name: `Tester ${n}`,
    email: `bench-${emailTag}-${n}@load.example.com`,
    phone: "+1 555 0100",
    company_name: "Bench Co",
    source: "bench",
    score: n % 101,
  });
}

function scenarios(servers: Servers): Scenario[] {
  const bare = `http://127.0.0.1:${servers.baseline.hello.port}`;
  const kith = `http://127.0.0.1:${servers.kith.hello.port}`;
  const readKey = servers.kith.hello.key!;
  const writeKey = servers.kith.hello.writeKey!;
  return [
    {
      name: "baseline",
      server: "baseline",
      request: "GET / (bare Fastify)",
      measures: "Node + Fastify + loopback HTTP: the ceiling every ratio divides by",
      ratioTarget: null,
      load: () => ({ url: `${bare}/`, method: "GET" }),
    },
    {
      name: "lead-get",
      server: "kith",
      request: "GET /leads/{n}",
      measures: `auth + rate limit + one indexed SQLite read + serialisation (n cycles 1..${LEADS})`,
      ratioTarget: 0.4,
      load: () => ({
        url: `${kith}${VALETHON}/leads/1`,
        headers: { "x-api-key": readKey },
        requests: [{ method: "GET", setupRequest: (request) => ({ ...request, path: nextLeadPath() }) }],
      }),
    },
    {
      name: "lead-list",
      server: "kith",
      request: `GET /leads?per_page=${PER_PAGE}&page=1..${LIST_PAGES}`,
      measures: `count over ${LEADS} live leads + an ordered page of ${PER_PAGE} (offset up to ${(LIST_PAGES - 1) * PER_PAGE})`,
      ratioTarget: 0.1,
      load: () => ({
        url: `${kith}${VALETHON}/leads`,
        headers: { "x-api-key": readKey },
        requests: [{ method: "GET", setupRequest: (request) => ({ ...request, path: nextListPath() }) }],
      }),
    },
    {
      name: "lead-create",
      server: "kith",
      request: "POST /leads (unique email)",
      measures: "body validation + a write transaction (email check, sequence, insert, event) on SQLite WAL",
      ratioTarget: 0.15,
      load: () => ({
        url: `${kith}${VALETHON}/leads`,
        headers: { "x-api-key": writeKey, "content-type": "application/json" },
        requests: [
          {
            method: "POST",
            setupRequest: (request) => ({ ...request, path: `${VALETHON}/leads`, body: nextCreateBody() }),
          },
        ],
      }),
    },
  ];
}

// ---------------------------------------------------------------------------------------------------------
// Running

type Phase = "warmup" | "throughput" | "latency";

interface RunRecord {
  scenario: ScenarioName;
  phase: Phase;
  round: number | null;
  connections: number;
  pipelining: number;
  durationSeconds: number;
  requests: number;
  reqPerSec: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  bytesPerResponse: number;
  /** Latency percentiles in ms: autocannon's (whole-ms histogram) for throughput runs, own samples for latency runs. */
  latencyMs: LatencySummary;
  /** Share of one core used during the run (1 = one full core). */
  serverCpu: number;
  loadGeneratorCpu: number;
  serverRssMb: number;
}

class Interrupted extends Error {}

let interrupted = false;
let current: autocannon.Instance | null = null;

async function measure(
  servers: Servers,
  scenario: Scenario,
  phase: Phase,
  roundNumber: number | null,
  load: { connections: number; pipelining: number },
  seconds: number,
): Promise<RunRecord> {
  if (interrupted) throw new Interrupted();
  const server = servers[scenario.server];
  const recordLatencies = phase === "latency";
  const latencies: number[] = [];
  const serverBefore = await server.stats();
  const ownBefore = process.cpuUsage();
  const started = performance.now();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    current = autocannon(
      { ...scenario.load(), ...load, duration: seconds, timeout: 10, title: `${scenario.name} ${phase}` },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
    if (recordLatencies) {
      current.on("response", (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
    }
  });
  current = null;
  const wallMs = performance.now() - started;
  const own = process.cpuUsage(ownBefore);
  const serverAfter = await server.stats();
  if (interrupted) throw new Interrupted();

  const serverMicros =
    serverAfter.cpu.user + serverAfter.cpu.system - serverBefore.cpu.user - serverBefore.cpu.system;
  const statusCodes: Record<string, number> = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {}))
    statusCodes[code] = stat.count ?? 0;
  const requests = result.requests.total;
  const latencyMs: LatencySummary = recordLatencies
    ? summarizeLatencies(latencies)
    : {
        samples: (result.latency as { totalCount?: number }).totalCount ?? requests,
        p50: result.latency.p50,
        p90: result.latency.p90,
        p99: result.latency.p99,
        max: result.latency.max,
      };
  return {
    scenario: scenario.name,
    phase,
    round: roundNumber,
    connections: load.connections,
    pipelining: load.pipelining,
    durationSeconds: result.duration,
    requests,
    reqPerSec: result.duration > 0 ? requests / result.duration : 0,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes,
    bytesPerResponse: requests > 0 ? Math.round(result.throughput.total / requests) : 0,
    latencyMs,
    serverCpu: round(serverMicros / 1000 / wallMs, 3),
    loadGeneratorCpu: round((own.user + own.system) / 1000 / wallMs, 3),
    serverRssMb: round(serverAfter.rss / 2 ** 20, 1),
  };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface PreflightCheck {
  scenario: ScenarioName;
  ok: boolean;
  status: number;
  detail: string;
}

/** One request per scenario, checked for status and shape, before any load. */
async function preflight(servers: Servers): Promise<PreflightCheck[]> {
  const bare = `http://127.0.0.1:${servers.baseline.hello.port}`;
  const kith = `http://127.0.0.1:${servers.kith.hello.port}`;
  const read = { "x-api-key": servers.kith.hello.key! };
  const checks: [ScenarioName, Promise<Response>, number, (body: any) => boolean][] = [
    ["baseline", fetch(`${bare}/`), 200, (body) => body?.hello === "world"],
    [
      "lead-get",
      fetch(`${kith}${VALETHON}/leads/${LEADS}`, { headers: read }),
      200,
      (body) => body?.data?.lead_id === LEADS,
    ],
    [
      "lead-list",
      fetch(`${kith}${VALETHON}/leads?per_page=${PER_PAGE}&page=${LIST_PAGES}`, { headers: read }),
      200,
      (body) =>
        body?.data?.length === Math.min(PER_PAGE, Math.max(0, LEADS - (LIST_PAGES - 1) * PER_PAGE)) &&
        body?.pagination?.total === LEADS,
    ],
    [
      "lead-create",
      fetch(`${kith}${VALETHON}/leads`, {
        method: "POST",
        headers: { "x-api-key": servers.kith.hello.writeKey!, "content-type": "application/json" },
        body: nextCreateBody(),
      }),
      201,
      (body) => body?.success === true && typeof body?.data?.lead_id === "number",
    ],
  ];
  const out: PreflightCheck[] = [];
  for (const [scenario, pending, expected, shape] of checks) {
    try {
      const response = await pending;
      const text = await response.text();
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      const ok = response.status === expected && shape(body);
      out.push({ scenario, ok, status: response.status, detail: ok ? "ok" : text.slice(0, 300) });
    } catch (error) {
      out.push({ scenario, ok: false, status: 0, detail: String(error) });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Report

interface ScenarioSummary {
  name: ScenarioName;
  request: string;
  measures: string;
  throughput: {
    perRound: number[];
    median: number;
    min: number;
    max: number;
    ratioToBaseline: number;
    ratioTarget: number | null;
    meetsTarget: boolean | null;
  };
  latency: {
    connections: number;
    pipelining: number;
    reqPerSec: number;
    p50Ms: number;
    p90Ms: number;
    p99Ms: number;
    maxMs: number;
    p99TargetMs: number | null;
    meetsTarget: boolean | null;
  } | null;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  bytesPerResponse: number;
  serverCpuMedian: number;
  loadGeneratorCpuMedian: number;
  serverRssMbMax: number;
  /** True when a non-2xx, error or timeout makes the figures meaningless. */
  invalid: boolean;
}

function summarize(list: Scenario[], runs: RunRecord[]): ScenarioSummary[] {
  const baselineMedian = median(
    runs
      .filter((run) => run.scenario === "baseline" && run.phase === "throughput")
      .map((run) => run.reqPerSec),
  );
  return list.map((scenario) => {
    const mine = runs.filter((run) => run.scenario === scenario.name);
    const throughput = mine.filter((run) => run.phase === "throughput");
    const latencyRun = mine.find((run) => run.phase === "latency");
    const perRound = throughput.map((run) => Math.round(run.reqPerSec));
    const medianRps = median(throughput.map((run) => run.reqPerSec));
    const ratio = medianRps / baselineMedian;
    const statusCodes: Record<string, number> = {};
    for (const run of mine) {
      for (const [code, count] of Object.entries(run.statusCodes))
        statusCodes[code] = (statusCodes[code] ?? 0) + count;
    }
    const sum = (pick: (run: RunRecord) => number) => mine.reduce((total, run) => total + pick(run), 0);
    const non2xx = sum((run) => run.non2xx);
    const errors = sum((run) => run.errors);
    const timeouts = sum((run) => run.timeouts);
    const p99Target = scenario.server === "kith" ? P99_TARGET_MS : null;
    return {
      name: scenario.name,
      request: scenario.request,
      measures: scenario.measures,
      throughput: {
        perRound,
        median: Math.round(medianRps),
        min: Math.min(...perRound),
        max: Math.max(...perRound),
        ratioToBaseline: round(ratio, 3),
        ratioTarget: scenario.ratioTarget,
        meetsTarget: scenario.ratioTarget === null ? null : ratio >= scenario.ratioTarget,
      },
      latency: latencyRun
        ? {
            connections: latencyRun.connections,
            pipelining: latencyRun.pipelining,
            reqPerSec: Math.round(latencyRun.reqPerSec),
            p50Ms: round(latencyRun.latencyMs.p50, 3),
            p90Ms: round(latencyRun.latencyMs.p90, 3),
            p99Ms: round(latencyRun.latencyMs.p99, 3),
            maxMs: round(latencyRun.latencyMs.max, 3),
            p99TargetMs: p99Target,
            meetsTarget: p99Target === null ? null : latencyRun.latencyMs.p99 <= p99Target,
          }
        : null,
      non2xx,
      errors,
      timeouts,
      statusCodes,
      bytesPerResponse: throughput[0]?.bytesPerResponse ?? 0,
      serverCpuMedian: round(median(throughput.map((run) => run.serverCpu)), 2),
      loadGeneratorCpuMedian: round(median(throughput.map((run) => run.loadGeneratorCpu)), 2),
      serverRssMbMax: Math.max(...mine.map((run) => run.serverRssMb)),
      invalid: non2xx > 0 || errors > 0 || timeouts > 0,
    };
  });
}

const thousands = (value: number) => Math.round(value).toLocaleString("en-US");
const percent = (share: number) => `${Math.round(share * 100)}%`;

function table(headers: string[], rows: string[][], rightAligned: Set<number>): string {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? "").length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) =>
        rightAligned.has(column) ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!),
      )
      .join("  ")
      .trimEnd();
  return [line(headers), widths.map((width) => "-".repeat(width)).join("  "), ...rows.map(line)].join("\n");
}

function flagsOf(
  summaries: ScenarioSummary[],
  preflightChecks: PreflightCheck[],
  servers: Servers,
): string[] {
  const flags: string[] = [];
  for (const check of preflightChecks) {
    if (!check.ok) {
      flags.push(`!!! PREFLIGHT FAILED for ${check.scenario}: HTTP ${check.status}: ${check.detail}`);
    }
  }
  for (const summary of summaries) {
    if (!summary.invalid) continue;
    const codes = Object.entries(summary.statusCodes)
      .filter(([code]) => !code.startsWith("2"))
      .map(([code, count]) => `${code}×${count}`)
      .join(", ");
    flags.push(
      `!!! ${summary.name}: ${summary.non2xx} non-2xx${codes ? ` (${codes})` : ""}, ${summary.errors} errors, ` +
        `${summary.timeouts} timeouts: ITS FIGURES ARE MEANINGLESS`,
    );
  }
  const baseline = summaries.find((summary) => summary.name === "baseline");
  if (baseline && baseline.loadGeneratorCpuMedian >= 0.9 && baseline.serverCpuMedian < 0.9) {
    flags.push(
      `note: during the baseline the load generator used ${percent(baseline.loadGeneratorCpuMedian)} of a core ` +
        `and the server ${percent(baseline.serverCpuMedian)}: the baseline is generator-bound, so it is ` +
        "understated and the ratios flatter Kith",
    );
  }
  for (const server of [servers.baseline, servers.kith]) {
    if (server.stderr.count > 0) {
      flags.push(
        `note: ${server.name} wrote ${server.stderr.count} line(s) to stderr; last:\n    ${server.stderr.tail.slice(-5).join("\n    ")}`,
      );
    }
  }
  return flags;
}

function printReport(summaries: ScenarioSummary[], machine: Machine, flags: string[]): void {
  const mark = (ok: boolean | null) => (ok === null ? "" : ok ? " ok" : " MISS");
  const main = table(
    [
      "scenario",
      "request",
      "req/s (median)",
      "rounds",
      "× bare",
      "target",
      "p99 @c10",
      "target",
      "non-2xx",
      "errors",
    ],
    summaries.map((summary) => [
      summary.invalid ? `${summary.name} !!!` : summary.name,
      summary.request,
      thousands(summary.throughput.median),
      summary.throughput.perRound.map((value) => thousands(value)).join(" / "),
      summary.throughput.ratioToBaseline.toFixed(3),
      summary.throughput.ratioTarget === null
        ? "-"
        : `>= ${summary.throughput.ratioTarget.toFixed(2)}${mark(summary.throughput.meetsTarget)}`,
      summary.latency ? `${summary.latency.p99Ms.toFixed(2)} ms` : "-",
      summary.latency?.p99TargetMs == null
        ? "-"
        : `<= ${summary.latency.p99TargetMs} ms${mark(summary.latency.meetsTarget)}`,
      String(summary.non2xx),
      String(summary.errors + summary.timeouts),
    ]),
    new Set([2, 4, 6, 8, 9]),
  );
  const detail = table(
    [
      "scenario",
      "server CPU",
      "loadgen CPU",
      "bytes/resp",
      "server RSS",
      "c10 req/s",
      "c10 p50",
      "c10 p90",
      "c10 max",
    ],
    summaries.map((summary) => [
      summary.name,
      percent(summary.serverCpuMedian),
      percent(summary.loadGeneratorCpuMedian),
      thousands(summary.bytesPerResponse),
      `${Math.round(summary.serverRssMbMax)} MB`,
      summary.latency ? thousands(summary.latency.reqPerSec) : "-",
      summary.latency ? `${summary.latency.p50Ms.toFixed(2)} ms` : "-",
      summary.latency ? `${summary.latency.p90Ms.toFixed(2)} ms` : "-",
      summary.latency ? `${summary.latency.maxMs.toFixed(2)} ms` : "-",
    ]),
    new Set([1, 2, 3, 4, 5, 6, 7, 8]),
  );
  const out = [
    "",
    "Kith HTTP benchmark",
    `machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.totalMemoryGb} GB RAM ` +
      `(${machine.freeMemoryGb} GB free at start), ${machine.platform}; node ${machine.node}; ` +
      `load average at start ${machine.loadAverage.join(" ")}`,
    `code: ${machine.commit ?? "unknown commit"}${machine.dirty ? " (uncommitted changes)" : ""}; ` +
      `fastify ${machine.versions.fastify}, better-sqlite3 ${machine.versions["better-sqlite3"]}, ` +
      `autocannon ${machine.versions.autocannon}`,
    `load: throughput ${ROUNDS} interleaved round(s) × ${SECONDS} s at ${THROUGHPUT_LOAD.connections} connections × ` +
      `${THROUGHPUT_LOAD.pipelining} pipelined (after ${WARMUP_SECONDS} s warm-up each); latency ${LATENCY_SECONDS} s ` +
      `at ${LATENCY_LOAD.connections} connections × ${LATENCY_LOAD.pipelining}; ${LEADS} leads per workspace`,
    "",
    main,
    "",
    "throughput runs (medians): share of one core used by the server and by the load generator; c10 = latency run",
    detail,
    "",
    ...(flags.length > 0 ? flags : ["no flags: every response of every run was 2xx"]),
    "",
    `full results: ${RESULTS_FILE}`,
    "",
  ];
  process.stdout.write(`${out.join("\n")}\n`);
}

// ---------------------------------------------------------------------------------------------------------
// Machine facts

interface Machine {
  cpuModel: string;
  cores: number;
  availableParallelism: number;
  node: string;
  platform: string;
  arch: string;
  totalMemoryGb: number;
  freeMemoryGb: number;
  loadAverage: number[];
  commit: string | null;
  dirty: boolean;
  versions: Record<string, string>;
}

function packageVersion(name: string): string {
  try {
    const text = readFileSync(join(REPO_ROOT, "node_modules", name, "package.json"), "utf8");
    return (JSON.parse(text) as { version: string }).version;
  } catch {
    return "?";
  }
}

function git(args: string[]): string | null {
  try {
    return execFileSync("git", args, {
      cwd: REPO_ROOT,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
  } catch {
    return null;
  }
}

function machineFacts(): Machine {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? "unknown",
    cores: cpus.length,
    availableParallelism: os.availableParallelism(),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    arch: os.arch(),
    totalMemoryGb: round(os.totalmem() / 2 ** 30, 1),
    freeMemoryGb: round(os.freemem() / 2 ** 30, 1),
    loadAverage: os.loadavg().map((value) => round(value, 2)),
    commit: git(["rev-parse", "--short", "HEAD"]),
    dirty: (git(["status", "--porcelain", "--untracked-files=no"]) ?? "") !== "",
    versions: {
      fastify: packageVersion("fastify"),
      "better-sqlite3": packageVersion("better-sqlite3"),
      kysely: packageVersion("kysely"),
      autocannon: packageVersion("autocannon"),
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// Main

const log = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  const startedAt = new Date();
  const machine = machineFacts();
  const dataDir = mkdtempSync(join(os.tmpdir(), "kith-bench-"));
  const started: ServerChild[] = [];
  try {
    log(`starting servers (seeding ${LEADS} leads in each of two workspaces)…`);
    // Settle both before going on, so a failure of one never leaves the other starting unwatched.
    const [baselineStart, kithStart] = await Promise.allSettled([
      startServer("baseline server", new URL("./baseline-server.ts", import.meta.url), {}, 60_000),
      startServer(
        "kith server",
        new URL("./kith-server.ts", import.meta.url),
        { KITH_BENCH_DIR: dataDir, KITH_BENCH_LEADS: String(LEADS) },
        180_000,
      ),
    ]);
    for (const start of [baselineStart, kithStart])
      if (start.status === "fulfilled") started.push(start.value);
    if (baselineStart.status === "rejected") throw baselineStart.reason;
    if (kithStart.status === "rejected") throw kithStart.reason;
    const baseline = baselineStart.value;
    const kith = kithStart.value;
    const servers: Servers = { baseline, kith };
    log(
      `baseline on :${baseline.hello.port}, kith on :${kith.hello.port} (seeded in ${kith.hello.seedMs} ms)`,
    );

    const checks = await preflight(servers);
    for (const check of checks)
      log(`preflight ${check.scenario}: ${check.ok ? "ok" : `FAILED (HTTP ${check.status})`}`);

    const list = scenarios(servers);
    const runs: RunRecord[] = [];
    const progress = (run: RunRecord) =>
      log(
        `  ${run.phase.padEnd(10)} ${String(run.round ?? "").padStart(2)} ${run.scenario.padEnd(12)} ` +
          `${thousands(run.reqPerSec).padStart(8)} req/s  p99 ${run.latencyMs.p99.toFixed(2)} ms` +
          `  server ${percent(run.serverCpu)} loadgen ${percent(run.loadGeneratorCpu)}` +
          (run.non2xx + run.errors + run.timeouts > 0
            ? `  !!! non-2xx ${run.non2xx}, errors ${run.errors}, timeouts ${run.timeouts}`
            : ""),
      );
    const go = async (scenario: Scenario, phase: Phase, roundNumber: number | null, seconds: number) => {
      const load = phase === "latency" ? LATENCY_LOAD : THROUGHPUT_LOAD;
      const run = await measure(servers, scenario, phase, roundNumber, load, seconds);
      runs.push(run);
      progress(run);
      await pause(250);
    };

    if (WARMUP_SECONDS > 0) {
      log("warm-up (not counted)…");
      for (const scenario of list) await go(scenario, "warmup", null, WARMUP_SECONDS);
    }
    log(`throughput: ${ROUNDS} round(s)…`);
    for (let roundNumber = 1; roundNumber <= ROUNDS; roundNumber++) {
      for (const scenario of list) await go(scenario, "throughput", roundNumber, SECONDS);
    }
    log("latency…");
    for (const scenario of list) await go(scenario, "latency", null, LATENCY_SECONDS);

    const summaries = summarize(list, runs);
    const flags = flagsOf(summaries, checks, servers);
    mkdirSync(join(RESULTS_FILE, ".."), { recursive: true });
    writeFileSync(
      RESULTS_FILE,
      `${JSON.stringify(
        {
          startedAt: startedAt.toISOString(),
          finishedAt: new Date().toISOString(),
          machine,
          settings: {
            seconds: SECONDS,
            rounds: ROUNDS,
            warmupSeconds: WARMUP_SECONDS,
            latencySeconds: LATENCY_SECONDS,
            leadsPerWorkspace: LEADS,
            throughputLoad: THROUGHPUT_LOAD,
            latencyLoad: LATENCY_LOAD,
            p99TargetMs: P99_TARGET_MS,
            seedMs: kith.hello.seedMs,
          },
          preflight: checks,
          summary: summaries,
          flags,
          runs,
        },
        null,
        2,
      )}\n`,
    );
    printReport(summaries, machine, flags);
  } finally {
    current?.stop();
    await Promise.all(started.map((child) => child.stop()));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    process.stderr.write(`\n${signal}: stopping the run and the servers…\n`);
    current?.stop();
  });
}

main().then(
  () => {
    process.exitCode = interrupted ? 130 : 0;
  },
  (error: unknown) => {
    if (error instanceof Interrupted) {
      process.exitCode = 130;
      return;
    }
    process.stderr.write(
      `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : error}\n`,
    );
    process.exitCode = 1;
  },
);
