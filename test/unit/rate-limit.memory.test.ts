import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MemoryRateLimiter } from "../../src/http/rate-limit/memory-rate-limiter.js";
import { RATE_WINDOW_MS } from "../../src/http/rate-limit/rate-limiter.js";

// A minute boundary far from 0 so Unix-second rounding is exercised on realistic values.
const T0 = 1_700_000_040_000;

function burst(rl: MemoryRateLimiter, key: string, n: number, limit: number, at: number) {
  return Array.from({ length: n }, () => rl.hitSync(key, limit, at));
}

describe("MemoryRateLimiter", () => {
  it("allows exactly L requests in a window and rejects the next", () => {
    const rl = new MemoryRateLimiter();
    const L = 5;
    const first = Array.from({ length: L }, (_, i) => rl.hitSync("k", L, T0 + i * 1000));
    expect(first.map((d) => d.allowed)).toEqual([true, true, true, true, true]);
    expect(first.map((d) => d.remaining)).toEqual([4, 3, 2, 1, 0]);
    const over = rl.hitSync("k", L, T0 + 10_000);
    expect(over.allowed).toBe(false);
    expect(over.remaining).toBe(0);
  });

  it("reports limit, remaining, reset and retryAfter", () => {
    const rl = new MemoryRateLimiter();
    const a = rl.hitSync("k", 2, T0 + 500);
    // Reset is when the oldest counted request leaves the window, rounded up to whole seconds.
    expect(a).toEqual({
      allowed: true,
      limit: 2,
      remaining: 1,
      reset: (T0 + 60_000) / 1000 + 1,
      retryAfter: 0,
    });
    const b = rl.hitSync("k", 2, T0 + 20_000);
    expect(b).toEqual({
      allowed: true,
      limit: 2,
      remaining: 0,
      reset: (T0 + 60_000) / 1000 + 1,
      retryAfter: 0,
    });
    const c = rl.hitSync("k", 2, T0 + 30_000);
    // The slot frees at T0+60.5 s, 30.5 s from now → 31 whole seconds.
    expect(c).toEqual({
      allowed: false,
      limit: 2,
      remaining: 0,
      reset: (T0 + 60_000) / 1000 + 1,
      retryAfter: 31,
    });
    // Just before the first entry expires, the wait rounds up to 1 s, never 0.
    expect(rl.hitSync("k", 2, T0 + 60_499)).toMatchObject({ allowed: false, retryAfter: 1 });
    // Once it has left, a slot is free and the reset moves to the next oldest entry.
    expect(rl.hitSync("k", 2, T0 + 60_500)).toEqual({
      allowed: true,
      limit: 2,
      remaining: 0,
      reset: (T0 + 80_000) / 1000,
      retryAfter: 0,
    });
  });

  it("does not let a burst straddling a minute boundary exceed L (sliding, not fixed, window)", () => {
    const rl = new MemoryRateLimiter();
    const L = 10;
    expect(burst(rl, "k", L, L, T0 + 59_900).every((d) => d.allowed)).toBe(true);
    const second = burst(rl, "k", L, L, T0 + 60_100);
    expect(second.every((d) => !d.allowed)).toBe(true);
    expect(second[0]!.retryAfter).toBe(60); // frees at T0+119.9 s, 59.8 s away
    expect(second[0]!.reset).toBe((T0 + 120_000) / 1000);
    expect(rl.hitSync("k", L, T0 + 119_899).allowed).toBe(false);
    const third = burst(rl, "k", L + 1, L, T0 + 119_900);
    expect(third.filter((d) => d.allowed)).toHaveLength(L);
    expect(third[L]!.allowed).toBe(false);
  });

  it("keeps keys independent", () => {
    const rl = new MemoryRateLimiter();
    expect(burst(rl, "a", 3, 3, T0).every((d) => d.allowed)).toBe(true);
    expect(rl.hitSync("a", 3, T0).allowed).toBe(false);
    expect(rl.hitSync("b", 3, T0).allowed).toBe(true);
    expect(rl.hitSync("b", 3, T0).remaining).toBe(1);
  });

  it("does not record rejected requests", () => {
    const rl = new MemoryRateLimiter();
    rl.hitSync("k", 1, T0);
    for (let t = 1; t < 60_000; t += 1000) expect(rl.hitSync("k", 1, T0 + t).allowed).toBe(false);
    // Had the rejections been logged, the key would still be blocked here.
    expect(rl.hitSync("k", 1, T0 + 60_000).allowed).toBe(true);
  });

  it("applies a lowered limit to what is already counted", () => {
    const rl = new MemoryRateLimiter();
    for (let i = 0; i < 5; i++) rl.hitSync("k", 5, T0 + i * 1000);
    const d = rl.hitSync("k", 2, T0 + 10_000);
    // 5 counted against 2: the 4th oldest (at T0+3 s) must leave before one more fits.
    expect(d).toMatchObject({ allowed: false, limit: 2, remaining: 0, reset: (T0 + 63_000) / 1000 });
    expect(d.retryAfter).toBe(53);
    expect(rl.hitSync("k", 2, T0 + 62_999).allowed).toBe(false);
    expect(rl.hitSync("k", 2, T0 + 63_000).allowed).toBe(true);
  });

  it("treats a zero, negative or NaN limit as reject-all without tracking the key", () => {
    const rl = new MemoryRateLimiter();
    for (const limit of [0, -3, Number.NaN]) {
      expect(rl.hitSync("k", limit, T0)).toEqual({
        allowed: false,
        limit: 0,
        remaining: 0,
        reset: (T0 + RATE_WINDOW_MS) / 1000,
        retryAfter: 60,
      });
    }
    expect(rl.size).toBe(0);
  });

  it("stays consistent when the clock steps backwards", () => {
    const rl = new MemoryRateLimiter();
    rl.hitSync("k", 2, T0 + 10_000);
    expect(rl.hitSync("k", 2, T0).allowed).toBe(true);
    expect(rl.hitSync("k", 2, T0 + 5_000).allowed).toBe(false);
    // Both entries count as T0+10 s (the log is kept sorted), so both leave together.
    expect(rl.hitSync("k", 2, T0 + 69_999).allowed).toBe(false);
    expect(rl.hitSync("k", 2, T0 + 70_000).remaining).toBe(1);
  });

  it("sweeps keys idle for more than a window", () => {
    const rl = new MemoryRateLimiter();
    for (let i = 0; i < 100; i++) rl.hitSync(`idle-${i}`, 10, T0);
    rl.hitSync("recent", 10, T0 + 30_000);
    expect(rl.size).toBe(101);
    // The next hit a full window after the last sweep triggers one.
    rl.hitSync("new", 10, T0 + 60_001);
    expect(rl.size).toBe(2);
    rl.sweep(T0 + 90_000);
    expect(rl.size).toBe(1);
    rl.sweep(T0 + 200_000);
    expect(rl.size).toBe(0);
  });

  it("async hit() matches hitSync() and close() empties the store", async () => {
    const rl = new MemoryRateLimiter();
    await expect(rl.hit("k", 1, T0)).resolves.toMatchObject({ allowed: true, remaining: 0 });
    await expect(rl.hit("k", 1, T0 + 1)).resolves.toMatchObject({ allowed: false });
    await rl.close();
    expect(rl.size).toBe(0);
  });

  it("never lets more than L through in any 60 s span, and rejects only when L are already counted", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        // Gaps skewed small so the window is often full, with the occasional long pause to drain it.
        fc.array(fc.oneof(fc.integer({ min: 0, max: 2_000 }), fc.integer({ min: 0, max: 90_000 })), {
          minLength: 1,
          maxLength: 400,
        }),
        fc.integer({ min: 1, max: 3 }),
        (L, gaps, keys) => {
          const rl = new MemoryRateLimiter();
          const accepted: number[][] = Array.from({ length: keys }, () => []);
          let t = T0;
          gaps.forEach((gap, i) => {
            t += gap;
            const k = i % keys;
            const log = accepted[k]!;
            const inWindow = log.filter((a) => a > t - RATE_WINDOW_MS).length;
            const d = rl.hitSync(`key-${k}`, L, t);
            // Reference model: a naive scan of everything accepted for this key.
            expect(d.allowed).toBe(inWindow < L);
            expect(d.remaining).toBe(Math.max(0, L - inWindow - (d.allowed ? 1 : 0)));
            if (d.allowed) log.push(t);
            else expect(d.retryAfter).toBeGreaterThanOrEqual(1);
          });
          for (const log of accepted) {
            for (const start of log) {
              expect(log.filter((a) => a >= start && a < start + RATE_WINDOW_MS).length).toBeLessThanOrEqual(
                L,
              );
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
