/**
 * `kith serve --json` as a real process on a real port: the bootstrap banner, the operations
 * routes, graceful shutdown under load (no accepted write is lost), and logs that never carry a key.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { neutralEnv } from "../../support/process-env.js";

const ROOT = resolve(fileURLToPath(new URL(".", import.meta.url)), "../../..");
const START_TIMEOUT_MS = 30_000;
const EXIT_TIMEOUT_MS = 15_000;

interface Banner {
  url: string;
  api: string;
  docs: string;
  demo?: string;
  bootstrap: { workspace: string; secret_key: string; public_key: string } | null;
}

interface Served {
  child: ChildProcess;
  banner: Banner;
  /** The exact banner line as printed. */
  bannerLine: string;
  stdout(): string;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children = new Set<ChildProcess>();

const isBanner = (value: unknown): value is Banner =>
  typeof value === "object" && value !== null && "url" in value && "api" in value && "bootstrap" in value;

/** Starts `kith serve --json` and resolves once it printed its banner line. */
function serve(dbPath: string, env: Record<string, string> = {}): Promise<Served> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", "serve", "--json"], {
    cwd: ROOT,
    env: {
      ...neutralEnv(),
      PORT: "0",
      DATABASE_URL: `sqlite:${dbPath}`,
      KITH_LOG_LEVEL: "warn",
      ...env,
    },
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
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolveExit) => {
    child.once("exit", (code, signal) => {
      children.delete(child);
      resolveExit({ code, signal });
    });
  });
  return new Promise<Served>((resolveStart, rejectStart) => {
    let done = false;
    const finish = (error: Error | null, served?: Served) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (error) {
        child.kill("SIGKILL");
        rejectStart(error);
      } else resolveStart(served!);
    };
    const timer = setTimeout(
      () =>
        finish(new Error(`no banner within ${START_TIMEOUT_MS} ms\nstdout: ${stdout}\nstderr: ${stderr}`)),
      START_TIMEOUT_MS,
    );
    child.stdout!.on("data", (chunk: string) => {
      stdout += chunk;
      if (done) return;
      for (const line of stdout.split("\n").slice(0, -1)) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(line);
        } catch {
          continue;
        }
        if (isBanner(parsed)) {
          finish(null, {
            child,
            banner: parsed,
            bannerLine: line,
            stdout: () => stdout,
            stderr: () => stderr,
            exited,
          });
          return;
        }
      }
    });
    void exited.then(({ code, signal }) =>
      finish(new Error(`exited (${code ?? signal}) before its banner\nstdout: ${stdout}\nstderr: ${stderr}`)),
    );
  });
}

/** Sends SIGTERM and waits (bounded) for the exit; SIGKILLs and fails on a hang. */
async function stop(served: Served): Promise<number | null> {
  if (served.child.exitCode !== null || served.child.signalCode !== null) return served.child.exitCode;
  served.child.kill("SIGTERM");
  return waitForExit(served);
}

async function waitForExit(served: Served): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">((resolveTimeout) => {
    timer = setTimeout(() => resolveTimeout("timeout"), EXIT_TIMEOUT_MS);
  });
  const result = await Promise.race([served.exited, timeout]);
  clearTimeout(timer);
  if (result === "timeout") {
    served.child.kill("SIGKILL");
    throw new Error(`the server did not exit within ${EXIT_TIMEOUT_MS} ms after SIGTERM`);
  }
  return result.code;
}

interface Outcome {
  status?: number;
  body?: string;
  error?: string;
}

/** One request on its own connection (no keep-alive pool), with a bounded wait. */
function request(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: unknown } = {},
): Promise<Outcome> {
  return new Promise((resolveRequest) => {
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    const req = http.request(
      url,
      {
        method: options.method ?? "GET",
        agent: false,
        timeout: 20_000,
        headers: {
          ...(payload === undefined ? {} : { "content-type": "application/json" }),
          ...options.headers,
        },
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          body += chunk;
        });
        res.on("end", () => resolveRequest({ status: res.statusCode!, body }));
        res.on("error", (error: NodeJS.ErrnoException) =>
          resolveRequest({ error: `response ${error.code ?? error.message}` }),
        );
      },
    );
    req.on("timeout", () => req.destroy(Object.assign(new Error("timeout"), { code: "ETIMEDOUT" })));
    req.on("error", (error: NodeJS.ErrnoException) => resolveRequest({ error: error.code ?? error.message }));
    req.end(payload);
  });
}

const jsonOf = (outcome: Outcome): any => JSON.parse(outcome.body ?? "null");

afterAll(() => {
  for (const child of children) child.kill("SIGKILL");
});

describe("kith serve --json", () => {
  let dir: string;
  let served: Served;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "kith-serve-"));
    served = await serve(join(dir, "kith.sqlite"));
  });
  afterAll(async () => {
    if (served) await stop(served).catch(() => served.child.kill("SIGKILL"));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("prints one JSON banner with the first-start keys", () => {
    const { banner } = served;
    expect(Object.keys(banner).sort()).toEqual(["api", "bootstrap", "demo", "docs", "url"]);
    expect(banner.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(banner.url).not.toMatch(/:0$/);
    expect(banner.api).toBe(`${banner.url}/admin/api/v1/crm`);
    expect(banner.docs).toBe(`${banner.url}/docs`);
    expect(banner.bootstrap).toEqual({
      workspace: "default",
      secret_key: expect.stringMatching(/^crm_[A-Za-z0-9]{32}$/),
      public_key: expect.stringMatching(/^pk_test_[A-Za-z0-9]{32}$/),
    });
    expect(banner.demo).toBe(`${banner.url}/widget/demo?key=${banner.bootstrap!.public_key}`);
  });

  it("serves the chat widget demo page with the bootstrap public key, and the widget script", async () => {
    const demo = await request(served.banner.demo!);
    expect(demo.status, demo.error ?? demo.body).toBe(200);
    expect(demo.body).toContain(`publicKey: "${served.banner.bootstrap!.public_key}"`);
    expect(demo.body).toContain('<script src="/widget/chat.js" async></script>');
    const script = await request(`${served.banner.url}/widget/chat.js`);
    expect(script.status).toBe(200);
    expect(script.body).toContain('"/admin/api/v1/crm"');
  });

  it("answers the bootstrap secret key on the leads list", async () => {
    const response = await request(`${served.banner.api}/leads`, {
      headers: { "x-api-key": served.banner.bootstrap!.secret_key },
    });
    expect(response.status, response.error ?? response.body).toBe(200);
    expect(jsonOf(response)).toEqual({
      success: true,
      data: [],
      pagination: { page: 1, per_page: 25, total: 0, total_pages: 0 },
    });
    const refused = await request(`${served.banner.api}/leads`);
    expect(refused.status).toBe(401);
  });

  it("serves /healthz, /readyz and /metrics", async () => {
    const health = await request(`${served.banner.url}/healthz`);
    expect(health.status).toBe(200);
    expect(jsonOf(health)).toEqual({ status: "ok" });
    const ready = await request(`${served.banner.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(jsonOf(ready)).toEqual({ status: "ready" });
    const metrics = await request(`${served.banner.url}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.body).toContain("kith_http_requests_total");
    expect(metrics.body).toMatch(/kith_http_requests_total\{[^}]*dialect="valethon"[^}]*\} \d+/);
  });

  it("serves the API reference: /docs as HTML and the Valethon OpenAPI 3 document", async () => {
    const response = await fetch(served.banner.docs, { signal: AbortSignal.timeout(20_000) });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/text\/html/);
    const html = await response.text();
    expect(html).toMatch(/<html/i);
    expect(html).toMatch(/swagger/i);

    const openapi = await request(`${served.banner.api}/openapi.json`);
    expect(openapi.status).toBe(200);
    const document = jsonOf(openapi);
    expect(document.openapi).toMatch(/^3\./);
    expect(document.paths).toHaveProperty("/leads");
    expect(document.paths["/leads"]).toHaveProperty("get");
    expect(document.paths["/leads"]).toHaveProperty("post");
  });

  it("prints nothing on stdout but the banner at log level warn", () => {
    expect(served.stdout().trim()).toBe(served.bannerLine);
  });
});

describe("graceful shutdown", () => {
  let dir: string;
  let dbPath: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "kith-shutdown-"));
    dbPath = join(dir, "kith.sqlite");
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("finishes accepted writes, refuses the rest, exits 0, and keeps every 201 lead", {
    timeout: 90_000,
  }, async () => {
    const first = await serve(dbPath);
    const key = first.banner.bootstrap!.secret_key;
    const post = (email: string) =>
      request(`${first.banner.api}/leads`, {
        method: "POST",
        headers: { "x-api-key": key },
        body: { email },
      }).then((outcome) => ({ email, ...outcome }));

    let signalled = false;
    const sigterm = () => {
      if (signalled) return;
      signalled = true;
      first.child.kill("SIGTERM");
    };
    // The first wave: SIGTERM as soon as the first of them is answered.
    const wave = Array.from({ length: 40 }, (_, index) =>
      post(`shutdown-${index}@example.com`).then((outcome) => {
        sigterm();
        return outcome;
      }),
    );
    // A second wave sent just after the signal, while the server is closing.
    const late = new Promise<Awaited<ReturnType<typeof post>>[]>((resolveLate) => {
      const check = setInterval(() => {
        if (!signalled) return;
        clearInterval(check);
        setTimeout(() => {
          resolveLate(
            Promise.all(Array.from({ length: 10 }, (_, index) => post(`late-${index}@example.com`))),
          );
        }, 5);
      }, 1);
    });
    const outcomes = [...(await Promise.all(wave)), ...(await late)];
    const code = await waitForExit(first);

    const summary = JSON.stringify(
      outcomes.reduce<Record<string, number>>((counts, outcome) => {
        const label = outcome.status === undefined ? String(outcome.error) : String(outcome.status);
        counts[label] = (counts[label] ?? 0) + 1;
        return counts;
      }, {}),
    );
    expect(code, `exit code; stderr: ${first.stderr()}`).toBe(0);
    const created = outcomes.filter((outcome) => outcome.status === 201);
    expect(created.length, summary).toBeGreaterThan(0);
    for (const outcome of outcomes) {
      if (outcome.status !== undefined) {
        // An accepted request ends as a write or a "closing" answer, never a server error.
        expect([201, 503], `${outcome.email}: ${outcome.status} ${outcome.body} (${summary})`).toContain(
          outcome.status,
        );
      } else {
        // Refused before it was read: no server listening, or a connection the closing server
        // dropped before any request was parsed on it (see the report).
        expect(["ECONNREFUSED", "ECONNRESET"], `${outcome.email}: ${outcome.error} (${summary})`).toContain(
          outcome.error,
        );
      }
    }
    expect(first.stderr()).not.toMatch(/"level":50/);

    // The same database again: no second bootstrap, and every 201 lead is there.
    const second = await serve(dbPath);
    try {
      expect(second.banner.bootstrap).toBeNull();
      expect(second.banner).not.toHaveProperty("demo");
      for (const outcome of created) {
        const leadId = jsonOf(outcome).data.lead_id;
        expect(Number.isInteger(leadId)).toBe(true);
        const read = await request(`${second.banner.api}/leads/${leadId}`, { headers: { "x-api-key": key } });
        expect(read.status, `${outcome.email}: ${read.body ?? read.error}`).toBe(200);
        expect(jsonOf(read).data).toMatchObject({ lead_id: leadId, email: outcome.email });
      }
      const list = await request(`${second.banner.api}/leads?per_page=100`, {
        headers: { "x-api-key": key },
      });
      expect(list.status).toBe(200);
      // Nothing was written twice, and nothing was written for a request answered 503.
      const emails = jsonOf(list).data.map((lead: { email: string }) => lead.email);
      expect(new Set(emails).size).toBe(emails.length);
      for (const outcome of outcomes.filter((candidate) => candidate.status === 503)) {
        expect(emails).not.toContain(outcome.email);
      }
      // Every stored lead was answered 201: no write happened behind a dropped connection.
      expect([...emails].sort(), summary).toEqual(created.map((outcome) => outcome.email).sort());
    } finally {
      expect(await stop(second)).toBe(0);
    }
  });
});

describe("kith serve (for a person)", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "kith-banner-"));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("prints the chat widget demo link with the bootstrap public key on first start", {
    timeout: 60_000,
  }, async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", "serve"], {
      cwd: ROOT,
      env: {
        ...neutralEnv(),
        PORT: "0",
        DATABASE_URL: `sqlite:${join(dir, "kith.sqlite")}`,
        KITH_LOG_LEVEL: "warn",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.add(child);
    let stdout = "";
    child.stdout!.setEncoding("utf8");
    const banner = await new Promise<string>((resolveBanner, rejectBanner) => {
      const timer = setTimeout(() => rejectBanner(new Error(`no banner: ${stdout}`)), START_TIMEOUT_MS);
      child.stdout!.on("data", (chunk: string) => {
        stdout += chunk;
        if (stdout.includes("Try: curl")) {
          clearTimeout(timer);
          resolveBanner(stdout);
        }
      });
    });
    const exited = new Promise((resolveExit) => child.once("exit", resolveExit));
    child.kill("SIGTERM");
    await exited;
    children.delete(child);
    const url = /Kith is serving on (http:\/\/\S+)/.exec(banner)![1];
    const publicKey = /public widget key \(pk_test_\): +(pk_test_\w+)/.exec(banner)![1];
    expect(banner).toContain(`  chat widget demo:                   ${url}/widget/demo?key=${publicKey}\n`);
    expect(banner).toContain(`  Agent inbox:    ${url}/inbox\n`);
  });
});

describe("logs", () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "kith-logs-"));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("never contain a key, nor more than its visible prefix, at log level debug", {
    timeout: 60_000,
  }, async () => {
    const served = await serve(join(dir, "kith.sqlite"), { KITH_LOG_LEVEL: "debug" });
    const { api, url } = served.banner;
    const secretKey = served.banner.bootstrap!.secret_key;
    const publicKey = served.banner.bootstrap!.public_key;
    const invalidKey = "crm_THISISNOTAREALKEYzzzzzzzzzzzzzz";
    const statuses: number[] = [];
    const send = async (path: string, options: Parameters<typeof request>[1] = {}) => {
      const outcome = await request(path, options);
      expect(outcome.error).toBeUndefined();
      statuses.push(outcome.status!);
      return outcome;
    };
    try {
      await send(`${api}/leads`, { headers: { "x-api-key": secretKey } });
      await send(`${api}/leads`, {
        method: "POST",
        headers: { "x-api-key": secretKey },
        body: { email: "logged@example.com" },
      });
      await send(`${api}/leads/1`, { headers: { "x-api-key": secretKey, "x-request-id": "logs-test-1" } });
      await send(`${api}/leads`, { headers: { "x-api-key": invalidKey } });
      await send(`${api}/leads`, { headers: { "x-api-key": publicKey } });
      await send(`${api}/leads`, { headers: { authorization: `Bearer ${secretKey}` } });
      await send(`${api}/leads/999999`, { headers: { "x-api-key": secretKey } });
      await send(`${api}/no-such-route`, { headers: { "x-api-key": secretKey } });
      await send(`${url}/no-such-route`, { headers: { "x-api-key": secretKey } });
      await send(`${api}/leads`, {
        method: "POST",
        headers: { "x-api-key": secretKey },
        body: { email: "not-an-email" },
      });
      await send(`${api}/leads?page=abc`, { headers: { "x-api-key": secretKey } });
      await send(`${api}/leads`, {
        method: "POST",
        headers: { "x-api-key": secretKey, "content-type": "application/json" },
        body: undefined,
      });
    } finally {
      expect(await stop(served)).toBe(0);
    }
    expect(statuses).toEqual([200, 201, 200, 401, 403, 401, 404, 404, 404, 400, 400, 400]);

    // The --json banner prints the keys once by design; everything else is checked.
    const stdout = served.stdout();
    expect(stdout.split("\n").filter((line) => line === served.bannerLine)).toHaveLength(1);
    const logs = `${stdout.replace(served.bannerLine, "")}\n${served.stderr()}`;
    // The requests were logged (so this check looks at real log lines).
    expect(logs).toContain("logs-test-1");
    expect(logs).toMatch(/"statusCode":401/);
    expect(logs).toMatch(/"statusCode":400/);

    for (const key of [secretKey, publicKey, invalidKey]) {
      expect(logs).not.toContain(key);
      expect(logs).not.toContain(key.slice(4));
    }
    expect(logs).not.toContain(secretKey.slice(0, "crm_".length + 7));
    expect(logs).not.toContain(publicKey.slice(0, "pk_test_".length + 7));
    expect(logs).not.toContain(invalidKey.slice(0, "crm_".length + 7));
  });
});
