/**
 * The inbox's conversation endpoints. Every route runs as the logged-in agent, in their
 * workspace only: the scope comes from the session, never from the request.
 */
import { Type } from "typebox";
import {
  CONVERSATION_STATUSES,
  type Conversation,
  type ConversationRef,
} from "../../core/conversations/conversation.types.js";
import {
  assignConversation,
  closeConversation,
  getConversation,
  listConversations,
  markConversationRead,
  replyAsAgent,
} from "../../core/conversations/conversations.service.js";
import type { Core, Scope } from "../../core/core.js";
import { validationError } from "../../core/errors.js";
import { isUuid } from "../../core/ids.js";
import { agentNames, latestMessages, unreadCounts, visitorRecords } from "../../core/inbox/inbox.service.js";
import { StringEnum } from "../schema-helpers.js";
import type { InboxApp, InboxDeps } from "./context.js";
import { renderDetail, renderMessage, renderSummary } from "./render.js";
import { requireAgent } from "./session.js";

export const INBOX_PAGE_SIZE = 50;

const ListQuerySchema = Type.Object({
  status: Type.Optional(StringEnum(CONVERSATION_STATUSES)),
  mine: Type.Optional(Type.Boolean()),
  unread: Type.Optional(Type.Boolean()),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000, default: 1 })),
  per_page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: INBOX_PAGE_SIZE })),
});

const IdParamsSchema = Type.Object({ id: Type.String({ maxLength: 40 }) });

const ReplyBodySchema = Type.Object({ text: Type.String() });
const AssignBodySchema = Type.Object({ user_id: Type.Union([Type.String({ maxLength: 40 }), Type.Null()]) });
const ReadBodySchema = Type.Object({ read: Type.Boolean() });

/** A conversation is named by its UUID or its number in the workspace. */
function conversationRef(id: string): ConversationRef {
  if (/^[1-9]\d{0,9}$/.test(id)) return Number(id);
  if (isUuid(id.toLowerCase())) return id.toLowerCase();
  throw validationError("id", "must be a conversation number or UUID");
}

/** Summaries with their assignees' names, in one users query. */
async function summaries(core: Core, scope: Scope, conversations: Conversation[]) {
  const agents = await agentNames(
    core,
    scope,
    conversations.flatMap((conversation) =>
      conversation.assigneeUserId ? [conversation.assigneeUserId] : [],
    ),
  );
  return conversations.map((conversation) => renderSummary(conversation, agents));
}

export async function renderConversationSummary(core: Core, scope: Scope, conversation: Conversation) {
  return (await summaries(core, scope, [conversation]))[0]!;
}

export async function conversationsRoutes(app: InboxApp, { core }: InboxDeps): Promise<void> {
  // onRequest: the session is checked before the body is even parsed.
  const onRequest = requireAgent(core);
  const hide = true;

  app.get(
    "/api/conversations",
    { schema: { hide, querystring: ListQuerySchema }, onRequest },
    async (request) => {
      const { scope, user } = request.agent!.session;
      const query = request.query;
      const page = query.page ?? 1;
      const perPage = query.per_page ?? INBOX_PAGE_SIZE;
      const [result, unread] = await Promise.all([
        listConversations(core, scope, {
          ...(query.status ? { status: query.status } : {}),
          ...(query.mine ? { assigneeUserId: user.id } : {}),
          ...(query.unread ? { unread: true } : {}),
          page,
          perPage,
        }),
        unreadCounts(core, scope),
      ]);
      return {
        items: await summaries(core, scope, result.items),
        total: result.total,
        page,
        per_page: perPage,
        unread,
      };
    },
  );

  app.get(
    "/api/conversations/:id",
    { schema: { hide, params: IdParamsSchema }, onRequest },
    async (request) => {
      const { scope } = request.agent!.session;
      const conversation = await getConversation(core, scope, conversationRef(request.params.id));
      const [messages, agents, records] = await Promise.all([
        latestMessages(core, scope, conversation.id),
        agentNames(core, scope, conversation.assigneeUserId ? [conversation.assigneeUserId] : []),
        visitorRecords(core, scope, conversation),
      ]);
      return {
        conversation: renderDetail(conversation, agents, records),
        messages: messages.map(renderMessage),
      };
    },
  );

  app.post(
    "/api/conversations/:id/messages",
    { schema: { hide, params: IdParamsSchema, body: ReplyBodySchema }, onRequest },
    async (request, reply) => {
      const { scope, user } = request.agent!.session;
      const message = await replyAsAgent(core, scope, conversationRef(request.params.id), {
        text: request.body.text,
        authorUserId: user.id,
      });
      reply.code(201);
      return { message: renderMessage(message) };
    },
  );

  app.post(
    "/api/conversations/:id/assign",
    { schema: { hide, params: IdParamsSchema, body: AssignBodySchema }, onRequest },
    async (request) => {
      const { scope } = request.agent!.session;
      const conversation = await assignConversation(
        core,
        scope,
        conversationRef(request.params.id),
        request.body.user_id,
      );
      return { conversation: await renderConversationSummary(core, scope, conversation) };
    },
  );

  app.post(
    "/api/conversations/:id/close",
    { schema: { hide, params: IdParamsSchema }, onRequest },
    async (request) => {
      const { scope } = request.agent!.session;
      const conversation = await closeConversation(core, scope, conversationRef(request.params.id));
      return { conversation: await renderConversationSummary(core, scope, conversation) };
    },
  );

  app.post(
    "/api/conversations/:id/read",
    { schema: { hide, params: IdParamsSchema, body: ReadBodySchema }, onRequest },
    async (request) => {
      const { scope } = request.agent!.session;
      const conversation = await markConversationRead(
        core,
        scope,
        conversationRef(request.params.id),
        request.body.read,
      );
      return { conversation: await renderConversationSummary(core, scope, conversation) };
    },
  );
}
