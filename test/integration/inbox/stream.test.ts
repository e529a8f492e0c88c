/**
 * The inbox's live stream over real HTTP on loopback: a visitor's message reaches an agent's open
 * stream within a second, in this process and from another process sharing the database (through
 * PostgreSQL LISTEN/NOTIFY or Redis pub/sub), and never reaches another workspace's agents.
 */
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Core, createCore } from "../../../src/core/core.js";
import { type DatabaseHandle, openDatabase } from "../../../src/db/database.js";
import { buildApp } from "../../../src/http/app.js";
import { createMetrics } from "../../../src/http/metrics.js";
import { MemoryRateLimiter } from "../../../src/http/rate-limit/memory-rate-limiter.js";
import type { RealtimeBus } from "../../../src/realtime/bus.js";
import { createPostgresBus, createRedisBus } from "../../../src/realtime/shared-bus.js";
import { startTestKit, type TestKit } from "../../support/app.js";
import { ENGINES } from "../../support/engines.js";
import { AGENT_PASSWORD, createAgent, visitorChat } from "../../support/inbox.js";

interface StreamEvent {
  event: string;
  data: any;
}

/** An SSE client over fetch: collects events and waits for the one a test expects. */
async function openStream(url: string, cookie: string) {
  const controller = new AbortController();
  const response = await fetch(url, { headers: { cookie }, signal: controller.signal });
  const events: StreamEvent[] = [];
  let wake = () => {};
  let ended = false;
  const pump = (async () => {
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let end = buffer.indexOf("\n\n");
        while (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data) events.push({ event, data: JSON.parse(data) });
          end = buffer.indexOf("\n\n");
        }
        wake();
      }
    } catch {
      // Aborted by the test.
    }
    ended = true;
    wake();
  })();
  let cursor = 0;
  return {
    response,
    events,
    /** The next event (after those already taken) that matches, within `ms`. */
    async next(match: (event: StreamEvent) => boolean, ms = 1_000): Promise<StreamEvent> {
      const deadline = Date.now() + ms;
      for (;;) {
        const index = events.findIndex((event, at) => at >= cursor && match(event));
        if (index >= 0) {
          cursor = index + 1;
          return events[index]!;
        }
        if (ended) throw new Error("the stream ended");
        const left = deadline - Date.now();
        if (left <= 0)
          throw new Error(`no matching event within ${ms} ms; got ${JSON.stringify(events.slice(cursor))}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    },
    ended: async (ms = 1_000) => {
      const deadline = Date.now() + ms;
      while (!ended && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      return ended;
    },
    close: async () => {
      controller.abort();
      await pump;
    },
  };
}

async function loginOver(base: string, workspace: string, username: string) {
  const response = await fetch(`${base}/inbox/api/login`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: base },
    body: JSON.stringify({ workspace, username, password: AGENT_PASSWORD }),
  });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { csrf_token: string };
  return { cookie: response.headers.get("set-cookie")!.split(";")[0]!, csrf: body.csrf_token };
}

async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ port: 0, host: "127.0.0.1" });
  const address = app.server.address();
  if (!address || typeof address === "string") throw new Error("no address");
  return `http://127.0.0.1:${address.port}`;
}

for (const engine of ENGINES) {
  describe(`inbox live stream (${engine})`, () => {
    let kit: TestKit;
    let base: string;
    beforeAll(async () => {
      kit = await startTestKit(engine);
      base = await listen(kit.app);
    });
    afterAll(async () => {
      await kit.close();
    });

    it("sends a visitor's message and the conversation's summary within a second, then the agent's reply", async () => {
      const agent = await createAgent(kit, kit.scope, "live-ada", "Ada Live");
      const session = await loginOver(base, kit.workspace.slug, agent.username);
      const stream = await openStream(`${base}/inbox/api/stream`, session.cookie);
      try {
        expect(stream.response.status).toBe(200);
        expect(stream.response.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
        await stream.next((event) => event.event === "ready");

        const started = Date.now();
        const chat = await visitorChat(kit.core, kit.scope, ["<b>printer</b> is on fire"]);
        const message = await stream.next(
          (event) => event.event === "message" && event.data.message.sender === "visitor",
          1_000,
        );
        expect(Date.now() - started).toBeLessThan(1_000);
        expect(message.data).toEqual({
          conversation_id: chat.conversationId,
          message: expect.objectContaining({ sender: "visitor", text: "<b>printer</b> is on fire" }),
        });
        const summary = await stream.next((event) => event.event === "conversation");
        expect(summary.data.conversation).toMatchObject({
          id: chat.conversationId,
          number: chat.number,
          is_read: false,
          last_message_preview: expect.any(String),
        });

        const reply = await fetch(`${base}/inbox/api/conversations/${chat.conversationId}/messages`, {
          method: "POST",
          headers: {
            cookie: session.cookie,
            "x-csrf-token": session.csrf,
            "content-type": "application/json",
            origin: base,
          },
          body: JSON.stringify({ text: "On my way with a fire extinguisher." }),
        });
        expect(reply.status).toBe(201);
        const echoed = await stream.next(
          (event) => event.event === "message" && event.data.message.sender === "agent",
        );
        expect(echoed.data.message).toMatchObject({
          text: "On my way with a fire extinguisher.",
          author_name: "Ada Live",
        });
      } finally {
        await stream.close();
      }
    });

    it("never sends one workspace's updates to another workspace's agents", async () => {
      const outsider = await createAgent(kit, kit.other.scope, "live-outsider");
      const session = await loginOver(base, kit.other.workspace.slug, outsider.username);
      const stream = await openStream(`${base}/inbox/api/stream`, session.cookie);
      try {
        await stream.next((event) => event.event === "ready");
        await visitorChat(kit.core, kit.scope, ["for the first workspace only"]);
        const own = await visitorChat(kit.core, kit.other.scope, ["for the outsider"]);
        await stream.next(
          (event) => event.event === "message" && event.data.conversation_id === own.conversationId,
        );
        const seen = stream.events.flatMap((event) =>
          event.event === "message"
            ? [event.data.message.text]
            : event.event === "conversation"
              ? [event.data.conversation.id]
              : [],
        );
        expect(seen).not.toContain("for the first workspace only");
        for (const event of stream.events.filter((candidate) => candidate.event === "conversation")) {
          expect(event.data.conversation.id).toBe(own.conversationId);
        }
      } finally {
        await stream.close();
      }
    });

    it("ends the session's streams when the agent logs out, and refuses a stream without a session", async () => {
      const agent = await createAgent(kit, kit.scope, "live-leaver");
      const session = await loginOver(base, kit.workspace.slug, agent.username);
      const stream = await openStream(`${base}/inbox/api/stream`, session.cookie);
      try {
        await stream.next((event) => event.event === "ready");
        const out = await fetch(`${base}/inbox/api/logout`, {
          method: "POST",
          headers: { cookie: session.cookie, "x-csrf-token": session.csrf, origin: base },
        });
        expect(out.status).toBe(204);
        expect(await stream.ended()).toBe(true);
      } finally {
        await stream.close();
      }
      const refused = await fetch(`${base}/inbox/api/stream`, { headers: { cookie: session.cookie } });
      expect(refused.status).toBe(401);
      expect(await refused.json()).toMatchObject({ error: "not logged in (or the session has ended)" });
    });
  });

  // Two `kith serve` processes over one database: the visitor writes through one, the agent's
  // stream is open on the other.
  const quiet = { warn: () => {} };
  const transports: { name: string; open(databaseUrl: string): Promise<RealtimeBus> }[] = [];
  const redisUrl = process.env.KITH_TEST_REDIS_URL;
  if (redisUrl) transports.push({ name: "Redis", open: () => createRedisBus(redisUrl, quiet) });
  if (engine === "postgres")
    transports.push({ name: "PostgreSQL", open: (url) => createPostgresBus(url, quiet) });
  for (const transport of transports) {
    describe(`inbox live stream across processes over ${transport.name} (${engine})`, () => {
      let kit: TestKit;
      const processes: { handle: DatabaseHandle; core: Core; app: FastifyInstance; bus: RealtimeBus }[] = [];
      beforeAll(async () => {
        kit = await startTestKit(engine);
        for (let index = 0; index < 2; index++) {
          const handle = openDatabase(kit.config.databaseUrl);
          const bus = await transport.open(kit.config.databaseUrl);
          const core = createCore(handle, { bus });
          const app = await buildApp({
            config: kit.config,
            core,
            limiter: new MemoryRateLimiter(),
            metrics: createMetrics(),
          });
          processes.push({ handle, core, app, bus });
        }
      });
      afterAll(async () => {
        for (const node of processes) {
          await node.app.close();
          await node.bus.close();
          await node.handle.close();
        }
        await kit.close();
      });

      it("delivers a visitor message written in one process to a stream open in the other within a second", async () => {
        const [writer, reader] = processes as [(typeof processes)[0], (typeof processes)[0]];
        const base = await listen(reader.app);
        const agent = await createAgent(
          { core: reader.core },
          kit.scope,
          `cross-${transport.name.toLowerCase()}`,
        );
        const session = await loginOver(base, kit.workspace.slug, agent.username);
        const stream = await openStream(`${base}/inbox/api/stream`, session.cookie);
        try {
          await stream.next((event) => event.event === "ready");
          // A fresh LISTEN/SUBSCRIBE may take a moment to stand; the first chat proves the path.
          await visitorChat(writer.core, kit.scope, ["warming up"]);
          await stream.next(
            (event) => event.event === "message" && event.data.message.text === "warming up",
            5_000,
          );

          const started = Date.now();
          const chat = await visitorChat(writer.core, kit.scope, ["across processes"]);
          const event = await stream.next(
            (candidate) =>
              candidate.event === "message" && candidate.data.message.text === "across processes",
            1_000,
          );
          expect(Date.now() - started).toBeLessThan(1_000);
          expect(event.data.conversation_id).toBe(chat.conversationId);
        } finally {
          await stream.close();
        }
      });
    });
  }
}
