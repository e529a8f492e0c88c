/** Length of the sliding window limiters enforce unless a caller asks for another, in ms. */
export const RATE_WINDOW_MS = 60_000;

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Unix seconds */
  reset: number;
  /** whole seconds, 0 when allowed */
  retryAfter: number;
}

export interface RateLimiter {
  /**
   * Counts one request against `key`. `windowMs` (default RATE_WINDOW_MS) must be the same on
   * every hit of a key: callers with longer windows (login attempts) use keys of their own.
   */
  hit(key: string, limit: number, nowMs?: number, windowMs?: number): Promise<RateDecision>;
  close(): Promise<void>;
}

/**
 * Coerces a caller-supplied limit to a non-negative integer so that a fractional, NaN or negative limit
 * can neither overflow a buffer sized from it nor leak NaN into the response headers.
 */
export function normalizeLimit(limit: number): number {
  const n = Math.floor(limit);
  // Not Math.max(n, 0): that would pass NaN through.
  return n >= 1 ? n : 0;
}

/**
 * Shared by every store so they report identical headers for identical state.
 *
 * @param count requests counted in the window after this hit
 * @param freeAtMs when the next slot frees up (the blocking entry's timestamp + window), or now + window
 *   when nothing frees one
 */
export function buildDecision(
  allowed: boolean,
  limit: number,
  count: number,
  freeAtMs: number,
  nowMs: number,
): RateDecision {
  return {
    allowed,
    limit,
    remaining: Math.max(limit - count, 0),
    reset: Math.ceil(freeAtMs / 1000),
    // ≥ 1 because "Retry-After: 0" invites an immediate retry that is still inside the same millisecond.
    retryAfter: allowed ? 0 : Math.max(1, Math.ceil((freeAtMs - nowMs) / 1000)),
  };
}
