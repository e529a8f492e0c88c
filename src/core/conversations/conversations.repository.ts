/**
 * Conversation and chat-message queries. Every read starts from `conversationsOf`, which applies
 * the workspace filter, so no query path here can reach another workspace's conversations.
 */
import { sql } from "kysely";
import type { ChatMessageTable, ConversationTable } from "../../db/schema.js";
import type { Executor, Scope } from "../core.js";
import { validationError } from "../errors.js";
import { idsWithTag, readTags } from "../tags/tags.js";
import {
  type ChatMessage,
  CONVERSATION_LIMITS,
  type Conversation,
  type ConversationListQuery,
  type ConversationPage,
  type ConversationRef,
  type MessageReadOptions,
} from "./conversation.types.js";

export type ConversationRow = Omit<ConversationTable, "workspace_id" | "session_digest">;

export const conversationsOf = (db: Executor, workspaceId: string) =>
  db.selectFrom("conversations").where("conversations.workspace_id", "=", workspaceId);

/** The columns a `Conversation` is read from (`toConversations`). */
export const CONVERSATION_RECORD_COLUMNS = [
  "conversations.id",
  "conversations.seq",
  "conversations.visitor_id",
  "conversations.visitor_name",
  "conversations.visitor_email",
  "conversations.ip",
  "conversations.user_agent",
  "conversations.referrer",
  "conversations.page_url",
  "conversations.status",
  "conversations.assignee_user_id",
  "conversations.is_read",
  "conversations.lead_id",
  "conversations.contact_id",
  "conversations.company_id",
  "conversations.last_message_at",
  "conversations.last_message_preview",
  "conversations.created_at",
  "conversations.updated_at",
  "conversations.closed_at",
] as const;

const CONVERSATION_COLUMNS = [
  ...CONVERSATION_RECORD_COLUMNS,
  "conversations.handed_off_at",
  "conversations.ticket_activity_id",
] as const;

/** A row read with CONVERSATION_RECORD_COLUMNS. */
export type ConversationRecordRow = Omit<ConversationRow, "handed_off_at" | "ticket_activity_id">;

/** A conversation with what the core keeps beside the record (bot hand-off, ticket). */
export interface StoredConversation {
  conversation: Conversation;
  handedOffAt: string | null;
  ticketActivityId: string | null;
}

function toConversation(row: ConversationRecordRow, tags: string[]): Conversation {
  return {
    id: row.id,
    number: Number(row.seq),
    visitorId: row.visitor_id,
    visitorName: row.visitor_name,
    visitorEmail: row.visitor_email,
    ip: row.ip,
    userAgent: row.user_agent,
    referrer: row.referrer,
    pageUrl: row.page_url,
    status: row.status,
    assigneeUserId: row.assignee_user_id,
    isRead: Boolean(Number(row.is_read)),
    tags,
    leadId: row.lead_id,
    contactId: row.contact_id,
    companyId: row.company_id,
    lastMessageAt: row.last_message_at,
    lastMessagePreview: row.last_message_preview,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    closedAt: row.closed_at,
  };
}

/** The rows as conversations, with their tags (one query). */
export async function toConversations(
  db: Executor,
  scope: Scope,
  rows: ConversationRecordRow[],
): Promise<Conversation[]> {
  const tags = await readTags(
    db,
    scope.workspaceId,
    "conversation",
    rows.map((row) => row.id),
  );
  return rows.map((row) => toConversation(row, tags.get(row.id) ?? []));
}

async function toStored(db: Executor, scope: Scope, rows: ConversationRow[]): Promise<StoredConversation[]> {
  const conversations = await toConversations(db, scope, rows);
  return rows.map((row, index) => ({
    conversation: conversations[index]!,
    handedOffAt: row.handed_off_at,
    ticketActivityId: row.ticket_activity_id,
  }));
}

/** A ref is the conversation's UUID or its number; anything else names no conversation. */
function refFilter(ref: ConversationRef): { column: "id" | "seq"; value: string | number } | null {
  if (typeof ref === "number")
    return Number.isSafeInteger(ref) && ref > 0 ? { column: "seq", value: ref } : null;
  if (/^[1-9]\d{0,9}$/.test(ref)) return { column: "seq", value: Number(ref) };
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(ref)
    ? { column: "id", value: ref }
    : null;
}

export async function findStoredConversation(
  db: Executor,
  scope: Scope,
  ref: ConversationRef,
): Promise<StoredConversation | null> {
  const filter = refFilter(ref);
  if (!filter) return null;
  const row = await conversationsOf(db, scope.workspaceId)
    .select(CONVERSATION_COLUMNS)
    .where(`conversations.${filter.column}`, "=", filter.value)
    .executeTakeFirst();
  return row ? (await toStored(db, scope, [row]))[0]! : null;
}

export async function findConversation(
  db: Executor,
  scope: Scope,
  ref: ConversationRef,
): Promise<Conversation | null> {
  return (await findStoredConversation(db, scope, ref))?.conversation ?? null;
}

/** The conversation of a widget session token's digest, whatever its status. */
export async function findConversationBySession(
  db: Executor,
  scope: Scope,
  digest: string,
): Promise<StoredConversation | null> {
  const row = await conversationsOf(db, scope.workspaceId)
    .select(CONVERSATION_COLUMNS)
    .where("conversations.session_digest", "=", digest)
    .executeTakeFirst();
  return row ? (await toStored(db, scope, [row]))[0]! : null;
}

function filtered(db: Executor, scope: Scope, query: ConversationListQuery) {
  let builder = conversationsOf(db, scope.workspaceId);
  if (query.status) builder = builder.where("conversations.status", "=", query.status);
  if (query.assigneeUserId === "none") builder = builder.where("conversations.assignee_user_id", "is", null);
  else if (query.assigneeUserId) {
    builder = builder.where("conversations.assignee_user_id", "=", query.assigneeUserId);
  }
  if (query.unread !== undefined) builder = builder.where("conversations.is_read", "=", query.unread ? 0 : 1);
  if (query.tag !== undefined) {
    builder = builder.where(
      "conversations.id",
      "in",
      idsWithTag(db, scope.workspaceId, "conversation", query.tag),
    );
  }
  return builder;
}

/** Newest activity first: the last message's time, or the creation time of a silent conversation. */
export async function queryConversations(
  db: Executor,
  scope: Scope,
  query: ConversationListQuery,
): Promise<ConversationPage> {
  const count = await filtered(db, scope, query)
    .select((eb) => eb.fn.countAll<number>().as("count"))
    .executeTakeFirst();
  const total = Number(count?.count ?? 0);
  const offset = (query.page - 1) * query.perPage;
  if (total <= offset) return { items: [], total };
  const rows = await filtered(db, scope, query)
    .select(CONVERSATION_COLUMNS)
    .orderBy(sql`coalesce(conversations.last_message_at, conversations.created_at)`, "desc")
    .orderBy("conversations.seq", "desc")
    .limit(query.perPage)
    .offset(offset)
    .execute();
  return { items: (await toStored(db, scope, rows)).map((stored) => stored.conversation), total };
}

type MessageRow = Omit<ChatMessageTable, "workspace_id"> & { author_name: string | null };

function toMessage(row: MessageRow): ChatMessage {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    sender: row.sender,
    text: row.text,
    suggestedActions: JSON.parse(row.suggested_actions) as string[],
    authorUserId: row.author_user_id,
    authorName: row.author_name,
    createdAt: row.created_at,
  };
}

/** Messages of the workspace, with their agent's display name. */
function workspaceMessages(db: Executor, scope: Scope) {
  return db
    .selectFrom("chat_messages")
    .leftJoin("users", "users.id", "chat_messages.author_user_id")
    .where("chat_messages.workspace_id", "=", scope.workspaceId)
    .select([
      "chat_messages.id",
      "chat_messages.conversation_id",
      "chat_messages.sender",
      "chat_messages.text",
      "chat_messages.suggested_actions",
      "chat_messages.author_user_id",
      "chat_messages.created_at",
      "users.name as author_name",
    ]);
}

const messagesOf = (db: Executor, scope: Scope, conversationId: string) =>
  workspaceMessages(db, scope).where("chat_messages.conversation_id", "=", conversationId);

/**
 * The conversation's messages in chronological order (time, then id: UUIDv7 ids grow within a
 * time), at most `limit`, after the message `after` when given. An `after` that is not a message
 * of this conversation is a validation error, so a client never silently restarts from the top.
 */
export async function readMessages(
  db: Executor,
  scope: Scope,
  conversationId: string,
  options: MessageReadOptions,
): Promise<ChatMessage[]> {
  const limit = Math.min(
    Math.max(options.limit ?? CONVERSATION_LIMITS.messagesPerRead, 1),
    CONVERSATION_LIMITS.messagesPerRead,
  );
  let query = messagesOf(db, scope, conversationId);
  if (options.after !== undefined) {
    const cursor = await db
      .selectFrom("chat_messages")
      .select(["id", "created_at"])
      .where("workspace_id", "=", scope.workspaceId)
      .where("conversation_id", "=", conversationId)
      .where("id", "=", options.after)
      .executeTakeFirst();
    if (!cursor) throw validationError("after", "is not a message of this conversation");
    query = query.where((eb) =>
      eb.or([
        eb("chat_messages.created_at", ">", cursor.created_at),
        eb.and([
          eb("chat_messages.created_at", "=", cursor.created_at),
          eb("chat_messages.id", ">", cursor.id),
        ]),
      ]),
    );
  }
  const rows = await query
    .orderBy("chat_messages.created_at")
    .orderBy("chat_messages.id")
    .limit(limit)
    .execute();
  return rows.map(toMessage);
}

/** The most recent messages, still in chronological order (the tail of a long transcript). */
export async function readLatestMessages(
  db: Executor,
  scope: Scope,
  conversationId: string,
  limit: number,
): Promise<ChatMessage[]> {
  const rows = await messagesOf(db, scope, conversationId)
    .orderBy("chat_messages.created_at", "desc")
    .orderBy("chat_messages.id", "desc")
    .limit(limit)
    .execute();
  return rows.reverse().map(toMessage);
}

export async function findMessage(
  db: Executor,
  scope: Scope,
  messageId: string,
): Promise<ChatMessage | null> {
  const row = await workspaceMessages(db, scope).where("chat_messages.id", "=", messageId).executeTakeFirst();
  return row ? toMessage(row) : null;
}
