/**
 * The widget's live stream (`GET /widget/stream`): server-sent events of one session. It listens on
 * the conversation's bus channel; each notice makes it read what is new from the database after
 * its cursor (so a lost notice only delays, and two notices never send a message twice) and send
 * the agents' messages (`event: message`, `id:` the message id) and status changes
 * (`event: status`). A closing ends the stream after its status event; reconnecting to a closed
 * session is refused (404), which stops EventSource for good.
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import {
  CONVERSATION_LIMITS,
  type ConversationStatus,
} from "../../../core/conversations/conversation.types.js";
import {
  getConversation,
  latestMessages,
  listMessages,
} from "../../../core/conversations/conversations.service.js";
import { getWidgetSession } from "../../../core/conversations/widget-sessions.js";
import type { Core } from "../../../core/core.js";
import { CoreError } from "../../../core/errors.js";
import { conversationChannel } from "../../../realtime/bus.js";
import { openEventStream } from "../../sse.js";
import { scopeOf } from "./context.js";
import { renderWidgetMessage } from "./widget.render.js";

export async function streamWidgetSession(
  core: Core,
  request: FastifyRequest,
  reply: FastifyReply,
  options: { sessionId: string; after: string | undefined },
): Promise<void> {
  const scope = scopeOf(request);
  const conversation = await getWidgetSession(core, scope, options.sessionId);
  if (conversation.status === "closed") {
    throw new CoreError("NOT_FOUND", "no live chat session with this id", "sessionId");
  }
  // A bad cursor is refused while an error body can still be sent.
  if (options.after !== undefined)
    await listMessages(core, scope, conversation.id, { after: options.after, limit: 1 });

  const stream = openEventStream(request, reply);
  let cursor = options.after;
  let status: ConversationStatus = conversation.status;

  const sendStatusChange = async () => {
    const current = await getConversation(core, scope, conversation.id);
    if (current.status === status) return;
    status = current.status;
    stream.send("status", { status });
    if (status === "closed") stream.close();
  };

  const catchUp = async () => {
    if (stream.closed) return;
    // A page at a time; a longer backlog is read in several rounds.
    for (;;) {
      const messages = await listMessages(core, scope, conversation.id, cursor ? { after: cursor } : {});
      for (const message of messages) {
        cursor = message.id;
        if (message.sender === "agent") stream.send("message", renderWidgetMessage(message), message.id);
      }
      if (messages.length < CONVERSATION_LIMITS.messagesPerRead) break;
    }
    await sendStatusChange();
  };

  // Notices are handled one after another, in order, starting after the cursor is set.
  let queue: Promise<void> = Promise.resolve();
  const enqueue = (work: () => Promise<void>) => {
    queue = queue.then(work).catch((error) => {
      request.log.warn({ err: error }, "widget stream: catching up failed");
    });
  };
  const unsubscribe = core.bus.subscribe(conversationChannel(conversation.id), () => enqueue(catchUp));
  stream.onClose(unsubscribe);
  enqueue(async () => {
    if (cursor !== undefined) return catchUp();
    // Subscribed first, so nothing committed from here on is missed; older messages the widget has.
    cursor = (await latestMessages(core, scope, conversation.id, 1))[0]?.id;
    await sendStatusChange();
  });
}
