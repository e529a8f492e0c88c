/**
 * The retry schedule of webhook deliveries: after the n-th failed attempt the next one is due
 * SCHEDULE[n-1] later (±20% jitter), so ten attempts span about three days. A 429 or 503 with a
 * `Retry-After` (seconds or an HTTP date) sets the delay instead, bounded to [5 s, 1 h].
 */
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

export const RETRY_SCHEDULE_MS: readonly number[] = [
  5 * SECOND,
  5 * MINUTE,
  30 * MINUTE,
  2 * HOUR,
  5 * HOUR,
  10 * HOUR,
  10 * HOUR,
  10 * HOUR,
  10 * HOUR,
];

/** Attempts in all: the first plus one per scheduled retry. */
export const MAX_ATTEMPTS = RETRY_SCHEDULE_MS.length + 1;
export const JITTER = 0.2;
export const RETRY_AFTER_MIN_MS = 5 * SECOND;
export const RETRY_AFTER_MAX_MS = HOUR;

/** Parses `Retry-After` (delta seconds or HTTP date) into milliseconds from `now`, or null. */
export function parseRetryAfter(value: string | null, now: Date): number | null {
  if (value === null) return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * SECOND;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return null;
  return date - now.getTime();
}

/**
 * The delay before the attempt after `attempt` (1-based) failed, or null when that was the last.
 * `retryAfter` is the response's Retry-After header, passed only for 429 and 503.
 */
export function retryDelayMs(
  attempt: number,
  random: () => number,
  retryAfter: string | null = null,
  now: Date = new Date(),
): number | null {
  if (attempt >= MAX_ATTEMPTS) return null;
  const asked = parseRetryAfter(retryAfter, now);
  if (asked !== null) return Math.min(RETRY_AFTER_MAX_MS, Math.max(RETRY_AFTER_MIN_MS, asked));
  return scheduledDelayMs(RETRY_SCHEDULE_MS, attempt, random);
}

/**
 * The delay `schedule` gives after the `attempt`-th (1-based) failed attempt, ±20% jitter; null
 * when the schedule has no entry left. Shared by webhooks, outbound email and campaigns.
 */
export function scheduledDelayMs(
  schedule: readonly number[],
  attempt: number,
  random: () => number,
): number | null {
  const base = schedule[attempt - 1];
  if (base === undefined) return null;
  return Math.round(base * (1 + JITTER * (2 * random() - 1)));
}
