import { randomUUID } from "node:crypto";
import net from "node:net";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemoryRateLimiter } from "../../src/http/rate-limit/memory-rate-limiter.js";
import {
  createRedisRateLimiter,
  type RedisRateLimiter,
} from "../../src/http/rate-limit/redis-rate-limiter.js";

const url = process.env.KITH_TEST_REDIS_URL;
const T0 = 1_700_000_040_000;

function recorder() {
  const errors: Error[] = [];
  const warnings: string[] = [];
  return {
    errors,
    warnings,
    onFallback: (e: Error) => errors.push(e),
    logger: { warn: (_obj: object, msg: string) => warnings.push(msg) },
  };
}

function waitFor(redis: Redis, event: string): Promise<void> {
  return new Promise((resolve) => redis.once(event, () => resolve()));
}

/**
 * A fake server that completes ioredis' handshake and then never answers a script, i.e. a Redis that hangs
 * mid-run while the connection stays "ready".
 */
async function hangingRedis(): Promise<{ port: number; close(): void }> {
  const sockets: net.Socket[] = [];
  const server = net.createServer((socket) => {
    sockets.push(socket);
    let buf = "";
    socket.on("data", (chunk) => {
      buf += chunk.toString("latin1");
      for (;;) {
        const head = /^\*(\d+)\r\n/.exec(buf);
        if (!head) return;
        let pos = head[0].length;
        const args: string[] = [];
        for (let i = 0; i < Number(head[1]); i++) {
          const bulk = /^\$(\d+)\r\n/.exec(buf.slice(pos));
          if (!bulk) return;
          pos += bulk[0].length;
          const len = Number(bulk[1]);
          if (buf.length < pos + len + 2) return;
          args.push(buf.slice(pos, pos + len));
          pos += len + 2;
        }
        buf = buf.slice(pos);
        const cmd = args[0]?.toLowerCase();
        if (cmd === "info") socket.write("$21\r\n# Server\r\nloading:0\r\n\r\n");
        else if (cmd !== "eval" && cmd !== "evalsha") socket.write("+OK\r\n");
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close() {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}

describe.skipIf(!url)("RedisRateLimiter (KITH_TEST_REDIS_URL)", () => {
  // Unique per run so parallel runs and leftovers never share state.
  const prefix = `kith:test:rl:${randomUUID()}:`;
  let admin: Redis;
  const limiters: RedisRateLimiter[] = [];

  async function make(rec = recorder()) {
    const rl = await createRedisRateLimiter(url!, {
      fallback: new MemoryRateLimiter(),
      keyPrefix: prefix,
      onFallback: rec.onFallback,
      logger: rec.logger,
    });
    limiters.push(rl);
    return rl;
  }

  beforeAll(() => {
    admin = new Redis(url!);
  });

  afterAll(async () => {
    await Promise.all(limiters.map((l) => l.close()));
    const keys = await admin.keys(`${prefix}*`);
    if (keys.length > 0) await admin.del(...keys);
    await admin.quit();
  });

  it("allows exactly L in a window and rejects the next, with correct headers", async () => {
    const rec = recorder();
    const rl = await make(rec);
    const L = 5;
    const out = [];
    for (let i = 0; i < L; i++) out.push(await rl.hit("basic", L, T0 + 500 + i * 1000));
    expect(out.map((d) => d.allowed)).toEqual([true, true, true, true, true]);
    expect(out.map((d) => d.remaining)).toEqual([4, 3, 2, 1, 0]);
    expect(out[0]).toEqual({
      allowed: true,
      limit: 5,
      remaining: 4,
      reset: (T0 + 60_000) / 1000 + 1,
      retryAfter: 0,
    });
    const over = await rl.hit("basic", L, T0 + 30_000);
    expect(over).toEqual({
      allowed: false,
      limit: 5,
      remaining: 0,
      reset: (T0 + 60_000) / 1000 + 1,
      retryAfter: 31,
    });
    // Rejections are not stored: only the L accepted requests are in the set.
    expect(await admin.zcard(`${prefix}basic`)).toBe(L);
    expect(await admin.pttl(`${prefix}basic`)).toBeGreaterThan(50_000);
    expect((await rl.hit("basic", L, T0 + 60_500)).allowed).toBe(true);
    expect(rec.errors).toEqual([]);
    expect(rl.fallbackCount).toBe(0);
  });

  it("does not let a burst straddling a minute boundary exceed L", async () => {
    const rl = await make();
    const L = 10;
    for (let i = 0; i < L; i++) expect((await rl.hit("boundary", L, T0 + 59_900)).allowed).toBe(true);
    for (let i = 0; i < L; i++) {
      const d = await rl.hit("boundary", L, T0 + 60_100);
      expect(d).toMatchObject({ allowed: false, retryAfter: 60, reset: (T0 + 120_000) / 1000 });
    }
    expect((await rl.hit("boundary", L, T0 + 119_899)).allowed).toBe(false);
    const third = [];
    for (let i = 0; i <= L; i++) third.push((await rl.hit("boundary", L, T0 + 119_900)).allowed);
    expect(third.filter(Boolean)).toHaveLength(L);
    expect(third[L]).toBe(false);
  });

  it("keeps keys independent", async () => {
    const rl = await make();
    for (let i = 0; i < 3; i++) await rl.hit("ind-a", 3, T0);
    expect((await rl.hit("ind-a", 3, T0)).allowed).toBe(false);
    expect(await rl.hit("ind-b", 3, T0)).toMatchObject({ allowed: true, remaining: 2 });
  });

  it("uses the Redis server clock when no time is given", async () => {
    const rl = await make();
    const before = Date.now();
    const d = await rl.hit("clock", 3);
    expect(d.allowed).toBe(true);
    expect(Math.abs(d.reset - Math.ceil((before + 60_000) / 1000))).toBeLessThanOrEqual(2);
  });

  it("shares one window between instances with separate clients", async () => {
    const a = await make();
    const b = await make();
    expect(a.redis).not.toBe(b.redis);
    const L = 4;
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).hit("shared", L, T0 + i)),
    );
    expect(results.filter((d) => d.allowed)).toHaveLength(L);
    expect((await a.hit("shared", L, T0 + 100)).allowed).toBe(false);
    expect((await b.hit("shared", L, T0 + 100)).allowed).toBe(false);
    expect(a.fallbackCount + b.fallbackCount).toBe(0);
  });

  it("falls back to the in-process window when Redis is unreachable", async () => {
    const rec = recorder();
    const rl = await createRedisRateLimiter("redis://127.0.0.1:1", {
      fallback: new MemoryRateLimiter(),
      onFallback: rec.onFallback,
      logger: rec.logger,
    });
    limiters.push(rl);
    const out = [];
    for (let i = 0; i < 4; i++) out.push(await rl.hit("down", 3, T0 + i));
    expect(out.map((d) => d.allowed)).toEqual([true, true, true, false]);
    expect(out[3]).toMatchObject({ limit: 3, remaining: 0, retryAfter: 60 });
    expect(rl.fallbackCount).toBe(4);
    expect(rec.errors).toHaveLength(4);
    // Throttled: the connection error and four fallbacks produce a single line.
    expect(rec.warnings).toHaveLength(1);
    await expect(rl.close()).resolves.toBeUndefined();
  });

  it("falls back without stalling when the server accepts connections but never answers", async () => {
    const sockets: net.Socket[] = [];
    const server = net.createServer((s) => sockets.push(s));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as net.AddressInfo;
    try {
      const started = Date.now();
      const rl = await createRedisRateLimiter(`redis://127.0.0.1:${port}`, {
        fallback: new MemoryRateLimiter(),
        logger: recorder().logger,
      });
      expect(Date.now() - started).toBeLessThan(2_000);
      const hitStarted = Date.now();
      for (let i = 0; i < 20; i++) expect((await rl.hit("hung", 100, T0)).allowed).toBe(true);
      expect(Date.now() - hitStarted).toBeLessThan(1_000);
      expect(rl.fallbackCount).toBe(20);
      await rl.close();
    } finally {
      for (const s of sockets) s.destroy();
      server.close();
    }
  });

  it("pays at most one command timeout per probe interval when Redis hangs after connecting", async () => {
    const fake = await hangingRedis();
    try {
      const rl = await createRedisRateLimiter(`redis://127.0.0.1:${fake.port}`, {
        fallback: new MemoryRateLimiter(),
        logger: recorder().logger,
      });
      expect(rl.redis.status).toBe("ready");
      let started = Date.now();
      expect((await rl.hit("hang", 100, T0)).allowed).toBe(true);
      expect(Date.now() - started).toBeGreaterThanOrEqual(200); // waited for commandTimeout
      started = Date.now();
      for (let i = 0; i < 20; i++) expect((await rl.hit("hang", 100, T0)).allowed).toBe(true);
      expect(Date.now() - started).toBeLessThan(100); // served straight from the fallback
      expect(rl.fallbackCount).toBe(21);
      await rl.close();
    } finally {
      fake.close();
    }
  });

  it("keeps answering when the client is disconnected mid-run, and uses Redis again once it is back", async () => {
    const rec = recorder();
    const rl = await make(rec);
    const key = `${prefix}flap`;
    expect((await rl.hit("flap", 100, T0)).allowed).toBe(true);
    expect(await admin.zcard(key)).toBe(1);

    // Dropped connection that ioredis re-establishes by itself.
    const ready = waitFor(rl.redis, "ready");
    rl.redis.disconnect(true);
    const during = await rl.hit("flap", 100, T0 + 1);
    expect(during.allowed).toBe(true);
    expect(rl.fallbackCount).toBe(1);
    expect(rec.errors).toHaveLength(1);
    await ready;
    expect((await rl.hit("flap", 100, T0 + 2)).allowed).toBe(true);
    expect(rl.fallbackCount).toBe(1);
    expect(await admin.zcard(key)).toBe(2);

    // Permanent disconnect: every hit is answered from the fallback, none throws.
    rl.redis.disconnect();
    for (let i = 0; i < 5; i++) {
      await expect(rl.hit("flap", 100, T0 + 10 + i)).resolves.toMatchObject({ allowed: true });
    }
    expect(rl.fallbackCount).toBe(6);
    expect(await admin.zcard(key)).toBe(2);
  });

  it("reports a script error through the fallback instead of rejecting", async () => {
    const rec = recorder();
    const rl = await make(rec);
    // A key of the wrong type makes the script's ZREMRANGEBYSCORE fail with WRONGTYPE.
    await admin.set(`${prefix}wrongtype`, "x");
    await expect(rl.hit("wrongtype", 2, T0)).resolves.toMatchObject({ allowed: true, remaining: 1 });
    expect(rec.errors[0]?.message).toMatch(/WRONGTYPE/);
    expect(rl.fallbackCount).toBe(1);
  });
});
