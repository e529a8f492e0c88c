/**
 * The writes every conversation operation is made of, inside the caller's transaction: adding a
 * message, changing conversation columns, and the real-time notices to publish once the
 * transaction has committed.
 */
import type { Updateable } from "kysely";
import type { ConversationTable } from "../../db/schema.js";
import { type BusNotice, conversationChannel, inboxChannel } from "../../realtime/bus.js";
import type { Core, Scope, Trx } from "../core.js";
import { appendEvent, type Changes } from "../events.js";
import { newId } from "../ids.js";
import {
  type ChatMessage,
  CONVERSATION_LIMITS,
  type Conversation,
  type MessageSender,
} from "./conversation.types.js";
import { findStoredConversation, type StoredConversation } from "./conversations.repository.js";

/** Notices gathered during a transaction, published after it commits. */
export class Notices {
  private readonly list: BusNotice[] = [];

  message(conversationId: string, messageId: string): void {
    this.list.push({ kind: "message", conversationId, messageId });
  }

  conversation(conversationId: string): void {
    if (
      !this.list.some((notice) => notice.kind === "conversation" && notice.conversationId === conversationId)
    ) {
      this.list.push({ kind: "conversation", conversationId });
    }
  }

  /** Publishes each notice on its conversation's channel and on the workspace's inbox channel. */
  publish(core: Core, workspaceId: string): void {
    for (const notice of this.list.splice(0)) {
      core.bus.publish(conversationChannel(notice.conversationId), notice);
      core.bus.publish(inboxChannel(workspaceId), notice);
    }
  }
}

/** What a `conversation.*` event says about the conversation a message belongs to. */
const conversationSummary = (conversation: Conversation) => ({
  id: conversation.id,
  number: conversation.number,
  status: conversation.status,
  visitorId: conversation.visitorId,
  visitorEmail: conversation.visitorEmail,
});

const preview = (text: string) => {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > CONVERSATION_LIMITS.preview
    ? `${flat.slice(0, CONVERSATION_LIMITS.preview - 1)}…`
    : flat;
};

export interface NewMessage {
  sender: MessageSender;
  text: string;
  suggestedActions?: string[];
  authorUserId?: string | null;
}

/**
 * Adds a message and moves the conversation's last-message time and preview; appends
 * `conversation.message_created`. The conversation record passed in is updated in place.
 */
export async function addMessage(
  trx: Trx,
  scope: Scope,
  at: string,
  conversation: Conversation,
  input: NewMessage,
  notices: Notices,
): Promise<ChatMessage> {
  const authorUserId = input.authorUserId ?? null;
  const authorName = authorUserId
    ? ((
        await trx
          .selectFrom("users")
          .select("name")
          .where("workspace_id", "=", scope.workspaceId)
          .where("id", "=", authorUserId)
          .executeTakeFirst()
      )?.name ?? null)
    : null;
  const message: ChatMessage = {
    id: newId(),
    conversationId: conversation.id,
    sender: input.sender,
    text: input.text,
    suggestedActions: input.suggestedActions ?? [],
    authorUserId,
    authorName,
    createdAt: at,
  };
  await trx
    .insertInto("chat_messages")
    .values({
      id: message.id,
      workspace_id: scope.workspaceId,
      conversation_id: conversation.id,
      sender: message.sender,
      text: message.text,
      suggested_actions: JSON.stringify(message.suggestedActions),
      author_user_id: authorUserId,
      created_at: at,
    })
    .execute();
  conversation.lastMessageAt = at;
  conversation.lastMessagePreview = preview(message.text);
  conversation.updatedAt = at;
  await trx
    .updateTable("conversations")
    .set({ last_message_at: at, last_message_preview: conversation.lastMessagePreview, updated_at: at })
    .where("workspace_id", "=", scope.workspaceId)
    .where("id", "=", conversation.id)
    .execute();
  await appendEvent(trx, scope, at, {
    type: "conversation.message_created",
    entityType: "conversation",
    entityId: conversation.id,
    data: { ...message, conversation: conversationSummary(conversation) },
  });
  notices.message(conversation.id, message.id);
  return message;
}

/**
 * Writes changed columns of a conversation and appends one event (`conversation.updated` unless
 * told otherwise) carrying the record after the change and its `changes`. Returns the record
 * after the change; nothing is written when `changes` is empty.
 */
export async function changeConversation(
  trx: Trx,
  scope: Scope,
  at: string,
  before: StoredConversation,
  update: Updateable<ConversationTable>,
  changes: Changes,
  notices: Notices,
  eventType = "conversation.updated",
): Promise<StoredConversation> {
  if (Object.keys(changes).length === 0 && Object.keys(update).length === 0) return before;
  await trx
    .updateTable("conversations")
    .set({ ...update, updated_at: at })
    .where("workspace_id", "=", scope.workspaceId)
    .where("id", "=", before.conversation.id)
    .execute();
  const after = (await findStoredConversation(trx, scope, before.conversation.id))!;
  if (Object.keys(changes).length > 0) {
    await appendEvent(trx, scope, at, {
      type: eventType,
      entityType: "conversation",
      entityId: after.conversation.id,
      data: { ...after.conversation, changes },
    });
    notices.conversation(after.conversation.id);
  }
  return after;
}
