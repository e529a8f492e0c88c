/** Builds a real Kith app over a real database for HTTP tests (inject: no port is opened). */
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from "fastify";
import { type Config, loadConfig } from "../../src/config.js";
import type { Clock } from "../../src/core/clock.js";
import { type Core, createCore, type Scope } from "../../src/core/core.js";
import { createKey, type NewKeyInput } from "../../src/core/keys/keys.service.js";
import { createWorkspace, type Workspace } from "../../src/core/workspaces/workspaces.service.js";
import { type DatabaseHandle, openDatabase } from "../../src/db/database.js";
import { migrateToLatest } from "../../src/db/migrate.js";
import { buildApp } from "../../src/http/app.js";
import { createMetrics } from "../../src/http/metrics.js";
import { MemoryRateLimiter } from "../../src/http/rate-limit/memory-rate-limiter.js";
import type { RateLimiter } from "../../src/http/rate-limit/rate-limiter.js";
import { createTestDatabase, type TestDatabase, type TestEngine } from "./engines.js";

export interface TestKit {
  engine: TestEngine;
  app: FastifyInstance;
  core: Core;
  handle: DatabaseHandle;
  config: Config;
  /** A workspace with a secret key of every permission. */
  workspace: Workspace;
  scope: Scope;
  secretKey: string;
  /** A second workspace, for isolation checks. */
  other: { workspace: Workspace; scope: Scope; secretKey: string };
  newWorkspace(name: string): Promise<{ workspace: Workspace; scope: Scope; secretKey: string }>;
  newKey(scope: Scope, input: NewKeyInput): Promise<string>;
  close(): Promise<void>;
}

export interface TestKitOptions {
  env?: Record<string, string>;
  clock?: Clock;
  limiter?: RateLimiter;
  /** buildApp's afterWrite hook. */
  afterWrite?: () => void;
}

export async function startTestKit(engine: TestEngine, options: TestKitOptions = {}): Promise<TestKit> {
  const database: TestDatabase = await createTestDatabase(engine);
  const config = loadConfig({ DATABASE_URL: database.url, ...options.env });
  const handle = openDatabase(config.databaseUrl);
  await migrateToLatest(handle.db);
  const core = createCore(handle, options.clock ? { clock: options.clock } : {});
  const limiter = options.limiter ?? new MemoryRateLimiter();
  const app = await buildApp({
    config,
    core,
    limiter,
    metrics: createMetrics(),
    ready: () => handle.ping(),
    ...(options.afterWrite ? { afterWrite: options.afterWrite } : {}),
  });
  await app.ready();

  const newKey = async (scope: Scope, input: NewKeyInput) => (await createKey(core, scope, input)).key;
  const newWorkspace = async (name: string) => {
    const workspace = await createWorkspace(core, { name });
    const scope = { workspaceId: workspace.id, actor: "test" };
    // A generous limit, so only the rate-limit tests meet the limit.
    return { workspace, scope, secretKey: await newKey(scope, { type: "secret", rateLimit: 100_000 }) };
  };
  const main = await newWorkspace("Acme Test");
  const other = await newWorkspace("Other Tenant");
  return {
    engine,
    app,
    core,
    handle,
    config,
    ...main,
    other,
    newWorkspace,
    newKey,
    close: async () => {
      await app.close();
      await limiter.close();
      await handle.close();
      await database.drop();
    },
  };
}

/** `inject` with a Valethon key and JSON body, returning the parsed body alongside. */
export async function call(
  kit: Pick<TestKit, "app">,
  method: InjectOptions["method"],
  url: string,
  options: { key?: string | null; body?: unknown; headers?: Record<string, string> } = {},
): Promise<LightMyRequestResponse & { json: any }> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key) headers["x-api-key"] = options.key;
  const response = await kit.app.inject({
    method,
    url,
    headers,
    ...(options.body === undefined ? {} : { payload: options.body as any }),
  });
  return withJson(response);
}

export const VALETHON = "/admin/api/v1/crm";

/** The response with its body parsed as JSON (undefined when it is not JSON). */
export function withJson<T extends LightMyRequestResponse>(response: T): T & { json: any } {
  let json: any;
  try {
    json = response.json();
  } catch {
    json = undefined;
  }
  return Object.assign(response, { json });
}
