/**
 * The real-time bus across processes: two buses (as two `kith serve` processes would hold) over
 * PostgreSQL LISTEN/NOTIFY and over Redis pub/sub deliver each other's notices, deliver their own
 * once, survive a dropped connection, and close cleanly.
 */
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { type BusNotice, inboxChannel, LocalBus, type RealtimeBus } from "../../../src/realtime/bus.js";
import {
  createPostgresBus,
  createRealtimeBus,
  createRedisBus,
  type SharedBus,
} from "../../../src/realtime/shared-bus.js";

const databaseUrl = process.env.KITH_TEST_DATABASE_URL;
const redisUrl = process.env.KITH_TEST_REDIS_URL;
const quiet = { warn: () => {} };

/** Collects what a channel receives; `next()` resolves with the next notice or fails after `ms`. */
function listen(bus: RealtimeBus, channel: string) {
  const received: BusNotice[] = [];
  const waiters: ((notice: BusNotice) => void)[] = [];
  bus.subscribe(channel, (notice) => {
    received.push(notice);
    waiters.shift()?.(notice);
  });
  return {
    received,
    next(ms = 1_000): Promise<BusNotice> {
      const index = received.length;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no notice within ${ms} ms`)), ms);
        if (received[index]) {
          clearTimeout(timer);
          return resolve(received[index]);
        }
        waiters.push((notice) => {
          clearTimeout(timer);
          resolve(notice);
        });
      });
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Publishes probes until `to` hears one: a fresh LISTEN/SUBSCRIBE may take a moment to stand. */
async function deliverEventually(
  from: RealtimeBus,
  to: { received: BusNotice[] },
  channel: string,
  deadlineMs = 5_000,
) {
  const sent = new Set<string>();
  const start = Date.now();
  while (!to.received.some((notice) => sent.has(notice.conversationId))) {
    if (Date.now() - start > deadlineMs) throw new Error("the notice never crossed over");
    const conversationId = randomUUID();
    sent.add(conversationId);
    from.publish(channel, { kind: "probe", conversationId });
    await sleep(100);
  }
}

interface Transport {
  name: string;
  open(): Promise<SharedBus>;
  /** Drops the bus's receiving connection from the server side, as a network failure would. */
  dropListener(bus: SharedBus): Promise<void>;
  /** Whether the bus still holds connections on the server. */
  connections(bus: SharedBus): Promise<number>;
}

const transports: Transport[] = [];
if (databaseUrl) {
  const admin = async <T>(run: (client: pg.Client) => Promise<T>) => {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      return await run(client);
    } finally {
      await client.end();
    }
  };
  transports.push({
    name: "PostgreSQL LISTEN/NOTIFY",
    open: () => createPostgresBus(databaseUrl, quiet),
    dropListener: (bus) =>
      admin(async (client) => {
        const result = await client.query(
          "select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1",
          [`kith-listen-${bus.id}`],
        );
        expect(result.rowCount).toBe(1);
      }),
    connections: (bus) =>
      admin(async (client) => {
        const result = await client.query(
          "select count(*)::int as n from pg_stat_activity where application_name in ($1, $2)",
          [`kith-listen-${bus.id}`, `kith-bus-${bus.id}`],
        );
        return result.rows[0].n as number;
      }),
  });
}
if (redisUrl) {
  const clients = async (bus: SharedBus) => {
    const admin = new Redis(redisUrl);
    try {
      const list = String(await admin.client("LIST"));
      return list
        .split("\n")
        .filter(
          (line) => line.includes(`name=kith-listen-${bus.id}`) || line.includes(`name=kith-bus-${bus.id}`),
        );
    } finally {
      admin.disconnect();
    }
  };
  transports.push({
    name: "Redis pub/sub",
    open: () => createRedisBus(redisUrl, quiet),
    dropListener: async (bus) => {
      const admin = new Redis(redisUrl);
      try {
        const listeners = (await clients(bus)).filter((line) => line.includes(`name=kith-listen-${bus.id}`));
        expect(listeners).toHaveLength(1);
        expect(await admin.client("KILL", "ID", listeners[0]!.match(/\bid=(\d+)/)![1]!)).toBe(1);
      } finally {
        admin.disconnect();
      }
    },
    connections: async (bus) => (await clients(bus)).length,
  });
}

for (const transport of transports) {
  describe(`shared real-time bus over ${transport.name}`, () => {
    const opened: SharedBus[] = [];
    const open = async () => {
      const bus = await transport.open();
      opened.push(bus);
      return bus;
    };
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((bus) => bus.close()));
    });

    it("delivers each other's notices, and a bus's own notice to its own subscribers once", async () => {
      const first = await open();
      const second = await open();
      const channel = inboxChannel(randomUUID());
      const atFirst = listen(first, channel);
      const atSecond = listen(second, channel);
      await deliverEventually(first, atSecond, channel);
      await deliverEventually(second, atFirst, channel);
      atFirst.received.length = 0;
      atSecond.received.length = 0;

      const notice = { kind: "message", conversationId: randomUUID(), messageId: randomUUID() };
      const remote = atSecond.next();
      first.publish(channel, notice);
      // Local delivery is immediate: no round trip through the server.
      expect(atFirst.received).toEqual([notice]);
      expect(await remote).toEqual(notice);

      const back = { kind: "conversation", conversationId: notice.conversationId };
      const heard = atFirst.next();
      second.publish(channel, back);
      expect(await heard).toEqual(back);

      // Give a duplicate every chance to arrive: none may.
      await sleep(300);
      expect(atFirst.received).toEqual([notice, back]);
      expect(atSecond.received).toEqual([notice, back]);

      // Other channels hear nothing.
      const elsewhere = listen(second, inboxChannel(randomUUID()));
      first.publish(channel, notice);
      await atSecond.next();
      expect(elsewhere.received).toEqual([]);
    });

    it("reconnects its listener after the connection drops", async () => {
      const first = await open();
      const second = await open();
      const channel = inboxChannel(randomUUID());
      const atSecond = listen(second, channel);
      await deliverEventually(first, atSecond, channel);

      await transport.dropListener(second);
      await deliverEventually(first, atSecond, channel, 10_000);
    });

    it("closes cleanly: connections released, later publishes ignored", async () => {
      const bus = await open();
      const channel = inboxChannel(randomUUID());
      const local = listen(bus, channel);
      expect(await transport.connections(bus)).toBeGreaterThan(0);
      bus.publish(channel, { kind: "probe", conversationId: randomUUID() });
      await bus.close();
      await bus.close();
      expect(() => bus.publish(channel, { kind: "late", conversationId: randomUUID() })).not.toThrow();
      expect(local.received.map((notice) => notice.kind)).toEqual(["probe"]);
      // The server may take a moment to notice a closed socket.
      for (let attempt = 0; attempt < 20 && (await transport.connections(bus)) > 0; attempt++)
        await sleep(100);
      expect(await transport.connections(bus)).toBe(0);
    });
  });
}

describe("choosing the bus", () => {
  it("stays in-process with SQLite and no Redis", async () => {
    const bus = await createRealtimeBus({ databaseUrl: "sqlite::memory:", redisUrl: undefined }, quiet);
    expect(bus).toBeInstanceOf(LocalBus);
    await bus.close();
  });

  if (databaseUrl) {
    it("uses PostgreSQL when the database is PostgreSQL", async () => {
      const bus = (await createRealtimeBus({ databaseUrl, redisUrl: undefined }, quiet)) as SharedBus;
      try {
        const client = new pg.Client({ connectionString: databaseUrl });
        await client.connect();
        const rows = await client.query("select 1 from pg_stat_activity where application_name = $1", [
          `kith-listen-${bus.id}`,
        ]);
        await client.end();
        expect(rows.rowCount).toBe(1);
      } finally {
        await bus.close();
      }
    });
  }

  if (databaseUrl && redisUrl) {
    it("prefers Redis when both are configured", async () => {
      const bus = (await createRealtimeBus({ databaseUrl, redisUrl }, quiet)) as SharedBus;
      try {
        const admin = new Redis(redisUrl);
        const list = String(await admin.client("LIST"));
        admin.disconnect();
        expect(list).toContain(`name=kith-listen-${bus.id}`);
      } finally {
        await bus.close();
      }
    });
  }
});
