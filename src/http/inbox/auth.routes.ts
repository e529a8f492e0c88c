/**
 * Login, logout and "who am I" of the web inbox. Login attempts are rate limited per account and
 * per client address over 15 minutes, in the shared limiter (Redis when configured), before the
 * password is checked, so a blocked guesser learns nothing more.
 */
import { Type } from "typebox";
import {
  csrfTokenOf,
  endAgentSession,
  loginAgent,
} from "../../core/agent-sessions/agent-sessions.service.js";
import { CoreError } from "../../core/errors.js";
import type { RateLimiter } from "../rate-limit/rate-limiter.js";
import type { InboxApp, InboxDeps } from "./context.js";
import { renderAgent } from "./render.js";
import {
  assertCsrfToken,
  clearSessionCookie,
  requireAgent,
  sessionTokenOf,
  setSessionCookie,
} from "./session.js";
import type { StreamsBySession } from "./stream.routes.js";

/** Login attempts (not only failures: an attempt is counted before the password is checked). */
export const LOGIN_LIMITS = {
  windowMs: 15 * 60 * 1000,
  perAccount: 10,
  perAddress: 30,
} as const;

const LoginBodySchema = Type.Object({
  workspace: Type.String({ minLength: 1, maxLength: 100 }),
  username: Type.String({ minLength: 1, maxLength: 150 }),
  password: Type.String({ minLength: 1, maxLength: 200 }),
});

async function countLoginAttempt(limiter: RateLimiter, address: string, workspace: string, username: string) {
  const subjects = [
    { key: `inbox-login:ip:${address}`, limit: LOGIN_LIMITS.perAddress },
    { key: `inbox-login:user:${workspace.toLowerCase()}:${username}`, limit: LOGIN_LIMITS.perAccount },
  ];
  for (const { key, limit } of subjects) {
    const decision = await limiter.hit(key, limit, undefined, LOGIN_LIMITS.windowMs);
    if (!decision.allowed) return decision.retryAfter;
  }
  return 0;
}

export async function authRoutes(
  app: InboxApp,
  { core, limiter, streams }: InboxDeps & { streams: StreamsBySession },
): Promise<void> {
  app.post("/api/login", { schema: { hide: true, body: LoginBodySchema } }, async (request, reply) => {
    const { workspace, username, password } = request.body;
    const retryAfter = await countLoginAttempt(limiter, request.ip, workspace, username);
    if (retryAfter > 0) {
      reply.header("retry-after", retryAfter);
      throw new CoreError("RATE_LIMITED", `too many login attempts; try again in ${retryAfter} seconds`);
    }
    const { token, session } = await loginAgent(core, { workspace, username, password });
    setSessionCookie(request, reply, token);
    return renderAgent(session, csrfTokenOf(token));
  });

  app.post("/api/logout", { schema: { hide: true } }, async (request, reply) => {
    const token = sessionTokenOf(request);
    if (token) {
      // Even logging out must not be forced on an agent by another site.
      assertCsrfToken(request, token);
      const ended = await endAgentSession(core, token);
      // This process's streams of the session end now; other processes' within a minute.
      for (const stream of (ended && streams.get(ended)) || []) stream.close();
    }
    clearSessionCookie(request, reply);
    return reply.code(204).send();
  });

  app.get("/api/me", { schema: { hide: true }, onRequest: requireAgent(core) }, async (request) => {
    const { session, token } = request.agent!;
    return renderAgent(session, csrfTokenOf(token));
  });
}
