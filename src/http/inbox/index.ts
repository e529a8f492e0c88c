/**
 * The agents' web inbox at `/inbox`: the page, its JSON API under `/inbox/api` and its live
 * stream. Agents are workspace users who log in with their password (core/agent-sessions);
 * the session travels in the `kith_inbox` cookie and state-changing requests also carry its
 * CSRF token and come from the page's own origin. Errors are `{"error":"<field>: <message>"}`.
 */
import type { FastifyInstance } from "fastify";
import { CoreError } from "../../core/errors.js";
import { authRoutes } from "./auth.routes.js";
import type { InboxApp, InboxDeps } from "./context.js";
import { conversationsRoutes } from "./conversations.routes.js";
import { sendInboxError } from "./errors.js";
import { pageRoutes } from "./page.js";
import { assertSameOrigin, isStateChanging } from "./session.js";
import { type StreamsBySession, streamRoutes } from "./stream.routes.js";

/** Scripts, styles and connections only from this server; no framing; nothing inline. */
export const INBOX_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

const SECURITY_HEADERS: Record<string, string> = {
  "content-security-policy": INBOX_CSP,
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
  "referrer-policy": "same-origin",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
};

/** Inbox bodies are small: a reply is at most 2000 characters. */
const BODY_LIMIT_BYTES = 64 * 1024;

export async function inboxPlugin(instance: FastifyInstance, deps: InboxDeps): Promise<void> {
  const app = instance as unknown as InboxApp;
  const streams: StreamsBySession = new Map();

  app.addHook("onRequest", async (request, reply) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) reply.header(name, value);
    reply.header("cache-control", "no-store");
    // Cross-site state changes are refused before anything else, login included.
    if (isStateChanging(request)) assertSameOrigin(request);
  });
  app.addHook("onRoute", (route) => {
    route.bodyLimit ??= BODY_LIMIT_BYTES;
    route.config = { ...(route.config as object), dialect: "inbox" };
  });

  app.setErrorHandler((error, request, reply) => sendInboxError(request, reply, error));
  app.setNotFoundHandler((request, reply) =>
    sendInboxError(
      request,
      reply,
      new CoreError("NOT_FOUND", `no inbox endpoint ${request.method} ${request.url.split("?")[0]}`),
    ),
  );

  await pageRoutes(app);
  await authRoutes(app, { ...deps, streams });
  await conversationsRoutes(app, deps);
  await streamRoutes(app, { ...deps, streams });
}
