/**
 * Renders conversations and their messages in Valethon's shape: integer numbers for the
 * conversation and the records it links to (users, leads, contacts, prospects), looked up in one
 * query per record type for a whole page.
 */

import type { ChatMessage, Conversation } from "../../../core/conversations/conversation.types.js";
import type { Core, Scope } from "../../../core/core.js";
import { entityNumbers, numberOf } from "../../../core/shared/entity-refs.js";
import { findUserSummaries } from "../../../core/users/user-refs.js";
import { renderOptionalTime, renderTime } from "./envelope.js";

export interface ConversationRenderer {
  conversation(conversation: Conversation): ReturnType<typeof render>;
  message(message: ChatMessage): ReturnType<typeof renderMessage>;
}

type Numbers = { users: ReadonlyMap<string, { number: number }>; records: ReadonlyMap<string, number> };

function render(conversation: Conversation, numbers: Numbers) {
  const record = (entityType: string, id: string | null) =>
    id ? numberOf(numbers.records, entityType, id) : null;
  return {
    conversation_id: conversation.number,
    uuid: conversation.id,
    visitor_id: conversation.visitorId,
    visitor_name: conversation.visitorName,
    visitor_email: conversation.visitorEmail,
    visitor_ip: conversation.ip,
    user_agent: conversation.userAgent,
    referrer: conversation.referrer,
    page_url: conversation.pageUrl,
    status: conversation.status,
    assigned_to: conversation.assigneeUserId
      ? (numbers.users.get(conversation.assigneeUserId)?.number ?? null)
      : null,
    is_read: conversation.isRead,
    tags: conversation.tags,
    lead_id: record("lead", conversation.leadId),
    contact_id: record("contact", conversation.contactId),
    prospect_id: record("company", conversation.companyId),
    last_message_at: renderOptionalTime(conversation.lastMessageAt),
    last_message_preview: conversation.lastMessagePreview,
    created_at: renderTime(conversation.createdAt),
    updated_at: renderTime(conversation.updatedAt),
    closed_at: renderOptionalTime(conversation.closedAt),
  };
}

function renderMessage(message: ChatMessage, numbers: Numbers) {
  return {
    id: message.id,
    sender: message.sender,
    text: message.text,
    suggested_actions: message.suggestedActions,
    author_user_id: message.authorUserId ? (numbers.users.get(message.authorUserId)?.number ?? null) : null,
    author_name: message.authorName,
    created_at: renderTime(message.createdAt),
  };
}

/** A renderer for these conversations and messages, with every number they show looked up. */
export async function conversationRenderer(
  core: Core,
  scope: Scope,
  conversations: readonly Conversation[],
  messages: readonly ChatMessage[] = [],
): Promise<ConversationRenderer> {
  const userIds = new Set<string>();
  for (const conversation of conversations)
    if (conversation.assigneeUserId) userIds.add(conversation.assigneeUserId);
  for (const message of messages) if (message.authorUserId) userIds.add(message.authorUserId);
  const refs = conversations.flatMap((conversation) => [
    ...(conversation.leadId ? [{ entityType: "lead", id: conversation.leadId }] : []),
    ...(conversation.contactId ? [{ entityType: "contact", id: conversation.contactId }] : []),
    ...(conversation.companyId ? [{ entityType: "company", id: conversation.companyId }] : []),
  ]);
  const numbers: Numbers = {
    users: userIds.size > 0 ? await findUserSummaries(core.db, scope, [...userIds]) : new Map(),
    records: refs.length > 0 ? await entityNumbers(core.db, scope, refs) : new Map(),
  };
  return {
    conversation: (conversation) => render(conversation, numbers),
    message: (message) => renderMessage(message, numbers),
  };
}
