import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import type { MemoryRateLimiter } from "./memory-rate-limiter.js";
import {
  buildDecision,
  normalizeLimit,
  RATE_WINDOW_MS,
  type RateDecision,
  type RateLimiter,
} from "./rate-limiter.js";

export interface RedisRateLimiterOptions {
  /** Answers while Redis is unreachable or erroring. */
  fallback: MemoryRateLimiter;
  /** Called for every hit answered by the fallback (e.g. to bump a metric). */
  onFallback?: (error: Error) => void;
  logger?: { warn(obj: object, msg: string): void };
  keyPrefix?: string;
}

/** At most one warning per this interval while Redis is failing; the rest are only counted. */
const WARN_INTERVAL_MS = 30_000;
/**
 * After a failure, skip Redis for this long (one probe per interval) so a hung server costs one
 * commandTimeout per interval instead of one per request. A "ready" event ends the pause early.
 */
const PROBE_INTERVAL_MS = 1_000;
const COMMAND = "kithRateLimitHit";
/** Longest createRedisRateLimiter waits for the first connection before serving from the fallback. */
const CONNECT_WAIT_MS = 1_000;

/*
 * KEYS[1] sorted set of accepted requests (score = ms timestamp).
 * ARGV: limit, window ms, now ms ("" = use the server clock), unique member.
 * Returns {allowed, count after this hit, score of the entry whose expiry frees the next slot or -1, now}.
 * The server clock makes processes with skewed clocks agree; explicit now exists for deterministic tests.
 */
const LUA = `
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
if now == nil then
  -- Pre-5.0 servers refuse writes after TIME unless effects replication is on; later ones ignore this.
  if redis.replicate_commands then redis.replicate_commands() end
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local key = KEYS[1]
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local count = redis.call('ZCARD', key)
local allowed = 0
if count < limit then
  redis.call('ZADD', key, now, ARGV[4])
  -- Only an insert can extend the set's life: it expires exactly when its newest entry leaves the window.
  redis.call('PEXPIRE', key, window)
  count = count + 1
  allowed = 1
end
local blocking = 0
if count > limit then blocking = count - limit end
local free = -1
if blocking < count then
  free = tonumber(redis.call('ZRANGE', key, blocking, blocking, 'WITHSCORES')[2])
end
return {allowed, count, free, now}
`;

type HitCommand = (
  key: string,
  limit: number,
  window: number,
  now: string,
  member: string,
) => Promise<unknown>;

/**
 * Sliding-log limiter over one Redis sorted set per key, shared by every process. Never rejects: any Redis
 * failure is answered from the in-process fallback window, and Redis is used again once it answers.
 */
export class RedisRateLimiter implements RateLimiter {
  readonly #redis: Redis;
  readonly #fallback: MemoryRateLimiter;
  readonly #onFallback: ((error: Error) => void) | undefined;
  readonly #logger: { warn(obj: object, msg: string): void };
  readonly #keyPrefix: string;
  readonly #command: HitCommand;
  // Members only need to be unique within a key's set; a per-instance id plus a counter is cheaper than
  // random bytes per hit and cannot collide across processes.
  readonly #memberPrefix = `${randomBytes(6).toString("hex")}:`;
  #seq = 0;
  #fallbackCount = 0;
  #failing = false;
  #pausedUntil = 0;
  #lastError: Error | undefined;
  #lastWarnMs = Number.NEGATIVE_INFINITY;
  #suppressed = 0;

  constructor(redis: Redis, options: RedisRateLimiterOptions) {
    this.#redis = redis;
    this.#fallback = options.fallback;
    this.#onFallback = options.onFallback;
    this.#logger = options.logger ?? { warn: (obj, msg) => console.warn(msg, obj) };
    this.#keyPrefix = options.keyPrefix ?? "kith:rl:";
    redis.defineCommand(COMMAND, { numberOfKeys: 1, lua: LUA });
    this.#command = (redis as unknown as Record<string, HitCommand>)[COMMAND]!.bind(redis);
    // Without a listener ioredis reports every failed reconnect as an unhandled error event.
    redis.on("error", (err: Error) => this.#warn(err, "rate limiter: redis connection error"));
    redis.on("ready", () => {
      this.#pausedUntil = 0;
    });
  }

  /** Hits answered by the in-process fallback because Redis failed. */
  get fallbackCount(): number {
    return this.#fallbackCount;
  }

  get redis(): Redis {
    return this.#redis;
  }

  async hit(key: string, limit: number, nowMs?: number, windowMs = RATE_WINDOW_MS): Promise<RateDecision> {
    const lim = normalizeLimit(limit);
    const wallMs = Date.now();
    if (this.#failing && wallMs < this.#pausedUntil)
      return this.#useFallback(this.#lastError!, key, lim, nowMs, windowMs);
    // While failing, this hit is the probe: pause the others before awaiting so only one waits on a hung server.
    if (this.#failing) this.#pausedUntil = wallMs + PROBE_INTERVAL_MS;
    try {
      const now = nowMs === undefined ? "" : String(Math.floor(nowMs));
      const reply = await this.#command(this.#keyPrefix + key, lim, windowMs, now, this.#nextMember());
      const decision = parseReply(reply, lim, windowMs);
      this.#failing = false;
      return decision;
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      this.#failing = true;
      this.#lastError = error;
      this.#pausedUntil = Date.now() + PROBE_INTERVAL_MS;
      return this.#useFallback(error, key, lim, nowMs, windowMs);
    }
  }

  async close(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      // quit() waits for pending replies; bounded because a hung server would otherwise stall shutdown.
      await Promise.race([
        this.#redis.quit(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error("quit timed out")), 1_000);
        }),
      ]);
    } catch {
      // Also stops the reconnect loop when Redis was never reachable.
      this.#redis.disconnect();
    } finally {
      clearTimeout(timer);
    }
  }

  #nextMember(): string {
    this.#seq = (this.#seq + 1) % Number.MAX_SAFE_INTEGER;
    return this.#memberPrefix + this.#seq.toString(36);
  }

  #useFallback(
    error: Error,
    key: string,
    limit: number,
    nowMs: number | undefined,
    windowMs: number,
  ): RateDecision {
    this.#fallbackCount++;
    try {
      this.#onFallback?.(error);
    } catch {
      // A faulty metrics callback must not turn into a failed request.
    }
    this.#warn(error, "rate limiter: redis unavailable, using in-process window");
    return this.#fallback.hitSync(key, limit, nowMs ?? Date.now(), windowMs);
  }

  #warn(error: Error, msg: string): void {
    const now = Date.now();
    if (now - this.#lastWarnMs < WARN_INTERVAL_MS) {
      this.#suppressed++;
      return;
    }
    this.#lastWarnMs = now;
    const suppressed = this.#suppressed;
    this.#suppressed = 0;
    try {
      this.#logger.warn({ err: error, suppressed, fallbackCount: this.#fallbackCount }, msg);
    } catch {
      // Logging is best effort.
    }
  }
}

function parseReply(reply: unknown, limit: number, windowMs: number): RateDecision {
  if (!Array.isArray(reply) || reply.length < 4) throw new Error("rate limiter: unexpected script reply");
  const allowed = Number(reply[0]) === 1;
  const count = Number(reply[1]);
  const free = Number(reply[2]);
  const now = Number(reply[3]);
  const freeAtMs = free >= 0 ? free + windowMs : now + windowMs;
  return buildDecision(allowed, limit, count, freeAtMs, now);
}

/**
 * Builds a client tuned to fail fast (no offline queue, short timeouts) so an outage degrades to the
 * fallback within milliseconds instead of stalling requests. Resolves even if Redis is down at startup:
 * the limiter falls back and ioredis keeps reconnecting in the background.
 */
export async function createRedisRateLimiter(
  url: string,
  options: RedisRateLimiterOptions,
): Promise<RedisRateLimiter> {
  const redis = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: 250,
    connectTimeout: 1_000,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
  });
  // Constructed before connect() so its error listener is in place for the first failure.
  const limiter = new RedisRateLimiter(redis, options);
  // Failures are already reported through the error listener and retryStrategy keeps trying. The wait is
  // capped because a server that accepts the socket but never answers would otherwise stall startup.
  const connected = redis.connect().catch(() => {});
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([connected, new Promise((resolve) => (timer = setTimeout(resolve, CONNECT_WAIT_MS)))]);
  clearTimeout(timer);
  return limiter;
}
