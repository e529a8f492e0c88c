/**
 * The only writer of conversations and chat messages on the agents' side (the visitor's side is
 * widget-sessions.ts). Each write commits together with its event; real-time notices go out on
 * core.bus after the commit.
 */
import type { Updateable } from "kysely";
import type { ConversationTable } from "../../db/schema.js";
import type { Core, Scope, Trx } from "../core.js";
import { conflict, notFound, validationError } from "../errors.js";
import type { Changes } from "../events.js";
import { requireText } from "../shared/validate.js";
import { checkTags, setTags } from "../tags/tags.js";
import {
  type ChatMessage,
  CONVERSATION_LIMITS,
  type Conversation,
  type ConversationListQuery,
  type ConversationPage,
  type ConversationRef,
  type MessageReadOptions,
} from "./conversation.types.js";
import { addMessage, changeConversation, Notices } from "./conversation-writes.js";
import {
  findConversation,
  findStoredConversation,
  queryConversations,
  readLatestMessages,
  readMessages,
  type StoredConversation,
} from "./conversations.repository.js";

export type * from "./conversation.types.js";

/** Runs a write on one conversation of the workspace and publishes its notices after the commit. */
async function writeConversation<T>(
  core: Core,
  scope: Scope,
  ref: ConversationRef,
  write: (trx: Trx, stored: StoredConversation, at: string, notices: Notices) => Promise<T>,
): Promise<T> {
  const at = core.clock.now().toISOString();
  const notices = new Notices();
  const result = await core.db.transaction().execute(async (trx) => {
    const stored = await findStoredConversation(trx, scope, ref);
    if (!stored) throw notFound("conversation");
    return write(trx, stored, at, notices);
  });
  notices.publish(core, scope.workspaceId);
  return result;
}

async function requireWorkspaceUser(trx: Trx, scope: Scope, userId: unknown, field: string): Promise<string> {
  if (typeof userId !== "string") throw validationError(field, "must be a user id");
  const user = await trx
    .selectFrom("users")
    .select("id")
    .where("workspace_id", "=", scope.workspaceId)
    .where("id", "=", userId)
    .executeTakeFirst();
  if (!user) throw validationError(field, "no such user in this workspace");
  return user.id;
}

export async function listConversations(
  core: Core,
  scope: Scope,
  query: ConversationListQuery,
): Promise<ConversationPage> {
  return queryConversations(core.db, scope, query);
}

export async function getConversation(core: Core, scope: Scope, ref: ConversationRef): Promise<Conversation> {
  const conversation = await findConversation(core.db, scope, ref);
  if (!conversation) throw notFound("conversation");
  return conversation;
}

export async function listMessages(
  core: Core,
  scope: Scope,
  ref: ConversationRef,
  options: MessageReadOptions = {},
): Promise<ChatMessage[]> {
  const conversation = await getConversation(core, scope, ref);
  return readMessages(core.db, scope, conversation.id, options);
}

/** The conversation's latest messages (at most `limit`, up to 200), oldest of them first. */
export async function latestMessages(
  core: Core,
  scope: Scope,
  ref: ConversationRef,
  limit: number = CONVERSATION_LIMITS.messagesPerRead,
): Promise<ChatMessage[]> {
  const conversation = await getConversation(core, scope, ref);
  const bounded = Math.min(Math.max(Math.floor(limit), 1), CONVERSATION_LIMITS.messagesPerRead);
  return readLatestMessages(core.db, scope, conversation.id, bounded);
}

/**
 * An agent's reply. It hands the conversation to humans for good (the bot stays quiet), marks it
 * read, and reopens a waiting conversation as open (the visitor has an answer). A closed
 * conversation takes no more messages (CONFLICT).
 */
export async function replyAsAgent(
  core: Core,
  scope: Scope,
  ref: ConversationRef,
  input: { text: unknown; authorUserId: string | null },
): Promise<ChatMessage> {
  const text = requireText("text", input.text, CONVERSATION_LIMITS.message);
  return writeConversation(core, scope, ref, async (trx, stored, at, notices) => {
    if (stored.conversation.status === "closed") throw conflict("the conversation is closed", "status");
    const authorUserId =
      input.authorUserId === null
        ? null
        : await requireWorkspaceUser(trx, scope, input.authorUserId, "authorUserId");
    const message = await addMessage(
      trx,
      scope,
      at,
      stored.conversation,
      { sender: "agent", text, authorUserId },
      notices,
    );
    const update: Updateable<ConversationTable> = {};
    const changes: Changes = {};
    if (stored.conversation.status === "waiting") {
      update.status = "open";
      changes.status = { from: "waiting", to: "open" };
    }
    if (!stored.conversation.isRead) {
      update.is_read = 1;
      changes.isRead = { from: false, to: true };
    }
    if (!stored.handedOffAt) update.handed_off_at = at;
    await changeConversation(trx, scope, at, stored, update, changes, notices);
    return message;
  });
}

/** Assigns the conversation to a user of the workspace (null: unassigned). An assignee silences the bot. */
export async function assignConversation(
  core: Core,
  scope: Scope,
  ref: ConversationRef,
  userId: string | null,
): Promise<Conversation> {
  return writeConversation(core, scope, ref, async (trx, stored, at, notices) => {
    const assignee = userId === null ? null : await requireWorkspaceUser(trx, scope, userId, "assignee");
    if (assignee === stored.conversation.assigneeUserId) return stored.conversation;
    const update: Updateable<ConversationTable> = { assignee_user_id: assignee };
    if (assignee && !stored.handedOffAt) update.handed_off_at = at;
    const after = await changeConversation(
      trx,
      scope,
      at,
      stored,
      update,
      { assigneeUserId: { from: stored.conversation.assigneeUserId, to: assignee } },
      notices,
      "conversation.assigned",
    );
    return after.conversation;
  });
}

/** Closes the conversation: its widget session ends. Closing a closed conversation changes nothing. */
export async function closeConversation(
  core: Core,
  scope: Scope,
  ref: ConversationRef,
): Promise<Conversation> {
  return writeConversation(core, scope, ref, (trx, stored, at, notices) =>
    closeIn(trx, scope, at, stored, notices),
  );
}

/** Closes inside the caller's transaction; appends `conversation.closed`. */
export async function closeIn(
  trx: Trx,
  scope: Scope,
  at: string,
  stored: StoredConversation,
  notices: Notices,
): Promise<Conversation> {
  if (stored.conversation.status === "closed") return stored.conversation;
  const after = await changeConversation(
    trx,
    scope,
    at,
    stored,
    { status: "closed", closed_at: at },
    { status: { from: stored.conversation.status, to: "closed" } },
    notices,
    "conversation.closed",
  );
  return after.conversation;
}

export async function markConversationRead(
  core: Core,
  scope: Scope,
  ref: ConversationRef,
  read: boolean,
): Promise<Conversation> {
  if (typeof read !== "boolean") throw validationError("read", "must be true or false");
  return writeConversation(core, scope, ref, async (trx, stored, at, notices) => {
    if (stored.conversation.isRead === read) return stored.conversation;
    const after = await changeConversation(
      trx,
      scope,
      at,
      stored,
      { is_read: read ? 1 : 0 },
      { isRead: { from: stored.conversation.isRead, to: read } },
      notices,
    );
    return after.conversation;
  });
}

/** Replaces the conversation's tags (trimmed, case-insensitive repeats dropped, order kept). */
export async function setConversationTags(
  core: Core,
  scope: Scope,
  ref: ConversationRef,
  tags: unknown,
): Promise<Conversation> {
  const checked = checkTags("tags", tags);
  return writeConversation(core, scope, ref, async (trx, stored, at, notices) => {
    if (JSON.stringify(checked) === JSON.stringify(stored.conversation.tags)) return stored.conversation;
    await setTags(trx, scope.workspaceId, "conversation", stored.conversation.id, checked);
    const after = await changeConversation(
      trx,
      scope,
      at,
      stored,
      {},
      { tags: { from: stored.conversation.tags, to: checked } },
      notices,
    );
    return after.conversation;
  });
}
