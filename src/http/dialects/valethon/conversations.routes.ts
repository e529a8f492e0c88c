/**
 * Kith's Valethon conversation endpoints, the agents' side of the website chat: list and filter,
 * read one with its latest messages, page through messages, reply, assign, close, mark read or
 * unread, tag. Reads need `conversations:read`, writes `conversations:write`.
 */
import {
  assignConversation,
  closeConversation,
  getConversation,
  latestMessages,
  listConversations,
  listMessages,
  markConversationRead,
  replyAsAgent,
  setConversationTags,
} from "../../../core/conversations/conversations.service.js";
import type { Core, Scope } from "../../../core/core.js";
import { validationError } from "../../../core/errors.js";
import { findUserId } from "../../../core/users/user-refs.js";
import { STANDARD_ERRORS } from "./common.schemas.js";
import { scopeOf, type ValethonApp, type ValethonDeps } from "./context.js";
import { conversationRenderer } from "./conversations.render.js";
import {
  AssignBodySchema,
  ConversationDetailsEnvelopeSchema,
  ConversationEnvelopeSchema,
  ConversationPageSchema,
  ErrorSchema,
  IdParamsSchema,
  ListConversationsQuerySchema,
  ListMessagesQuerySchema,
  MessageEnvelopeSchema,
  MessageListSchema,
  ReadBodySchema,
  ReplyBodySchema,
  TagsBodySchema,
} from "./conversations.schemas.js";
import { ok, paginated } from "./envelope.js";

/** A user number of the workspace as the core's user id; an unknown one is an error on `field`. */
async function userIdOf(core: Core, scope: Scope, number: number, field: string): Promise<string> {
  const id = await findUserId(core.db, scope, { number });
  if (!id) throw validationError(field, "no such user in this workspace");
  return id;
}

export async function conversationsRoutes(app: ValethonApp, { core }: ValethonDeps): Promise<void> {
  const tags = ["Conversations"];
  const read = { permission: "conversations:read" as const };
  const write = { permission: "conversations:write" as const };
  const one = { 200: ConversationEnvelopeSchema, 404: ErrorSchema, ...STANDARD_ERRORS };

  /** Renders one conversation after a write. */
  const single = async (scope: Scope, conversation: Awaited<ReturnType<typeof getConversation>>) =>
    ok((await conversationRenderer(core, scope, [conversation])).conversation(conversation));

  app.get(
    "/conversations",
    {
      config: read,
      schema: {
        tags,
        summary: "List website-chat conversations, most recent activity first",
        querystring: ListConversationsQuerySchema,
        response: { 200: ConversationPageSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const query = request.query;
      const scope = scopeOf(request);
      const page = query.page ?? 1;
      const perPage = query.per_page ?? 25;
      let assigneeUserId: string | undefined;
      if (query.assigned_to === "none") assigneeUserId = "none";
      else if (query.assigned_to !== undefined) {
        // An unknown user has no conversations: the filter matches nothing.
        assigneeUserId = (await findUserId(core.db, scope, { number: Number(query.assigned_to) })) ?? "";
      }
      const result =
        assigneeUserId === ""
          ? { items: [], total: 0 }
          : await listConversations(core, scope, {
              page,
              perPage,
              status: query.status,
              assigneeUserId,
              unread: query.unread,
              tag: query.tag,
            });
      const renderer = await conversationRenderer(core, scope, result.items);
      return paginated(result.items.map(renderer.conversation), page, perPage, result.total);
    },
  );

  app.get(
    "/conversations/:id",
    {
      config: read,
      schema: {
        tags,
        summary: "Read a conversation with its latest 200 messages (oldest of them first)",
        params: IdParamsSchema,
        response: { 200: ConversationDetailsEnvelopeSchema, 404: ErrorSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      const conversation = await getConversation(core, scope, request.params.id);
      const messages = await latestMessages(core, scope, conversation.id);
      const renderer = await conversationRenderer(core, scope, [conversation], messages);
      return ok({ ...renderer.conversation(conversation), messages: messages.map(renderer.message) });
    },
  );

  app.get(
    "/conversations/:id/messages",
    {
      config: read,
      schema: {
        tags,
        summary: "Page through a conversation's messages, oldest first (`after` a message id)",
        params: IdParamsSchema,
        querystring: ListMessagesQuerySchema,
        response: { 200: MessageListSchema, 404: ErrorSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      const messages = await listMessages(core, scope, request.params.id, {
        after: request.query.after,
        limit: request.query.limit,
      });
      const renderer = await conversationRenderer(core, scope, [], messages);
      return ok(messages.map(renderer.message));
    },
  );

  app.post(
    "/conversations/:id/messages",
    {
      config: write,
      schema: {
        tags,
        summary: "Reply as an agent (the bot stops answering; a waiting conversation becomes open)",
        params: IdParamsSchema,
        body: ReplyBodySchema,
        response: { 201: MessageEnvelopeSchema, 404: ErrorSchema, 409: ErrorSchema, ...STANDARD_ERRORS },
      },
    },
    async (request, reply) => {
      const scope = scopeOf(request);
      const author = request.body.author_user_id;
      const message = await replyAsAgent(core, scope, request.params.id, {
        text: request.body.text,
        authorUserId:
          author === undefined || author === null
            ? null
            : await userIdOf(core, scope, author, "authorUserId"),
      });
      reply.code(201);
      return ok((await conversationRenderer(core, scope, [], [message])).message(message));
    },
  );

  app.post(
    "/conversations/:id/assign",
    {
      config: write,
      schema: {
        tags,
        summary: "Assign to a user (`assigned_to`: a user number, or null to unassign)",
        params: IdParamsSchema,
        body: AssignBodySchema,
        response: one,
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      const number = request.body.assigned_to;
      const userId = number === null ? null : await userIdOf(core, scope, number, "assignee");
      return single(scope, await assignConversation(core, scope, request.params.id, userId));
    },
  );

  app.post(
    "/conversations/:id/close",
    {
      config: write,
      schema: {
        tags,
        summary: "Close the conversation (its widget session ends; closing twice changes nothing)",
        params: IdParamsSchema,
        response: one,
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      return single(scope, await closeConversation(core, scope, request.params.id));
    },
  );

  app.post(
    "/conversations/:id/read",
    {
      config: write,
      schema: {
        tags,
        summary: 'Mark read (`{"read": false}` marks unread)',
        params: IdParamsSchema,
        body: ReadBodySchema,
        response: one,
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      const conversation = await markConversationRead(
        core,
        scope,
        request.params.id,
        request.body?.read ?? true,
      );
      return single(scope, conversation);
    },
  );

  app.put(
    "/conversations/:id/tags",
    {
      config: write,
      schema: {
        tags,
        summary: "Replace the conversation's tags",
        params: IdParamsSchema,
        body: TagsBodySchema,
        response: one,
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      return single(scope, await setConversationTags(core, scope, request.params.id, request.body.tags));
    },
  );
}
