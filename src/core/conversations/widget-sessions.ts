/**
 * The visitor's side of a conversation: the chat widget's session. A session is a conversation
 * reached through an unguessable token (`ws_` + 32 random alphanumerics, about 190 bits) of which
 * only the SHA-256 digest is stored, looked up within the caller's workspace only, so a token is
 * useless with another workspace's key. A closed conversation's session takes no more messages.
 */
import { createHash } from "node:crypto";
import type { Updateable } from "kysely";
import { isUniqueViolation } from "../../db/db-errors.js";
import type { ConversationTable } from "../../db/schema.js";
import { createActivityIn, updateActivityIn } from "../activities/activities.service.js";
import { ACTIVITY_LIMITS } from "../activities/activity.types.js";
import {
  type BotReply,
  decide,
  emailReply,
  fallbackReply,
  handoffReply,
  intentReply,
  statusReply,
  ticketReply,
} from "../chat-bot/bot-replies.js";
import { actionOf, emailIn } from "../chat-bot/intent-matching.js";
import { enabledIntents, ensureDefaultIntents } from "../chat-bot/intents.service.js";
import type { Core, Scope, Trx } from "../core.js";
import { allocateNumber } from "../counters.js";
import { CoreError, validationError } from "../errors.js";
import { appendEvent, type Changes } from "../events.js";
import { newId, randomAlphanumeric } from "../ids.js";
import { overallStatus, readComponents } from "../service-status/service-status.service.js";
import { requireText } from "../shared/validate.js";
import { normaliseUrl } from "./chat-settings.js";
import {
  type BotResponse,
  type ChatMessage,
  CONVERSATION_LIMITS,
  type Conversation,
  type MessageReadOptions,
  type WidgetSession,
  type WidgetSessionInput,
} from "./conversation.types.js";
import { addMessage, changeConversation, Notices } from "./conversation-writes.js";
import {
  findConversationBySession,
  readLatestMessages,
  readMessages,
  type StoredConversation,
} from "./conversations.repository.js";
import { closeIn } from "./conversations.service.js";
import { linkVisitorEmail } from "./lead-capture.js";

const SESSION_PATTERN = /^ws_[A-Za-z0-9]{32}$/;
const VISITOR_ID_PATTERN = /^[\x21-\x7E]{1,100}$/;

const digestOf = (sessionId: string) => createHash("sha256").update(sessionId).digest("hex");

const sessionNotFound = () => new CoreError("NOT_FOUND", "no live chat session with this id", "sessionId");

/** The session's conversation in the workspace, whatever its status; null for anything else. */
async function findSession(trx: Trx | Core["db"], scope: Scope, sessionId: unknown) {
  if (typeof sessionId !== "string" || !SESSION_PATTERN.test(sessionId)) return null;
  return findConversationBySession(trx, scope, digestOf(sessionId));
}

/** The session's conversation, refusing unknown sessions, other workspaces' and closed ones. */
async function requireLiveSession(trx: Trx, scope: Scope, sessionId: unknown): Promise<StoredConversation> {
  const stored = await findSession(trx, scope, sessionId);
  if (!stored || stored.conversation.status === "closed") throw sessionNotFound();
  return stored;
}

function checkVisitorId(value: unknown): string | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value !== "string" || !VISITOR_ID_PATTERN.test(value)) {
    throw validationError("visitorId", "must be 1 to 100 visible ASCII characters, such as v_abc123");
  }
  return value;
}

const clip = (value: string | null | undefined, max: number) =>
  typeof value === "string" && value !== "" ? value.slice(0, max) : null;

/**
 * Starts a chat session (W1), or resumes the one named by `sessionId` when it is live, in this
 * workspace and of the same visitor id (anything else starts a new one: a widget may hold a stale
 * id). A new session is a new conversation (`conversation.created`).
 */
export async function startWidgetSession(
  core: Core,
  scope: Scope,
  input: WidgetSessionInput,
): Promise<WidgetSession> {
  const visitorId = checkVisitorId(input.visitorId);
  const pageUrl = normaliseUrl("pageUrl", input.pageUrl, CONVERSATION_LIMITS.url) ?? null;
  const referrer = normaliseUrl("referrer", input.referrer, CONVERSATION_LIMITS.url) ?? null;
  if (input.sessionId !== undefined && visitorId !== undefined) {
    const existing = await findSession(core.db, scope, input.sessionId);
    if (
      existing &&
      existing.conversation.status !== "closed" &&
      existing.conversation.visitorId === visitorId
    ) {
      return { sessionId: input.sessionId, conversation: existing.conversation, resumed: true };
    }
  }
  const sessionId = `ws_${randomAlphanumeric(32)}`;
  const at = core.clock.now().toISOString();
  const notices = new Notices();
  const conversation = await core.db.transaction().execute(async (trx) => {
    const id = newId();
    const seq = await allocateNumber(trx, scope.workspaceId, "conversations");
    const created: Conversation = {
      id,
      number: seq,
      visitorId: visitorId ?? `v_${randomAlphanumeric(16)}`,
      visitorName: null,
      visitorEmail: null,
      ip: clip(input.ip, 64),
      userAgent: clip(input.userAgent, CONVERSATION_LIMITS.userAgent),
      referrer,
      pageUrl,
      status: "open",
      assigneeUserId: null,
      // Nothing to read until the visitor writes.
      isRead: true,
      tags: [],
      leadId: null,
      contactId: null,
      companyId: null,
      lastMessageAt: null,
      lastMessagePreview: null,
      createdAt: at,
      updatedAt: at,
      closedAt: null,
    };
    await trx
      .insertInto("conversations")
      .values({
        id,
        workspace_id: scope.workspaceId,
        seq,
        session_digest: digestOf(sessionId),
        visitor_id: created.visitorId,
        visitor_name: null,
        visitor_email: null,
        ip: created.ip,
        user_agent: created.userAgent,
        referrer,
        page_url: pageUrl,
        status: "open",
        handed_off_at: null,
        assignee_user_id: null,
        is_read: 1,
        lead_id: null,
        contact_id: null,
        company_id: null,
        ticket_activity_id: null,
        last_message_at: null,
        last_message_preview: null,
        created_at: at,
        updated_at: at,
        closed_at: null,
      })
      .execute();
    await appendEvent(trx, scope, at, {
      type: "conversation.created",
      entityType: "conversation",
      entityId: id,
      data: { ...created },
    });
    notices.conversation(id);
    return created;
  });
  notices.publish(core, scope.workspaceId);
  return { sessionId, conversation, resumed: false };
}

export interface VisitorMessageResult {
  conversation: Conversation;
  message: ChatMessage;
  /** The bot's message, when it said something. */
  reply: ChatMessage | null;
  /** What W2 answers: the bot's reply, or empty text and actions while a human handles the chat. */
  response: BotResponse;
}

/**
 * A visitor's message (W2): stored with the bot's reply, in one transaction. The first email
 * address written links the conversation to a contact or lead (lead-capture.ts). The bot answers
 * until a human takes over ("Talk to a human", an assignee or an agent's reply); after that it
 * stays quiet and each visitor message sets the conversation `waiting` for an agent.
 */
export async function visitorMessage(
  core: Core,
  scope: Scope,
  input: { sessionId: unknown; message: unknown },
): Promise<VisitorMessageResult> {
  const text = requireText("message", input.message, CONVERSATION_LIMITS.message);
  await ensureDefaultIntents(core, scope);
  // Two visitors giving the same new email at once: the loser's lead insert meets the unique
  // index; run again, and it links the winner's lead instead.
  for (let attempt = 1; ; attempt++) {
    try {
      return await writeVisitorMessage(core, scope, input.sessionId, text);
    } catch (error) {
      if (attempt === 1 && isUniqueViolation(error)) continue;
      throw error;
    }
  }
}

async function writeVisitorMessage(
  core: Core,
  scope: Scope,
  sessionId: unknown,
  text: string,
): Promise<VisitorMessageResult> {
  const at = core.clock.now().toISOString();
  const notices = new Notices();
  const result = await core.db.transaction().execute(async (trx) => {
    const stored = await requireLiveSession(trx, scope, sessionId);
    const conversation = stored.conversation;
    const message = await addMessage(trx, scope, at, conversation, { sender: "visitor", text }, notices);
    const update: Updateable<ConversationTable> = {};
    const changes: Changes = {};
    if (conversation.isRead) {
      update.is_read = 0;
      changes.isRead = { from: true, to: false };
    }
    const email = conversation.visitorEmail === null ? emailIn(text) : null;
    if (email) {
      const link = await linkVisitorEmail(trx, scope, at, stored, email);
      Object.assign(update, link.update);
      Object.assign(changes, link.changes);
    }

    let reply: BotReply | null = null;
    const decision = decide(text, stored.handedOffAt !== null, await enabledIntents(trx, scope));
    switch (decision.kind) {
      case "quiet":
        if (conversation.status === "open") {
          update.status = "waiting";
          changes.status = { from: "open", to: "waiting" };
        }
        break;
      case "talk_to_human":
        update.handed_off_at = at;
        if (conversation.status !== "waiting") {
          update.status = "waiting";
          changes.status = { from: conversation.status, to: "waiting" };
        }
        reply = handoffReply();
        break;
      case "check_status": {
        const components = await readComponents(trx, scope);
        reply = statusReply({
          status: overallStatus(components.map((component) => component.status)),
          components,
          updatedAt: at,
        });
        break;
      }
      case "create_ticket": {
        const ticket = await recordTicket(trx, scope, at, stored, update);
        update.ticket_activity_id = ticket.id;
        reply = ticketReply(
          ticket.number,
          (update.visitor_email ?? conversation.visitorEmail) != null,
          ticket.updated,
        );
        break;
      }
      case "email_given":
        reply = emailReply(
          stored.ticketActivityId ? await ticketNumber(trx, scope, stored.ticketActivityId) : null,
        );
        break;
      case "intent":
        reply = intentReply(decision.intent);
        break;
      case "fallback":
        reply = fallbackReply();
        break;
    }
    const botMessage = reply
      ? await addMessage(
          trx,
          scope,
          at,
          conversation,
          { sender: "bot", text: reply.message, suggestedActions: reply.suggestedActions },
          notices,
        )
      : null;
    const after = await changeConversation(trx, scope, at, stored, update, changes, notices);
    return {
      conversation: after.conversation,
      message,
      reply: botMessage,
      response: reply ?? { message: "", suggestedActions: [] },
    };
  });
  notices.publish(core, scope.workspaceId);
  return result;
}

async function ticketNumber(trx: Trx, scope: Scope, activityId: string): Promise<number | null> {
  const row = await trx
    .selectFrom("activities")
    .select("seq")
    .where("workspace_id", "=", scope.workspaceId)
    .where("id", "=", activityId)
    .where("deleted_at", "is", null)
    .executeTakeFirst();
  return row ? Number(row.seq) : null;
}

const TRANSCRIPT_MESSAGES = 200;
const SENDER_NAMES = { visitor: "Visitor", bot: "Bot", agent: "Agent" } as const;

/** The conversation as a task's description: a header, then the latest messages that fit. */
function transcript(conversation: Conversation, email: string | null, messages: ChatMessage[]): string {
  const header = [
    `Website chat #${conversation.number} with visitor ${conversation.visitorId}${email ? ` (${email})` : ""}`,
    ...(conversation.pageUrl ? [`Page: ${conversation.pageUrl}`] : []),
    ...(conversation.referrer ? [`Referrer: ${conversation.referrer}`] : []),
    "",
  ];
  const lines = messages.map((message) => {
    const who =
      message.sender === "agent" && message.authorName ? message.authorName : SENDER_NAMES[message.sender];
    return `[${message.createdAt.slice(0, 16).replace("T", " ")} UTC] ${who}: ${message.text}`;
  });
  const budget = ACTIVITY_LIMITS.description - header.join("\n").length - 1;
  const kept: string[] = [];
  let used = 0;
  for (const line of lines.reverse()) {
    if (used + line.length + 1 > budget) break;
    kept.unshift(line);
    used += line.length + 1;
  }
  return [...header, ...kept].join("\n");
}

/**
 * "Create ticket": records a task activity holding the transcript, on the visitor's contact or
 * lead when known. A conversation has one ticket: asking again refreshes its transcript.
 */
async function recordTicket(
  trx: Trx,
  scope: Scope,
  at: string,
  stored: StoredConversation,
  pending: Updateable<ConversationTable>,
): Promise<{ id: string; number: number; updated: boolean }> {
  const conversation = stored.conversation;
  const email = (pending.visitor_email as string | undefined) ?? conversation.visitorEmail;
  const messages = await readLatestMessages(trx, scope, conversation.id, TRANSCRIPT_MESSAGES);
  const description = transcript(conversation, email, messages);
  if (stored.ticketActivityId && (await ticketNumber(trx, scope, stored.ticketActivityId)) !== null) {
    const activity = await updateActivityIn(trx, scope, at, { id: stored.ticketActivityId }, { description });
    return { id: activity.id, number: activity.number, updated: true };
  }
  const contactId = (pending.contact_id as string | undefined) ?? conversation.contactId;
  const leadId = (pending.lead_id as string | undefined) ?? conversation.leadId;
  const firstQuestion = messages.find(
    (message) => message.sender === "visitor" && actionOf(message.text) === null,
  );
  const subject = `Chat #${conversation.number}: ${firstQuestion?.text.replace(/\s+/g, " ") ?? "support request"}`;
  const activity = await createActivityIn(trx, scope, at, {
    type: "task",
    subject:
      subject.length > ACTIVITY_LIMITS.subject
        ? `${subject.slice(0, ACTIVITY_LIMITS.subject - 1)}…`
        : subject,
    description,
    entity: contactId
      ? { entityType: "contact", id: contactId }
      : leadId
        ? { entityType: "lead", id: leadId }
        : null,
  });
  return { id: activity.id, number: activity.number, updated: false };
}

/** Ends the session (W3): the conversation is closed (`conversation.closed`). */
export async function endWidgetSession(core: Core, scope: Scope, sessionId: unknown): Promise<Conversation> {
  const at = core.clock.now().toISOString();
  const notices = new Notices();
  const conversation = await core.db.transaction().execute(async (trx) => {
    const stored = await requireLiveSession(trx, scope, sessionId);
    return closeIn(trx, scope, at, stored, notices);
  });
  notices.publish(core, scope.workspaceId);
  return conversation;
}

/**
 * The session's conversation, live or closed (a widget may read how a conversation ended);
 * unknown sessions and other workspaces' are NOT_FOUND.
 */
export async function getWidgetSession(core: Core, scope: Scope, sessionId: unknown): Promise<Conversation> {
  const stored = await findSession(core.db, scope, sessionId);
  if (!stored) throw sessionNotFound();
  return stored.conversation;
}

/** The session's conversation status and messages (the widget's transcript and polling fallback). */
export async function readWidgetTranscript(
  core: Core,
  scope: Scope,
  sessionId: unknown,
  options: MessageReadOptions,
): Promise<{ conversation: Conversation; messages: ChatMessage[] }> {
  const conversation = await getWidgetSession(core, scope, sessionId);
  return { conversation, messages: await readMessages(core.db, scope, conversation.id, options) };
}
