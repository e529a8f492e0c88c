/**
 * The widget's live stream over real HTTP on loopback: the app listens on a free port, the test
 * reads `GET /widget/stream` with fetch as the widget's EventSource would, and an agent's reply
 * posted meanwhile arrives on it.
 */
import { Writable } from "node:stream";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../../src/http/app.js";
import { createMetrics } from "../../../src/http/metrics.js";
import { MemoryRateLimiter } from "../../../src/http/rate-limit/memory-rate-limiter.js";
import { LOG_SERIALIZERS } from "../../../src/logger.js";
import { startTestKit, type TestKit, VALETHON } from "../../support/app.js";
import { ENGINES } from "../../support/engines.js";

interface ServerSentEvent {
  event?: string;
  id?: string;
  data?: string;
}

/** Reads server-sent events from a fetch response, one at a time. */
class EventReader {
  private buffer = "";
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly decoder = new TextDecoder();
  ended = false;

  constructor(response: Response) {
    this.reader = response.body!.getReader();
  }

  /** The next event (comments and the retry hint skipped), or null when the stream ends first. */
  async next(timeoutMs = 3_000): Promise<ServerSentEvent | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const boundary = this.buffer.indexOf("\n\n");
      if (boundary >= 0) {
        const block = this.buffer.slice(0, boundary);
        this.buffer = this.buffer.slice(boundary + 2);
        const event: ServerSentEvent = {};
        for (const line of block.split("\n")) {
          if (line.startsWith(":") || line.startsWith("retry:")) continue;
          const [field, ...rest] = line.split(": ");
          (event as Record<string, string>)[field!] = rest.join(": ");
        }
        if (Object.keys(event).length > 0) return event;
        continue;
      }
      if (this.ended) return null;
      const remaining = deadline - Date.now();
      if (remaining <= 0)
        throw new Error(`no event within ${timeoutMs} ms; buffered: ${JSON.stringify(this.buffer)}`);
      const chunk = await Promise.race([
        this.reader.read(),
        new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), remaining)),
      ]);
      if (chunk === "timeout") continue;
      if (chunk.done) this.ended = true;
      else this.buffer += this.decoder.decode(chunk.value, { stream: true });
    }
  }

  async cancel(): Promise<void> {
    await this.reader.cancel().catch(() => {});
  }
}

for (const engine of ENGINES) {
  describe(`Valethon widget stream over HTTP (${engine})`, () => {
    let kit: TestKit;
    let base: string;
    let publicKey: string;
    const ORIGIN = "https://shop.example";
    let visitors = 0;
    const readers: EventReader[] = [];

    beforeAll(async () => {
      kit = await startTestKit(engine);
      const address = await kit.app.listen({ port: 0, host: "127.0.0.1" });
      base = `${address}${VALETHON}`;
      publicKey = await kit.newKey(kit.scope, { type: "public_live", origins: [ORIGIN] });
    });
    afterAll(async () => {
      for (const reader of readers) await reader.cancel();
      await kit?.close();
    });

    const post = async (path: string, body: unknown, key = publicKey) => {
      const response = await fetch(`${base}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-api-key": key, origin: ORIGIN },
        body: JSON.stringify(body),
      });
      return { status: response.status, json: (await response.json()) as any };
    };
    const session = async () => {
      const init = await post("/widget/init", { visitor_id: `v_stream${++visitors}` });
      return init.json.session_id as string;
    };
    const conversationNumber = async (sessionId: string) => {
      const transcript = await fetch(`${base}/widget/messages?session_id=${sessionId}`, {
        headers: { "x-api-key": publicKey },
      });
      expect(transcript.status).toBe(200);
      const rows = await kit.core.db
        .selectFrom("conversations")
        .select("seq")
        .where("visitor_id", "=", `v_stream${visitors}`)
        .executeTakeFirstOrThrow();
      return Number(rows.seq);
    };
    const agentReply = (number: number, text: string) =>
      post(`/conversations/${number}/messages`, { text }, kit.secretKey);
    const open = async (sessionId: string, headers: Record<string, string> = {}) => {
      const response = await fetch(`${base}/widget/stream?session_id=${sessionId}&key=${publicKey}`, {
        headers: { origin: ORIGIN, ...headers },
      });
      expect(response.status).toBe(200);
      const reader = new EventReader(response);
      readers.push(reader);
      return { response, reader };
    };

    it("delivers an agent's reply within a second, with CORS headers, and only agent messages", async () => {
      const sessionId = await session();
      const number = await conversationNumber(sessionId);
      const { response, reader } = await open(sessionId);
      expect(response.headers.get("content-type")).toContain("text/event-stream");
      expect(response.headers.get("access-control-allow-origin")).toBe(ORIGIN);
      expect(response.headers.get("x-ratelimit-limit")).toBe("30");
      // Give the stream a moment to subscribe before the writes.
      await new Promise((resolve) => setTimeout(resolve, 100));

      await post("/widget/message", { session_id: sessionId, message: "my email is broken" });
      const sentAt = Date.now();
      const reply = await agentReply(number, "Hello from the help desk <b>!</b>");
      expect(reply.status).toBe(201);
      const event = await reader.next();
      expect(Date.now() - sentAt).toBeLessThan(1_000);
      expect(event?.event).toBe("message");
      expect(event?.id).toBe(reply.json.data.id);
      expect(JSON.parse(event!.data!)).toEqual({
        id: reply.json.data.id,
        sender: "agent",
        text: "Hello from the help desk <b>!</b>",
        suggested_actions: [],
        author_name: null,
        created_at: reply.json.data.created_at,
      });
    });

    it("sends status changes, and ends the stream when the conversation closes", async () => {
      const sessionId = await session();
      const number = await conversationNumber(sessionId);
      const { reader } = await open(sessionId);
      await new Promise((resolve) => setTimeout(resolve, 100));
      await post("/widget/message", { session_id: sessionId, message: "Talk to a human" });
      expect(await reader.next()).toEqual({ event: "status", data: JSON.stringify({ status: "waiting" }) });
      await agentReply(number, "I'm here");
      expect((await reader.next())?.event).toBe("message");
      expect(await reader.next()).toEqual({ event: "status", data: JSON.stringify({ status: "open" }) });
      await post(`/conversations/${number}/close`, {}, kit.secretKey);
      expect(await reader.next()).toEqual({ event: "status", data: JSON.stringify({ status: "closed" }) });
      expect(await reader.next()).toBeNull();
      // Reconnecting to the closed session is refused, which stops EventSource.
      const again = await fetch(`${base}/widget/stream?session_id=${sessionId}&key=${publicKey}`);
      expect(again.status).toBe(404);
      expect(((await again.json()) as any).code).toBe("NOT_FOUND");
    });

    it("resumes after Last-Event-ID with the agent messages sent while disconnected", async () => {
      const sessionId = await session();
      const number = await conversationNumber(sessionId);
      const first = await agentReply(number, "first");
      const second = await agentReply(number, "second");
      const third = await agentReply(number, "third");
      const { reader } = await open(sessionId, { "last-event-id": first.json.data.id });
      expect((await reader.next())?.id).toBe(second.json.data.id);
      expect((await reader.next())?.id).toBe(third.json.data.id);
      // `after` does the same on a first connection.
      const other = await fetch(
        `${base}/widget/stream?session_id=${sessionId}&key=${publicKey}&after=${second.json.data.id}`,
      );
      const otherReader = new EventReader(other);
      readers.push(otherReader);
      expect((await otherReader.next())?.id).toBe(third.json.data.id);
      // A cursor that is no message of this conversation is refused before streaming.
      const bad = await fetch(
        `${base}/widget/stream?session_id=${sessionId}&key=${publicKey}&after=${crypto.randomUUID()}`,
      );
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as any).error).toMatch(/^after: /);
    });

    it("refuses a disallowed origin and an unknown session before streaming", async () => {
      const sessionId = await session();
      const evil = await fetch(`${base}/widget/stream?session_id=${sessionId}&key=${publicKey}`, {
        headers: { origin: "https://evil.example" },
      });
      expect(evil.status).toBe(403);
      expect(evil.headers.get("access-control-allow-origin")).toBeNull();
      const unknown = await fetch(`${base}/widget/stream?session_id=ws_${"Z".repeat(32)}&key=${publicKey}`);
      expect(unknown.status).toBe(404);
      const noKey = await fetch(`${base}/widget/stream?session_id=${sessionId}`);
      expect(noKey.status).toBe(401);
      // A secret key never travels in a URL: in the query string it counts as no key.
      const secretInUrl = await fetch(`${base}/widget/stream?session_id=${sessionId}&key=${kit.secretKey}`);
      expect(secretInUrl.status).toBe(401);
    });
  });
}

describe("request logs", () => {
  it("never show the key the stream takes in its query string", async () => {
    const kit = await startTestKit("sqlite");
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logger = pino({ level: "info", serializers: LOG_SERIALIZERS }, sink);
    const app = await buildApp({
      config: kit.config,
      core: kit.core,
      limiter: new MemoryRateLimiter(),
      metrics: createMetrics(),
      logger,
    });
    try {
      const key = await kit.newKey(kit.scope, { type: "public_test" });
      const response = await app.inject({
        method: "GET",
        url: `${VALETHON}/widget/stream?session_id=ws_${"Q".repeat(32)}&key=${key}`,
      });
      expect(response.statusCode).toBe(404);
      const log = lines.join("");
      expect(log).toContain("/widget/stream?session_id=");
      expect(log).toContain("key=[redacted]");
      expect(log).not.toContain(key.slice(0, 16));
    } finally {
      await app.close();
      await kit.close();
    }
  });
});
