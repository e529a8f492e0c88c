/** Request and response schemas of Kith's Valethon conversation endpoints (the agents' side of the chat). */
import { Type } from "typebox";
import {
  CONVERSATION_LIMITS,
  CONVERSATION_STATUSES,
} from "../../../core/conversations/conversation.types.js";
import { TAG_LIMITS } from "../../../core/tags/tags.js";
import { Nullable, StringEnum } from "../../schema-helpers.js";
import { ErrorSchema, IdParamsSchema, PageQuery, PaginationSchema } from "./common.schemas.js";

const UserNumber = Type.Integer({
  minimum: 1,
  maximum: 2_147_483_647,
  description: "A user number of the workspace",
});

export const ConversationSchema = Type.Object({
  conversation_id: Type.Integer(),
  uuid: Type.String(),
  visitor_id: Type.String(),
  visitor_name: Nullable(Type.String()),
  visitor_email: Nullable(Type.String()),
  visitor_ip: Nullable(Type.String()),
  user_agent: Nullable(Type.String()),
  referrer: Nullable(Type.String()),
  page_url: Nullable(Type.String()),
  status: Type.String(),
  assigned_to: Nullable(Type.Integer()),
  is_read: Type.Boolean(),
  tags: Type.Array(Type.String()),
  lead_id: Nullable(Type.Integer()),
  contact_id: Nullable(Type.Integer()),
  prospect_id: Nullable(Type.Integer()),
  last_message_at: Nullable(Type.String()),
  last_message_preview: Nullable(Type.String()),
  created_at: Type.String(),
  updated_at: Type.String(),
  closed_at: Nullable(Type.String()),
});

export const ChatMessageSchema = Type.Object({
  id: Type.String(),
  sender: Type.String(),
  text: Type.String(),
  suggested_actions: Type.Array(Type.String()),
  author_user_id: Nullable(Type.Integer()),
  author_name: Nullable(Type.String()),
  created_at: Type.String(),
});

export const ListConversationsQuerySchema = Type.Object(
  {
    ...PageQuery,
    status: Type.Optional(StringEnum(CONVERSATION_STATUSES)),
    assigned_to: Type.Optional(
      Type.String({
        pattern: "^([1-9][0-9]{0,9}|none)$",
        description: "A user number, or `none` for unassigned conversations",
      }),
    ),
    unread: Type.Optional(Type.Boolean()),
    tag: Type.Optional(Type.String({ minLength: 1, maxLength: TAG_LIMITS.length })),
  },
  { additionalProperties: false },
);

export const ListMessagesQuerySchema = Type.Object(
  {
    after: Type.Optional(Type.String({ maxLength: 36, description: "Only messages after this message id" })),
    limit: Type.Optional(
      Type.Integer({ minimum: 1, maximum: CONVERSATION_LIMITS.messagesPerRead, default: 200 }),
    ),
  },
  { additionalProperties: false },
);

export const ReplyBodySchema = Type.Object(
  {
    text: Type.String({ minLength: 1, maxLength: CONVERSATION_LIMITS.message }),
    author_user_id: Type.Optional(
      Nullable({ ...UserNumber, description: "The replying agent's user number" }),
    ),
  },
  { additionalProperties: false },
);

export const AssignBodySchema = Type.Object(
  { assigned_to: Nullable({ ...UserNumber, description: "A user number, or null to unassign" }) },
  { additionalProperties: false },
);

export const ReadBodySchema = Type.Union([
  Type.Object(
    { read: Type.Optional(Type.Boolean({ default: true, description: "false marks it unread" })) },
    { additionalProperties: false },
  ),
  Type.Null(),
]);

export const TagsBodySchema = Type.Object(
  {
    tags: Type.Array(Type.String({ maxLength: TAG_LIMITS.length }), {
      maxItems: TAG_LIMITS.perRecord,
      description: "Replaces all tags; trimmed, repeats (case-insensitive) dropped",
    }),
  },
  { additionalProperties: false },
);

export const ConversationEnvelopeSchema = Type.Object({
  success: Type.Literal(true),
  data: ConversationSchema,
});

export const ConversationDetailsEnvelopeSchema = Type.Object({
  success: Type.Literal(true),
  data: Type.Object({ ...ConversationSchema.properties, messages: Type.Array(ChatMessageSchema) }),
});

export const ConversationPageSchema = Type.Object({
  success: Type.Literal(true),
  data: Type.Array(ConversationSchema),
  pagination: PaginationSchema,
});

export const MessageEnvelopeSchema = Type.Object({ success: Type.Literal(true), data: ChatMessageSchema });

export const MessageListSchema = Type.Object({
  success: Type.Literal(true),
  data: Type.Array(ChatMessageSchema),
});

export { ErrorSchema, IdParamsSchema };
