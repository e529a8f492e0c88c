import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Clock } from "../../../src/core/clock.js";
import { decodeCursor, encodeCursor, FEED_HOLDBACK_MS } from "../../../src/core/events-feed.js";
import { SECRET_PERMISSIONS } from "../../../src/core/keys/permissions.js";
import { call, startTestKit, type TestKit, VALETHON } from "../../support/app.js";
import { ENGINES } from "../../support/engines.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

for (const engine of ENGINES) {
  describe(`Valethon events feed on ${engine}`, () => {
    let kit: TestKit;
    let nowMs = Date.parse("2026-11-23T12:00:00.000Z");
    const clock: Clock = { now: () => new Date(nowMs) };
    /** Moves time past the feed's hold-back, so everything written so far is readable. */
    const settle = () => {
      nowMs += FEED_HOLDBACK_MS + 1_000;
    };
    const feed = (query = "", key: string | null = kit.secretKey) =>
      call(kit, "GET", `${VALETHON}/events${query}`, { key });
    const createLead = async (first_name: string, key = kit.secretKey) => {
      const response = await call(kit, "POST", `${VALETHON}/leads`, {
        key,
        body: { first_name, last_name: "Feed", email: `${first_name.toLowerCase()}@feed.test` },
      });
      expect(response.statusCode).toBe(201);
      return response.json.data as { lead_id: number; uuid: string };
    };
    /** Every event readable with `query`, following the cursor to the end. */
    const readAll = async (query: string, key = kit.secretKey) => {
      const events: any[] = [];
      let cursor: string | null = null;
      for (let page = 0; page < 1000; page++) {
        const after: string = cursor === null ? "" : `&after=${cursor}`;
        const response = await feed(`?${query}${after}`, key);
        expect(response.statusCode).toBe(200);
        events.push(...response.json.data);
        cursor = response.json.next_cursor;
        if (!response.json.has_more) return { events, cursor: cursor as string };
      }
      throw new Error("the feed never ended");
    };

    beforeAll(async () => {
      kit = await startTestKit(engine, { clock });
    });
    afterAll(async () => kit?.close());

    it("returns the workspace's events in order with the documented body", async () => {
      const a = await createLead("Alpha");
      const b = await createLead("Bravo");
      const updated = await call(kit, "PUT", `${VALETHON}/leads/${a.lead_id}`, {
        key: kit.secretKey,
        body: { first_name: "Alphonse" },
      });
      expect(updated.statusCode).toBe(200);
      settle();

      const response = await feed("?limit=500");
      expect(response.statusCode).toBe(200);
      expect(response.json.success).toBe(true);
      expect(typeof response.json.next_cursor).toBe("string");
      expect(response.json.has_more).toBe(false);
      const events = response.json.data as any[];
      for (const event of events) {
        expect(Object.keys(event).sort()).toEqual(
          ["created_at", "data", "entity_id", "entity_type", "event_id", "type"].sort(),
        );
      }
      const mine = events.filter((event) => event.entity_type === "lead");
      expect(mine.map((event) => [event.type, event.entity_id])).toEqual([
        ["lead.created", a.uuid],
        ["lead.created", b.uuid],
        ["lead.updated", a.uuid],
      ]);
      expect(mine[0].entity_id).toMatch(UUID);
      expect(mine[2].data).toMatchObject({ changes: { firstName: { from: "Alpha", to: "Alphonse" } } });
      // Event ids are UUIDv7, so position order is also id order here.
      const ids = events.map((event) => event.event_id);
      expect(new Set(ids).size).toBe(ids.length);
    });

    it("pages with the cursor to the end, and the end cursor later yields only newer events", async () => {
      for (const name of ["Charlie", "Delta", "Echo", "Foxtrot", "Golf"]) await createLead(name);
      settle();
      const whole = (await feed("?limit=500")).json.data as any[];
      const paged = await readAll("limit=2");
      expect(paged.events.map((event) => event.event_id)).toEqual(whole.map((event) => event.event_id));

      const atEnd = await feed(`?after=${paged.cursor}`);
      expect(atEnd.json).toMatchObject({
        success: true,
        data: [],
        has_more: false,
        next_cursor: paged.cursor,
      });

      const hotel = await createLead("Hotel");
      settle();
      const newer = await feed(`?after=${paged.cursor}`);
      expect(newer.json.data.map((event: any) => [event.type, event.entity_id])).toEqual([
        ["lead.created", hotel.uuid],
      ]);
    });

    it("filters by type", async () => {
      await call(kit, "POST", `${VALETHON}/contacts`, {
        key: kit.secretKey,
        body: { first_name: "Contact", last_name: "Feed", email: "contact@feed.test" },
      });
      settle();
      const onlyCreated = await readAll("types=lead.created&limit=3");
      expect(onlyCreated.events.length).toBeGreaterThanOrEqual(8);
      expect(new Set(onlyCreated.events.map((event) => event.type))).toEqual(new Set(["lead.created"]));

      const two = await readAll("types=lead.updated,contact.created");
      expect(new Set(two.events.map((event) => event.type))).toEqual(
        new Set(["lead.updated", "contact.created"]),
      );

      const none = await feed("?types=opportunity.stage_changed");
      expect(none.json.data).toEqual([]);
      expect((await feed("?types=lead")).statusCode).toBe(400);
    });

    it("never shows another workspace's events", async () => {
      const theirs = await createLead("Intruder", kit.other.secretKey);
      settle();
      const mine = await readAll("limit=500");
      const ids = new Set(mine.events.map((event) => event.entity_id));
      expect(ids.has(theirs.uuid)).toBe(false);

      const other = await readAll("limit=500", kit.other.secretKey);
      expect(other.events.map((event) => event.entity_id)).toContain(theirs.uuid);
      const myIds = new Set(mine.events.map((event) => event.event_id));
      expect(other.events.some((event) => myIds.has(event.event_id))).toBe(false);

      // The other workspace's cursor does not open this workspace's events either.
      const fromStart = await feed(`?after=${encodeCursor(0)}&limit=500`, kit.other.secretKey);
      expect(fromStart.json.data.some((event: any) => myIds.has(event.event_id))).toBe(false);
    });

    it("needs the events:read permission", async () => {
      const without = await kit.newKey(kit.scope, {
        type: "secret",
        scopes: SECRET_PERMISSIONS.filter((permission) => permission !== "events:read"),
        rateLimit: 100_000,
      });
      const denied = await feed("", without);
      expect(denied.statusCode).toBe(403);
      expect(denied.json).toMatchObject({ success: false, code: "FORBIDDEN" });

      const only = await kit.newKey(kit.scope, {
        type: "secret",
        scopes: ["events:read"],
        rateLimit: 100_000,
      });
      expect((await feed("", only)).statusCode).toBe(200);
      expect((await feed("", null)).statusCode).toBe(401);
    });

    it("answers 400 naming `after` for a malformed cursor, and checks the limit", async () => {
      for (const bad of [
        "nope",
        "%%%",
        encodeURIComponent(Buffer.from("p:-1").toString("base64url")),
        "cDox!",
      ]) {
        const response = await feed(`?after=${bad}`);
        expect(response.statusCode, bad).toBe(400);
        expect(response.json).toMatchObject({ success: false, code: "VALIDATION_ERROR" });
        expect(response.json.error, bad).toContain("after");
      }
      expect(() => decodeCursor("x")).toThrow();
      expect(decodeCursor(encodeCursor(42))).toBe(42);
      for (const limit of ["0", "501", "abc"]) {
        expect((await feed(`?limit=${limit}`)).statusCode, limit).toBe(400);
      }
      expect((await feed("?limit=500")).statusCode).toBe(200);
    });

    it(
      engine === "postgres"
        ? "holds back events younger than the hold-back window (PostgreSQL)"
        : "shows new events at once (SQLite commits in position order)",
      async () => {
        settle();
        const { cursor } = await readAll("limit=500");
        const india = await createLead("India");
        const fresh = await feed(`?after=${cursor}`);
        if (engine === "postgres") {
          expect(fresh.json.data).toEqual([]);
          expect(fresh.json.next_cursor).toBe(cursor);
          nowMs += FEED_HOLDBACK_MS + 1;
        }
        const later = await feed(`?after=${cursor}`);
        expect(later.json.data.map((event: any) => event.entity_id)).toEqual([india.uuid]);
      },
    );
  });
}
