/**
 * Website-chat conversations in keyset batches (see shared/keyset.ts), optionally those linked to
 * one company. Every query is filtered by the caller's workspace.
 */
import type { Executor, Scope } from "../core.js";
import type { KeysetQuery } from "../shared/keyset.js";
import { batchLimit } from "../shared/keyset.js";
import type { Conversation } from "./conversation.types.js";
import { CONVERSATION_RECORD_COLUMNS, conversationsOf, toConversations } from "./conversations.repository.js";

export interface ConversationBatchQuery extends KeysetQuery {
  /** Only conversations linked to this company. */
  companyId?: string;
}

/** The next batch of conversations, in creation order (by number), with their tags. */
export async function readConversationBatch(
  db: Executor,
  scope: Scope,
  query: ConversationBatchQuery,
): Promise<Conversation[]> {
  let filtered = conversationsOf(db, scope.workspaceId);
  if (query.companyId !== undefined)
    filtered = filtered.where("conversations.company_id", "=", query.companyId);
  if (query.after !== undefined) filtered = filtered.where("conversations.seq", ">", query.after);
  const rows = await filtered
    .select(CONVERSATION_RECORD_COLUMNS)
    .orderBy("conversations.seq", "asc")
    .limit(batchLimit(query))
    .execute();
  return toConversations(db, scope, rows);
}
