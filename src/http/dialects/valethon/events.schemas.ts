/** Request and response schemas of the events feed (a Kith extension to Valethon). */
import { Type } from "typebox";
import { FEED_LIMITS } from "../../../core/events-feed.js";

export const EventsQuerySchema = Type.Object(
  {
    after: Type.Optional(
      Type.String({
        maxLength: 64,
        description: "The `next_cursor` of an earlier page (absent: from the first event)",
      }),
    ),
    types: Type.Optional(
      Type.String({
        maxLength: 1000,
        description: "Comma-separated event types, such as `lead.created,contact.updated` (default: all)",
      }),
    ),
    limit: Type.Optional(
      Type.Integer({ minimum: 1, maximum: FEED_LIMITS.maxLimit, default: FEED_LIMITS.defaultLimit }),
    ),
  },
  { additionalProperties: false },
);

export const FeedEventSchema = Type.Object({
  event_id: Type.String(),
  type: Type.String(),
  entity_type: Type.String(),
  entity_id: Type.String({ description: "The record's uuid" }),
  data: Type.Record(Type.String(), Type.Unknown()),
  created_at: Type.String(),
});

export const EventsPageSchema = Type.Object({
  success: Type.Literal(true),
  data: Type.Array(FeedEventSchema),
  next_cursor: Type.String({
    description: "Pass as `after` for the next page, or later to poll for new events",
  }),
  has_more: Type.Boolean({ description: "More events can be read at once with `next_cursor`" }),
});
