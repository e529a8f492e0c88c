/**
 * Wires one process: database (migrated), core, rate limiter and metrics, from the config.
 * `kith serve`, `kith worker` and the CLI's data commands all start here.
 */
import type { Config } from "./config.js";
import { type Core, createCore } from "./core/core.js";
import { type DatabaseHandle, openDatabase } from "./db/database.js";
import { migrateToLatest } from "./db/migrate.js";
import { createMetrics, type Metrics } from "./http/metrics.js";
import { MemoryRateLimiter } from "./http/rate-limit/memory-rate-limiter.js";
import type { RateLimiter } from "./http/rate-limit/rate-limiter.js";
import { createRedisRateLimiter } from "./http/rate-limit/redis-rate-limiter.js";
import type { RealtimeBus } from "./realtime/bus.js";
import { createRealtimeBus } from "./realtime/shared-bus.js";

export interface Runtime {
  readonly config: Config;
  readonly handle: DatabaseHandle;
  readonly core: Core;
  readonly applied: string[];
  close(): Promise<void>;
}

export interface RuntimeOptions {
  /**
   * Share real-time notices with the other processes (Redis or PostgreSQL, see
   * realtime/shared-bus.ts); `kith serve` does, commands that only touch data do not.
   */
  sharedBus?: { logger: Logger };
}

export async function openRuntime(config: Config, options: RuntimeOptions = {}): Promise<Runtime> {
  const handle = openDatabase(config.databaseUrl);
  let bus: RealtimeBus | undefined;
  try {
    const applied = await migrateToLatest(handle.db);
    if (options.sharedBus) bus = await createRealtimeBus(config, options.sharedBus.logger);
    const core = createCore(handle, bus ? { bus } : {});
    return {
      config,
      handle,
      core,
      applied,
      close: async () => {
        await core.keys.flushLastUsed().catch(() => {});
        await core.bus.close();
        await handle.close();
      },
    };
  } catch (error) {
    await bus?.close().catch(() => {});
    await handle.close().catch(() => {});
    throw error;
  }
}

export interface Logger {
  warn(object: object, message: string): void;
}

/** The in-process window, or the Redis-shared one when REDIS_URL is set (falling back in-process). */
export async function createRateLimiter(
  config: Config,
  metrics: Metrics,
  logger: Logger,
): Promise<RateLimiter> {
  const memory = new MemoryRateLimiter();
  if (!config.redisUrl) return memory;
  return createRedisRateLimiter(config.redisUrl, {
    fallback: memory,
    onFallback: () => metrics.rateLimitFallbacks.inc(),
    logger,
  });
}

export { createMetrics };
