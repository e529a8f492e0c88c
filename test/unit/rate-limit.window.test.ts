import { describe, expect, it } from "vitest";
import { MemoryRateLimiter } from "../../src/http/rate-limit/memory-rate-limiter.js";

const T0 = 1_700_000_000_000;
const FIFTEEN_MINUTES = 15 * 60 * 1000;

describe("MemoryRateLimiter with a window other than 60 s", () => {
  it("keeps a key's entries for its own window, through the sweeps other keys trigger", () => {
    const limiter = new MemoryRateLimiter();
    for (let index = 0; index < 3; index++) {
      expect(limiter.hitSync("login", 3, T0 + index, FIFTEEN_MINUTES).allowed).toBe(true);
    }
    const blocked = limiter.hitSync("login", 3, T0 + 10, FIFTEEN_MINUTES);
    expect(blocked.allowed).toBe(false);
    expect(blocked.retryAfter).toBe(FIFTEEN_MINUTES / 1000);

    // Ten minutes on, a 60-second key's hit sweeps every log: the login log must survive it.
    expect(limiter.hitSync("api", 1, T0 + 10 * 60_000).allowed).toBe(true);
    const later = limiter.hitSync("login", 3, T0 + 10 * 60_000, FIFTEEN_MINUTES);
    expect(later.allowed).toBe(false);
    expect(later.retryAfter).toBe(5 * 60);

    // The default window is unchanged beside it.
    expect(limiter.hitSync("api", 1, T0 + 10 * 60_000 + 30_000).allowed).toBe(false);
    expect(limiter.hitSync("api", 1, T0 + 11 * 60_000 + 1).allowed).toBe(true);
    // Once the first entry is 15 minutes old a slot frees.
    expect(limiter.hitSync("login", 3, T0 + FIFTEEN_MINUTES - 1, FIFTEEN_MINUTES).allowed).toBe(false);
    expect(limiter.hitSync("login", 3, T0 + FIFTEEN_MINUTES + 1, FIFTEEN_MINUTES).allowed).toBe(true);
  });

  it("forgets a long-window key only after its own window", () => {
    const limiter = new MemoryRateLimiter();
    limiter.hitSync("login", 1, T0, FIFTEEN_MINUTES);
    limiter.sweep(T0 + 5 * 60_000);
    expect(limiter.size).toBe(1);
    limiter.sweep(T0 + FIFTEEN_MINUTES + 1);
    expect(limiter.size).toBe(0);
  });
});
