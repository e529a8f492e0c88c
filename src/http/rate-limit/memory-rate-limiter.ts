import {
  buildDecision,
  normalizeLimit,
  RATE_WINDOW_MS,
  type RateDecision,
  type RateLimiter,
} from "./rate-limiter.js";

const MIN_CAPACITY = 4;

/**
 * Ring buffer of accepted-request timestamps (ms), oldest first. A typed array keeps the timestamps unboxed
 * and the steady state allocation-free; it only reallocates when a key's traffic outgrows it.
 */
class SlidingLog {
  buf: Float64Array;
  head = 0;
  len = 0;

  constructor(
    capacity: number,
    readonly windowMs: number,
  ) {
    this.buf = new Float64Array(capacity);
  }

  /** Drops every timestamp ≤ cutoff; they have left the window. */
  prune(cutoff: number): void {
    const buf = this.buf;
    const cap = buf.length;
    let head = this.head;
    let len = this.len;
    while (len > 0 && buf[head]! <= cutoff) {
      head = head + 1 === cap ? 0 : head + 1;
      len--;
    }
    this.head = len === 0 ? 0 : head;
    this.len = len;
  }

  at(i: number): number {
    const idx = this.head + i;
    const cap = this.buf.length;
    return this.buf[idx < cap ? idx : idx - cap]!;
  }

  last(): number {
    return this.at(this.len - 1);
  }

  /** Caller guarantees len < maxCapacity, so growth always makes room. */
  push(ts: number, maxCapacity: number): void {
    if (this.len === this.buf.length) this.resize(Math.min(this.buf.length * 2, maxCapacity));
    const idx = this.head + this.len;
    const cap = this.buf.length;
    this.buf[idx < cap ? idx : idx - cap] = ts;
    this.len++;
  }

  resize(capacity: number): void {
    const next = new Float64Array(Math.max(capacity, this.len, 1));
    for (let i = 0; i < this.len; i++) next[i] = this.at(i);
    this.buf = next;
    this.head = 0;
  }
}

/**
 * Exact sliding-log limiter held in process memory. Each key stores at most min(limit, accepted in the last
 * window) timestamps; rejected requests are not recorded, so a client hammering past its limit cannot grow
 * its own log or push its recovery further out.
 */
export class MemoryRateLimiter implements RateLimiter {
  readonly #logs = new Map<string, SlidingLog>();
  #lastSweepMs = Number.NEGATIVE_INFINITY;

  /** Number of keys currently tracked (exposed for tests and metrics). */
  get size(): number {
    return this.#logs.size;
  }

  async hit(
    key: string,
    limit: number,
    nowMs: number = Date.now(),
    windowMs: number = RATE_WINDOW_MS,
  ): Promise<RateDecision> {
    return this.hitSync(key, limit, nowMs, windowMs);
  }

  hitSync(
    key: string,
    limit: number,
    nowMs: number = Date.now(),
    windowMs: number = RATE_WINDOW_MS,
  ): RateDecision {
    // Sweeping at most once per window, driven by the hits' own clock, bounds memory without a timer and
    // keeps the amortised cost per hit tiny. A clock that went backwards restarts the schedule.
    if (nowMs - this.#lastSweepMs >= RATE_WINDOW_MS || nowMs < this.#lastSweepMs) this.sweep(nowMs);

    const lim = normalizeLimit(limit);
    let log = this.#logs.get(key);
    if (log === undefined) {
      // Nothing could ever be recorded for a zero limit; don't create a key for it.
      if (lim === 0) return buildDecision(false, 0, 0, nowMs + windowMs, nowMs);
      log = new SlidingLog(Math.min(lim, MIN_CAPACITY), windowMs);
      this.#logs.set(key, log);
    } else {
      log.prune(nowMs - windowMs);
    }

    let count = log.len;
    const allowed = count < lim;
    if (allowed) {
      // Clamp to the newest entry so the log stays sorted (and prune stays O(expired)) even if the wall
      // clock steps backwards; the entry then lives marginally longer, which errs on the strict side.
      const last = count > 0 ? log.last() : nowMs;
      log.push(Math.max(last, nowMs), lim);
      count++;
    }

    // The next slot frees when enough entries leave for count to drop below the limit: normally the oldest
    // one, later ones if the limit was lowered since they were recorded.
    const blocking = count > lim ? count - lim : 0;
    const freeAtMs = blocking < count ? log.at(blocking) + windowMs : nowMs + windowMs;
    return buildDecision(allowed, lim, count, freeAtMs, nowMs);
  }

  /** Forgets keys with nothing left in the window and shrinks logs that a past burst left oversized. */
  sweep(nowMs: number = Date.now()): void {
    this.#lastSweepMs = nowMs;
    for (const [key, log] of this.#logs) {
      log.prune(nowMs - log.windowMs);
      if (log.len === 0) this.#logs.delete(key);
      else if (log.buf.length > MIN_CAPACITY * 4 && log.len * 4 < log.buf.length) log.resize(log.len * 2);
    }
  }

  async close(): Promise<void> {
    this.#logs.clear();
  }
}
