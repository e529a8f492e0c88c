/** Website-chat conversations as the core knows them: a visitor's chat session and its messages. */

export const CONVERSATION_STATUSES = ["open", "waiting", "closed"] as const;
/** `open`: the bot answers; `waiting`: handed to agents (the bot stays quiet); `closed`: ended. */
export type ConversationStatus = (typeof CONVERSATION_STATUSES)[number];

export const MESSAGE_SENDERS = ["visitor", "bot", "agent"] as const;
export type MessageSender = (typeof MESSAGE_SENDERS)[number];

/** Bounds every surface's schema states and the core enforces. */
export const CONVERSATION_LIMITS = {
  message: 2000,
  visitorId: 100,
  visitorName: 200,
  url: 2000,
  userAgent: 500,
  preview: 140,
  /** Most messages one read returns. */
  messagesPerRead: 200,
} as const;

export interface Conversation {
  id: string;
  number: number;
  visitorId: string;
  visitorName: string | null;
  visitorEmail: string | null;
  ip: string | null;
  userAgent: string | null;
  referrer: string | null;
  pageUrl: string | null;
  status: ConversationStatus;
  assigneeUserId: string | null;
  isRead: boolean;
  tags: string[];
  leadId: string | null;
  contactId: string | null;
  companyId: string | null;
  lastMessageAt: string | null;
  lastMessagePreview: string | null;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
}

export interface ChatMessage {
  id: string;
  conversationId: string;
  sender: MessageSender;
  text: string;
  suggestedActions: string[];
  authorUserId: string | null;
  /** The agent's display name (their username), for agent messages. */
  authorName: string | null;
  createdAt: string;
}

/** How a caller names a conversation: its UUID or its per-workspace number. */
export type ConversationRef = string | number;

export interface ConversationListQuery {
  status?: ConversationStatus;
  /** A user id, or `none` for unassigned conversations. */
  assigneeUserId?: string | "none";
  unread?: boolean;
  tag?: string;
  page: number;
  perPage: number;
}

export interface ConversationPage {
  items: Conversation[];
  total: number;
}

export interface MessageReadOptions {
  /** Only messages after this message id. */
  after?: string;
  /** At most this many (and never more than CONVERSATION_LIMITS.messagesPerRead). */
  limit?: number;
}

/** What the widget knows when a visitor opens it (W1). */
export interface WidgetSessionInput {
  visitorId?: string;
  pageUrl?: string;
  referrer?: string;
  /** Resume this session when it is live, of this workspace and of the same visitor. */
  sessionId?: string;
  ip?: string | null;
  userAgent?: string | null;
}

export interface WidgetSession {
  /** The session token the widget holds (`ws_…`); only its SHA-256 digest is stored. */
  sessionId: string;
  conversation: Conversation;
  resumed: boolean;
}

/** The bot's answer to a visitor message (W2); empty while a human handles the conversation. */
export interface BotResponse {
  message: string;
  suggestedActions: string[];
}
