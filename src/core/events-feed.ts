/**
 * The events feed: a workspace's domain events in `position` order, from an opaque cursor on,
 * for clients that prefer pulling to webhooks.
 *
 * Holding back (PostgreSQL): positions come from a sequence and are handed out before commit, so
 * an event with a smaller position can become visible after one with a larger position. A reader
 * that moved its cursor past the larger one would never see the smaller one. The feed therefore
 * stops at the first event created less than FEED_HOLDBACK_MS ago: an event appears in the feed
 * once it is that old, and the guarantee "no event is skipped" holds for every write transaction
 * that commits within FEED_HOLDBACK_MS of its start (domain writes take milliseconds). SQLite
 * commits one writer at a time in position order, so nothing is held back there.
 */
import type { Core, Scope } from "./core.js";
import { validationError } from "./errors.js";

export const FEED_LIMITS = { defaultLimit: 100, maxLimit: 500 } as const;
export const FEED_HOLDBACK_MS = 2_000;

export interface FeedEvent {
  id: string;
  position: number;
  type: string;
  entityType: string;
  entityId: string;
  data: Record<string, unknown>;
  createdAt: string;
}

export interface FeedPage {
  events: FeedEvent[];
  /** Pass back as `after` to continue; at the end of the feed, to poll for newer events. */
  nextCursor: string;
  /** More events are readable at once past this page. */
  hasMore: boolean;
}

export interface FeedQuery {
  /** A cursor from an earlier page; absent: from the beginning. */
  after?: string;
  /** Only these event types (absent or empty: all). */
  types?: readonly string[];
  limit?: number;
}

const CURSOR_PREFIX = "p:";

export function encodeCursor(position: number): string {
  return Buffer.from(`${CURSOR_PREFIX}${position}`, "utf8").toString("base64url");
}

/** The position a cursor stands for; a malformed cursor is a VALIDATION error naming `field`. */
export function decodeCursor(cursor: string, field = "after"): number {
  const invalid = () => validationError(field, "is not a cursor returned by this feed");
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(cursor)) throw invalid();
  const text = Buffer.from(cursor, "base64url").toString("utf8");
  const match = /^p:(0|[1-9]\d{0,15})$/.exec(text);
  if (!match) throw invalid();
  const position = Number(match[1]);
  if (!Number.isSafeInteger(position)) throw invalid();
  return position;
}

export async function readEventsFeed(core: Core, scope: Scope, query: FeedQuery = {}): Promise<FeedPage> {
  const limit = query.limit ?? FEED_LIMITS.defaultLimit;
  if (!Number.isInteger(limit) || limit < 1 || limit > FEED_LIMITS.maxLimit) {
    throw validationError("limit", `must be a whole number from 1 to ${FEED_LIMITS.maxLimit}`);
  }
  const after = query.after === undefined ? 0 : decodeCursor(query.after);
  const types = [...new Set(query.types ?? [])];

  let select = core.db
    .selectFrom("events")
    .select(["position", "id", "type", "entity_type", "entity_id", "data", "created_at"])
    .where("workspace_id", "=", scope.workspaceId)
    .where("position", ">", after)
    .orderBy("position")
    .limit(limit + 1);
  if (types.length > 0) select = select.where("type", "in", types);
  const rows = await select.execute();

  // Stop at the first event too young to be safely past every transaction still in flight.
  let ready = rows;
  if (core.engine === "postgres") {
    const horizon = new Date(core.clock.now().getTime() - FEED_HOLDBACK_MS).toISOString();
    const young = rows.findIndex((row) => row.created_at > horizon);
    if (young >= 0) ready = rows.slice(0, young);
  }
  const hasMore = ready.length > limit;
  const page = ready.slice(0, limit);
  const last = page.at(-1);
  return {
    events: page.map((row) => ({
      id: row.id,
      position: Number(row.position),
      type: row.type,
      entityType: row.entity_type,
      entityId: row.entity_id,
      data: JSON.parse(row.data) as Record<string, unknown>,
      createdAt: row.created_at,
    })),
    nextCursor: encodeCursor(last ? Number(last.position) : after),
    hasMore,
  };
}
