/**
 * The events feed (Kith extension): the workspace's domain events in order, for clients that
 * prefer pulling to webhooks. See core/events-feed.ts for the cursor and the hold-back rule.
 */

import { validationError } from "../../../core/errors.js";
import { readEventsFeed } from "../../../core/events-feed.js";
import { STANDARD_ERRORS } from "./common.schemas.js";
import { scopeOf, type ValethonApp, type ValethonDeps } from "./context.js";
import { EventsPageSchema, EventsQuerySchema } from "./events.schemas.js";

const EVENT_TYPE = /^[a-z][a-z_]*\.[a-z][a-z_]*$/;

function parseTypes(text: string | undefined): string[] {
  const names = (text ?? "")
    .split(",")
    .map((name) => name.trim())
    .filter((name) => name !== "");
  for (const name of names) {
    if (!EVENT_TYPE.test(name)) {
      throw validationError("types", "must be a comma-separated list of event types such as lead.created");
    }
  }
  return names;
}

export async function eventsRoutes(app: ValethonApp, { core }: ValethonDeps): Promise<void> {
  app.get(
    "/events",
    {
      config: { permission: "events:read" },
      schema: {
        tags: ["Events"],
        summary: "Read the workspace's events in order, from a cursor on (Kith extension)",
        querystring: EventsQuerySchema,
        response: { 200: EventsPageSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const query = request.query;
      const page = await readEventsFeed(core, scopeOf(request), {
        after: query.after,
        types: parseTypes(query.types),
        limit: query.limit,
      });
      return {
        success: true as const,
        data: page.events.map((event) => ({
          event_id: event.id,
          type: event.type,
          entity_type: event.entityType,
          entity_id: event.entityId,
          data: event.data,
          created_at: event.createdAt,
        })),
        next_cursor: page.nextCursor,
        has_more: page.hasMore,
      };
    },
  );
}
