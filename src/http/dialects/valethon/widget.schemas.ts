/** Request and response schemas of the Valethon widget endpoints (seed-apis.md W1–W4 and Kith's extensions). */
import { Type } from "typebox";
import { WIDGET_SETTINGS_LIMITS } from "../../../core/conversations/chat-settings.js";
import { CONVERSATION_LIMITS } from "../../../core/conversations/conversation.types.js";
import { Nullable } from "../../schema-helpers.js";

const SessionId = Type.String({ maxLength: 100, description: "The session id W1 answered (`ws_…`)" });
const MessageId = Type.String({ maxLength: 36, description: "A message id (UUID)" });

export const InitBodySchema = Type.Union([
  Type.Object(
    {
      visitor_id: Type.Optional(
        Type.String({
          maxLength: CONVERSATION_LIMITS.visitorId,
          description: "The widget's visitor id (`v_…`)",
        }),
      ),
      page_url: Type.Optional(
        Type.String({ maxLength: CONVERSATION_LIMITS.url, description: "An http(s) URL" }),
      ),
      referrer: Type.Optional(
        Type.String({ maxLength: CONVERSATION_LIMITS.url, description: "An http(s) URL, or empty" }),
      ),
      session_id: Type.Optional({
        ...SessionId,
        description: "Kith: resume this session when it is live and of the same visitor_id",
      }),
    },
    { additionalProperties: false },
  ),
  Type.Null(),
]);

export const InitResponseSchema = Type.Object({
  success: Type.Literal(true),
  session_id: Type.String(),
  greeting: Type.String(),
  branding: Type.Object({
    company_name: Type.String(),
    primary_color: Type.String(),
    logo_url: Nullable(Type.String()),
  }),
});

export const MessageBodySchema = Type.Object(
  {
    session_id: SessionId,
    message: Type.String({ minLength: 1, maxLength: CONVERSATION_LIMITS.message }),
  },
  { additionalProperties: false },
);

export const MessageResponseSchema = Type.Object({
  success: Type.Literal(true),
  response: Type.Object({
    message: Type.String({ description: "The bot's reply; empty while a person handles the chat" }),
    suggested_actions: Type.Array(Type.String()),
  }),
});

export const EndBodySchema = Type.Object({ session_id: SessionId }, { additionalProperties: false });

export const EndResponseSchema = Type.Object({ success: Type.Literal(true) });

export const StatusResponseSchema = Type.Object({
  success: Type.Literal(true),
  data: Type.Object({
    status: Type.String(),
    components: Type.Array(
      Type.Object({ name: Type.String(), status: Type.String(), message: Nullable(Type.String()) }),
    ),
    updated_at: Type.String(),
  }),
});

export const WidgetMessageSchema = Type.Object({
  id: Type.String(),
  sender: Type.String(),
  text: Type.String(),
  suggested_actions: Type.Array(Type.String()),
  author_name: Nullable(Type.String()),
  created_at: Type.String(),
});

export const TranscriptQuerySchema = Type.Object(
  {
    session_id: SessionId,
    after: Type.Optional({ ...MessageId, description: "Only messages after this message id" }),
  },
  { additionalProperties: false },
);

export const TranscriptResponseSchema = Type.Object({
  success: Type.Literal(true),
  data: Type.Object({ status: Type.String(), messages: Type.Array(WidgetMessageSchema) }),
});

export const StreamQuerySchema = Type.Object(
  {
    session_id: SessionId,
    key: Type.Optional(
      Type.String({ maxLength: 200, description: "The public key (EventSource sends no headers)" }),
    ),
    after: Type.Optional({ ...MessageId, description: "Like Last-Event-ID, for the first connection" }),
  },
  { additionalProperties: false },
);

export const WidgetSettingsSchema = Type.Object({
  greeting: Type.String(),
  company_name: Type.String(),
  primary_color: Type.String(),
  logo_url: Nullable(Type.String()),
});

export const WidgetSettingsEnvelopeSchema = Type.Object({
  success: Type.Literal(true),
  data: WidgetSettingsSchema,
});

export const UpdateWidgetSettingsBodySchema = Type.Object(
  {
    greeting: Type.Optional(Nullable(Type.String({ maxLength: WIDGET_SETTINGS_LIMITS.greeting }))),
    company_name: Type.Optional(Nullable(Type.String({ maxLength: WIDGET_SETTINGS_LIMITS.companyName }))),
    primary_color: Type.Optional(Nullable(Type.String({ maxLength: 7, description: "#RRGGBB" }))),
    logo_url: Type.Optional(Nullable(Type.String({ maxLength: WIDGET_SETTINGS_LIMITS.logoUrl }))),
  },
  { additionalProperties: false, description: "Partial: absent fields stay; null restores the default." },
);
