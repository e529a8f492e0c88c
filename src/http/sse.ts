/**
 * Server-sent events on a Fastify reply: the headers, a heartbeat comment so proxies keep the
 * connection, a `retry:` hint for EventSource's reconnect, and one cleanup when the client goes.
 */
import type { Server } from "node:http";
import type { FastifyReply, FastifyRequest } from "fastify";

export interface EventStream {
  /** Writes one event; `id` becomes the client's Last-Event-ID on reconnect. */
  send(event: string, data: unknown, id?: string): void;
  /** Runs once, when the client disconnects or the stream is closed. */
  onClose(cleanup: () => void): void;
  close(): void;
  readonly closed: boolean;
}

const HEARTBEAT_MS = 15_000;
const RETRY_MS = 2_000;

/** Open streams per HTTP server, so shutdown can end them (they are never idle). */
const openStreams = new WeakMap<Server, Set<EventStream>>();

/** Ends every open stream of a server (the app's preClose hook); clients reconnect elsewhere. */
export function closeEventStreams(server: Server): void {
  for (const stream of openStreams.get(server) ?? []) stream.close();
}

export function openEventStream(
  request: FastifyRequest,
  reply: FastifyReply,
  headers: Record<string, string> = {},
): EventStream {
  // Headers already set on the reply (rate-limit, CORS) would be lost by hijacking: carry them over.
  const carried: Record<string, string> = {};
  for (const [name, value] of Object.entries(reply.getHeaders())) {
    if (value !== undefined) carried[name] = Array.isArray(value) ? value.join(", ") : String(value);
  }
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    ...carried,
    ...headers,
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-store",
    connection: "keep-alive",
    "x-accel-buffering": "no",
    "x-request-id": request.id,
  });
  raw.write(`retry: ${RETRY_MS}\n\n`);
  const cleanups: (() => void)[] = [];
  let closed = false;
  const heartbeat = setInterval(() => raw.write(": keep-alive\n\n"), HEARTBEAT_MS);
  heartbeat.unref();
  const finish = () => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    for (const cleanup of cleanups.splice(0)) cleanup();
  };
  request.raw.on("close", finish);
  raw.on("close", finish);
  const streams = openStreams.get(request.server.server) ?? new Set<EventStream>();
  openStreams.set(request.server.server, streams);
  cleanups.push(() => streams.delete(stream));
  const stream: EventStream = {
    send(event, data, id) {
      if (closed) return;
      const lines = [`event: ${event}`];
      if (id) lines.push(`id: ${id}`);
      // JSON has no raw newlines, so one data line is enough.
      lines.push(`data: ${JSON.stringify(data)}`);
      raw.write(`${lines.join("\n")}\n\n`);
    },
    onClose(cleanup) {
      if (closed) cleanup();
      else cleanups.push(cleanup);
    },
    close() {
      finish();
      raw.end();
    },
    get closed() {
      return closed;
    },
  };
  streams.add(stream);
  return stream;
}
