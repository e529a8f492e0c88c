/** The inbox API's JSON shapes (snake_case, times as ISO 8601 UTC), rendered from core records. */
import type { AgentSession } from "../../core/agent-sessions/agent-sessions.service.js";
import type { ChatMessage, Conversation } from "../../core/conversations/conversation.types.js";
import type { AgentName, VisitorRecords } from "../../core/inbox/inbox.service.js";

export function renderAgent(session: AgentSession, csrfToken: string) {
  const { user, workspace } = session;
  return {
    user: {
      id: user.id,
      number: user.number,
      username: user.username,
      name: user.name,
      email: user.email,
      role: user.role,
    },
    workspace: { id: workspace.id, slug: workspace.slug, name: workspace.name },
    csrf_token: csrfToken,
    expires_at: session.expiresAt,
  };
}

/** What the conversation list shows, and what the stream sends when a conversation changes. */
export function renderSummary(conversation: Conversation, agents: ReadonlyMap<string, AgentName>) {
  const assignee = conversation.assigneeUserId ? agents.get(conversation.assigneeUserId) : undefined;
  return {
    id: conversation.id,
    number: conversation.number,
    status: conversation.status,
    visitor_id: conversation.visitorId,
    visitor_name: conversation.visitorName,
    visitor_email: conversation.visitorEmail,
    assignee: assignee ? { id: assignee.id, name: assignee.name } : null,
    is_read: conversation.isRead,
    tags: conversation.tags,
    last_message_at: conversation.lastMessageAt,
    last_message_preview: conversation.lastMessagePreview,
    created_at: conversation.createdAt,
    updated_at: conversation.updatedAt,
    closed_at: conversation.closedAt,
  };
}

/** The summary plus what the agent sees beside the messages: where the visitor came from. */
export function renderDetail(
  conversation: Conversation,
  agents: ReadonlyMap<string, AgentName>,
  records: VisitorRecords,
) {
  return {
    ...renderSummary(conversation, agents),
    page_url: conversation.pageUrl,
    referrer: conversation.referrer,
    user_agent: conversation.userAgent,
    ip: conversation.ip,
    lead: records.lead,
    contact: records.contact,
  };
}

export function renderMessage(message: ChatMessage) {
  return {
    id: message.id,
    conversation_id: message.conversationId,
    sender: message.sender,
    text: message.text,
    suggested_actions: message.suggestedActions,
    author_user_id: message.authorUserId,
    author_name: message.authorName,
    created_at: message.createdAt,
  };
}
