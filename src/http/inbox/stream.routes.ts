/**
 * The inbox's live stream (server-sent events). It listens to the workspace's inbox channel on the
 * real-time bus and, for each notice, reads what changed and sends it: `conversation` (the
 * conversation's summary) for every change, plus `message` (the message) for a new message.
 * A `ready` event says the subscription stands; after a reconnect the page reloads what it shows,
 * which covers anything sent while it was away.
 *
 * The stream re-checks its session every minute (without counting that as the agent's activity)
 * and ends when the session has; logging out ends this process's streams of the session at once.
 */
import { resolveAgentSession } from "../../core/agent-sessions/agent-sessions.service.js";
import { getConversation } from "../../core/conversations/conversations.service.js";
import { isCoreError } from "../../core/errors.js";
import { findChatMessage } from "../../core/inbox/inbox.service.js";
import { type BusNotice, inboxChannel } from "../../realtime/bus.js";
import { type EventStream, openEventStream } from "../sse.js";
import type { InboxApp, InboxDeps } from "./context.js";
import { renderConversationSummary } from "./conversations.routes.js";
import { renderMessage } from "./render.js";
import { requireAgent } from "./session.js";

const SESSION_CHECK_MS = 60_000;

/** Open streams by session id, so a logout here can end them at once. */
export type StreamsBySession = Map<string, Set<EventStream>>;

export async function streamRoutes(
  app: InboxApp,
  { core, streams }: InboxDeps & { streams: StreamsBySession },
): Promise<void> {
  app.get(
    "/api/stream",
    { schema: { hide: true }, onRequest: requireAgent(core) },
    async (request, reply) => {
      const { session, token } = request.agent!;
      const { scope } = session;
      const stream = openEventStream(request, reply);

      const own = streams.get(session.id) ?? new Set<EventStream>();
      streams.set(session.id, own);
      own.add(stream);
      stream.onClose(() => {
        own.delete(stream);
        if (own.size === 0) streams.delete(session.id);
      });

      const send = async (notice: BusNotice) => {
        const conversation = await getConversation(core, scope, notice.conversationId);
        stream.send("conversation", {
          conversation: await renderConversationSummary(core, scope, conversation),
        });
        if (notice.kind === "message" && notice.messageId) {
          const message = await findChatMessage(core, scope, notice.messageId);
          if (message)
            stream.send("message", { conversation_id: conversation.id, message: renderMessage(message) });
        }
      };
      // One notice at a time, so events leave in the order their notices came.
      let queue = Promise.resolve();
      const unsubscribe = core.bus.subscribe(inboxChannel(scope.workspaceId), (notice) => {
        queue = queue
          .then(() => (stream.closed ? undefined : send(notice)))
          .catch((error) => {
            // A conversation gone since (or never of this workspace) is simply not shown.
            if (!isCoreError(error) || error.code !== "NOT_FOUND") {
              request.log.warn({ err: error }, "inbox stream: could not send an update");
            }
          });
      });
      stream.onClose(unsubscribe);

      const check = setInterval(() => {
        resolveAgentSession(core, token, { touch: false })
          .then((live) => {
            if (!live) stream.close();
          })
          .catch((error) => request.log.warn({ err: error }, "inbox stream: could not check the session"));
      }, SESSION_CHECK_MS);
      check.unref();
      stream.onClose(() => clearInterval(check));

      stream.send("ready", { workspace_id: scope.workspaceId });
    },
  );
}
