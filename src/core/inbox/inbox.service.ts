/**
 * What the agents' web inbox shows beside the conversations themselves: unread badges per
 * status, the names of the agents conversations are assigned to, and the CRM records a
 * conversation is linked to. Reads only; every change goes through conversations.service.
 */
import { findContact } from "../contacts/contacts.repository.js";
import {
  type ChatMessage,
  CONVERSATION_LIMITS,
  CONVERSATION_STATUSES,
  type Conversation,
  type ConversationStatus,
} from "../conversations/conversation.types.js";
import { findMessage, readLatestMessages } from "../conversations/conversations.repository.js";
import { listConversations } from "../conversations/conversations.service.js";
import type { Core, Scope } from "../core.js";
import { findLead } from "../leads/leads.repository.js";

/** One chat message of the workspace by id (what a real-time notice names), or null. */
export async function findChatMessage(
  core: Core,
  scope: Scope,
  messageId: string,
): Promise<ChatMessage | null> {
  return findMessage(core.db, scope, messageId);
}

/**
 * The newest messages of a conversation, in chronological order: an agent opening a long chat
 * needs its end (listMessages reads from the start, for cursors).
 */
export async function latestMessages(
  core: Core,
  scope: Scope,
  conversationId: string,
): Promise<ChatMessage[]> {
  return readLatestMessages(core.db, scope, conversationId, CONVERSATION_LIMITS.messagesPerRead);
}

export type UnreadCounts = Record<ConversationStatus, number>;

/** Unread conversations per status, for the inbox's tab badges. */
export async function unreadCounts(core: Core, scope: Scope): Promise<UnreadCounts> {
  const totals = await Promise.all(
    CONVERSATION_STATUSES.map(
      async (status) =>
        (await listConversations(core, scope, { status, unread: true, page: 1, perPage: 1 })).total,
    ),
  );
  return Object.fromEntries(
    CONVERSATION_STATUSES.map((status, index) => [status, totals[index]!]),
  ) as UnreadCounts;
}

export interface AgentName {
  id: string;
  username: string;
  name: string;
}

/** The workspace's users among `ids`, keyed by id (others' ids simply do not appear). */
export async function agentNames(
  core: Core,
  scope: Scope,
  ids: readonly string[],
): Promise<Map<string, AgentName>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const rows = await core.db
    .selectFrom("users")
    .select(["id", "username", "name"])
    .where("workspace_id", "=", scope.workspaceId)
    .where("id", "in", unique)
    .execute();
  return new Map(rows.map((row) => [row.id, row]));
}

export interface LinkedPerson {
  id: string;
  /** The record's number in the workspace (its Valethon id). */
  number: number;
  name: string | null;
  email: string | null;
}

export interface VisitorRecords {
  lead: LinkedPerson | null;
  contact: LinkedPerson | null;
}

const personName = (first: string | null, last: string | null) =>
  [first, last].filter((part) => part?.trim()).join(" ") || null;

/** The lead and contact a conversation is linked to (null when none, or since deleted). */
export async function visitorRecords(
  core: Core,
  scope: Scope,
  conversation: Conversation,
): Promise<VisitorRecords> {
  const [lead, contact] = await Promise.all([
    conversation.leadId ? findLead(core.db, scope, { id: conversation.leadId }) : null,
    conversation.contactId ? findContact(core.db, scope, { id: conversation.contactId }) : null,
  ]);
  const person = (record: typeof lead | typeof contact): LinkedPerson | null =>
    record
      ? {
          id: record.id,
          number: record.number,
          name: personName(record.firstName, record.lastName),
          email: record.email,
        }
      : null;
  return { lead: person(lead), contact: person(contact) };
}
