/**
 * The real-time bus across processes. Each process delivers its own notices to its own
 * subscribers at once (as LocalBus does) and forwards them through a shared transport: Redis
 * pub/sub when REDIS_URL is set, otherwise PostgreSQL LISTEN/NOTIFY when the database is
 * PostgreSQL. Every forwarded notice carries the sending bus's id, so a process never delivers
 * its own notice twice. A notice lost while a transport reconnects costs only latency: streams
 * catch up by cursor (see bus.ts).
 */
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import pg from "pg";
import { type BusListener, type BusNotice, LocalBus, type RealtimeBus } from "./bus.js";

/** The PostgreSQL NOTIFY channel and the Redis pub/sub channel every Kith process shares. */
export const SHARED_CHANNEL = "kith_realtime";

export interface BusLogger {
  warn(object: object, message: string): void;
}

/** Carries wire messages between processes; the bus handles framing and local delivery. */
interface Transport {
  send(message: string): Promise<void>;
  close(): Promise<void>;
}

interface WireMessage {
  /** The sending bus's id. */
  o: string;
  /** The bus channel (`inbox:…`, `conversation:…`). */
  c: string;
  n: BusNotice;
}

const RECONNECT_MIN_MS = 250;
const RECONNECT_MAX_MS = 5_000;
/** At most one warning per this interval while a transport fails; the rest are dropped. */
const WARN_INTERVAL_MS = 30_000;

export class SharedBus implements RealtimeBus {
  /** Identifies this process's bus on the wire (and in PostgreSQL's application_name). */
  readonly id = randomBytes(8).toString("hex");
  private readonly local = new LocalBus();
  private transport: Transport | null = null;
  private closed = false;
  private lastWarnMs = Number.NEGATIVE_INFINITY;

  constructor(private readonly logger: BusLogger) {}

  /** Set once by the factory functions below, after the transport's receiving side is ready. */
  attach(transport: Transport): void {
    this.transport = transport;
  }

  publish(channel: string, notice: BusNotice): void {
    this.local.publish(channel, notice);
    if (this.closed || !this.transport) return;
    const message: WireMessage = { o: this.id, c: channel, n: notice };
    this.transport.send(JSON.stringify(message)).catch((error) => this.warn(error, "could not forward"));
  }

  subscribe(channel: string, listener: BusListener): () => void {
    return this.local.subscribe(channel, listener);
  }

  /** What a transport calls for every message it receives from any process (this one included). */
  receive(raw: string): void {
    if (this.closed) return;
    let message: WireMessage;
    try {
      message = JSON.parse(raw) as WireMessage;
    } catch {
      return;
    }
    if (message.o === this.id || typeof message.c !== "string" || !isNotice(message.n)) return;
    this.local.publish(message.c, message.n);
  }

  warn(error: unknown, what: string): void {
    const now = Date.now();
    if (this.closed || now - this.lastWarnMs < WARN_INTERVAL_MS) return;
    this.lastWarnMs = now;
    try {
      this.logger.warn({ err: error }, `real-time bus: ${what}`);
    } catch {
      // Logging is best effort.
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.transport?.close();
    await this.local.close();
  }
}

function isNotice(value: unknown): value is BusNotice {
  const notice = value as BusNotice | null;
  return (
    typeof notice === "object" &&
    notice !== null &&
    typeof notice.kind === "string" &&
    typeof notice.conversationId === "string" &&
    (notice.messageId === undefined || typeof notice.messageId === "string")
  );
}

const backoff = (attempt: number) => Math.min(RECONNECT_MIN_MS * 2 ** attempt, RECONNECT_MAX_MS);

/**
 * LISTEN on a dedicated client (reconnected with backoff when it fails: a LISTEN lives only as
 * long as its connection) and NOTIFY through a one-connection pool. Resolves once listening, or
 * after the first failure (it keeps retrying in the background, like the Redis rate limiter).
 */
export async function createPostgresBus(databaseUrl: string, logger: BusLogger): Promise<SharedBus> {
  const bus = new SharedBus(logger);
  const notifier = new pg.Pool({
    connectionString: databaseUrl,
    max: 1,
    connectionTimeoutMillis: 2_000,
    application_name: `kith-bus-${bus.id}`,
  });
  notifier.on("error", (error) => bus.warn(error, "notify connection failed"));
  let listener: pg.Client | null = null;
  let retry: NodeJS.Timeout | undefined;
  let attempt = 0;
  let stopped = false;

  const listen = async (): Promise<void> => {
    const client = new pg.Client({
      connectionString: databaseUrl,
      connectionTimeoutMillis: 5_000,
      application_name: `kith-listen-${bus.id}`,
    });
    listener = client;
    const reconnect = (error?: Error) => {
      if (listener !== client) return;
      listener = null;
      if (error) bus.warn(error, "LISTEN connection lost; reconnecting");
      client.end().catch(() => {});
      if (stopped) return;
      retry = setTimeout(() => void listen(), backoff(attempt++));
      retry.unref();
    };
    client.on("error", reconnect);
    client.on("end", () => reconnect(new Error("connection ended")));
    client.on("notification", (message) => {
      if (message.channel === SHARED_CHANNEL && message.payload) bus.receive(message.payload);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${SHARED_CHANNEL}`);
      attempt = 0;
    } catch (error) {
      reconnect(error as Error);
    }
  };

  await listen();
  bus.attach({
    send: async (message) => {
      await notifier.query("select pg_notify($1, $2)", [SHARED_CHANNEL, message]);
    },
    close: async () => {
      stopped = true;
      clearTimeout(retry);
      const client = listener;
      listener = null;
      await client?.end().catch(() => {});
      await notifier.end().catch(() => {});
    },
  });
  return bus;
}

/**
 * One subscriber connection (ioredis reconnects and re-subscribes by itself) and one publisher
 * that fails fast while Redis is away instead of queueing notices nobody will want later.
 */
export async function createRedisBus(redisUrl: string, logger: BusLogger): Promise<SharedBus> {
  const bus = new SharedBus(logger);
  const options = {
    lazyConnect: true,
    connectTimeout: 1_000,
    retryStrategy: (times: number) => backoff(times),
  };
  const subscriber = new Redis(redisUrl, { ...options, connectionName: `kith-listen-${bus.id}` });
  const publisher = new Redis(redisUrl, {
    ...options,
    connectionName: `kith-bus-${bus.id}`,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: 1_000,
  });
  // Without listeners ioredis reports every failed reconnect as an unhandled error event.
  subscriber.on("error", (error) => bus.warn(error, "Redis subscriber connection failed"));
  publisher.on("error", (error) => bus.warn(error, "Redis publisher connection failed"));
  subscriber.on("message", (channel: string, message: string) => {
    if (channel === SHARED_CHANNEL) bus.receive(message);
  });
  // Subscribing waits for the connection (queued until then), but start-up does not wait long.
  const subscribed = subscriber
    .subscribe(SHARED_CHANNEL)
    .catch((error) => bus.warn(error, "SUBSCRIBE failed"));
  const connected = publisher.connect().catch(() => {});
  subscriber.connect().catch(() => {});
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.all([subscribed, connected]),
    new Promise((resolve) => {
      timer = setTimeout(resolve, 1_000);
    }),
  ]);
  clearTimeout(timer);
  bus.attach({
    send: async (message) => {
      await publisher.publish(SHARED_CHANNEL, message);
    },
    close: async () => {
      await Promise.all([quit(subscriber), quit(publisher)]);
    },
  });
  return bus;
}

async function quit(redis: Redis): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      redis.quit(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error("quit timed out")), 1_000);
      }),
    ]);
  } catch {
    redis.disconnect();
  } finally {
    clearTimeout(timer);
  }
}

/** The bus a process should use: Redis wins over PostgreSQL; SQLite alone is one process's bus. */
export async function createRealtimeBus(
  options: { databaseUrl: string; redisUrl: string | undefined },
  logger: BusLogger,
): Promise<RealtimeBus> {
  if (options.redisUrl) return createRedisBus(options.redisUrl, logger);
  if (/^postgres(ql)?:\/\//.test(options.databaseUrl)) return createPostgresBus(options.databaseUrl, logger);
  return new LocalBus();
}
