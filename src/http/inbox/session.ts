/**
 * The inbox's browser session at the HTTP edge: the `kith_inbox` cookie, the checks every
 * state-changing request passes (same origin, CSRF token header), and the hook that resolves the
 * agent behind a request. The session itself lives in core/agent-sessions.
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import {
  AGENT_SESSION_LIFETIME,
  type AgentSession,
  isCsrfTokenOf,
  resolveAgentSession,
} from "../../core/agent-sessions/agent-sessions.service.js";
import type { Core } from "../../core/core.js";
import { CoreError } from "../../core/errors.js";

export const SESSION_COOKIE = "kith_inbox";
export const CSRF_HEADER = "x-csrf-token";
const COOKIE_PATH = "/inbox";

declare module "fastify" {
  interface FastifyRequest {
    /** The logged-in agent of an inbox request, and the session token from their cookie. */
    agent?: { session: AgentSession; token: string };
  }
}

const firstValue = (header: string | string[] | undefined) =>
  (Array.isArray(header) ? header[0] : header)?.split(",")[0]?.trim() || undefined;

/**
 * The scheme the browser used: https when the connection is TLS or a proxy in front says so in
 * X-Forwarded-Proto. Trusting the header is safe here: it only adds the Secure flag and narrows
 * the accepted Origin; a client that lies about it only breaks its own session.
 */
function forwardedProto(request: FastifyRequest): string | undefined {
  if (request.protocol === "https") return "https";
  return firstValue(request.headers["x-forwarded-proto"])?.toLowerCase();
}

export function sessionTokenOf(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const index = part.indexOf("=");
    if (index > 0 && part.slice(0, index).trim() === SESSION_COOKIE) return part.slice(index + 1).trim();
  }
  return undefined;
}

export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, token: string): void {
  reply.header("set-cookie", cookie(request, token, Math.floor(AGENT_SESSION_LIFETIME.maxMs / 1000)));
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  reply.header("set-cookie", cookie(request, "", 0));
}

function cookie(request: FastifyRequest, value: string, maxAgeSeconds: number): string {
  const secure = forwardedProto(request) === "https" ? "; Secure" : "";
  return `${SESSION_COOKIE}=${value}; Path=${COOKIE_PATH}; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Strict${secure}`;
}

/**
 * Refuses a request a browser sent from another site: `Sec-Fetch-Site: cross-site`, or an
 * `Origin` other than this server's own (scheme + host, or X-Forwarded-Host behind a proxy).
 * Without X-Forwarded-Proto on a plain-HTTP connection the scheme is unknown (a TLS proxy may sit
 * in front), so either scheme is accepted for the server's own host.
 */
export function assertSameOrigin(request: FastifyRequest): void {
  if (request.headers["sec-fetch-site"] === "cross-site") throw crossOrigin();
  const origin = request.headers.origin;
  if (origin === undefined) return;
  const host = firstValue(request.headers["x-forwarded-host"]) ?? request.headers.host;
  if (!host) throw crossOrigin();
  let given: URL;
  let own: URL;
  try {
    given = new URL(origin);
    own = new URL(`http://${host}`);
  } catch {
    throw crossOrigin();
  }
  const proto = forwardedProto(request);
  const schemes = proto ? [`${proto}:`] : ["http:", "https:"];
  // Default ports are dropped by URL on both sides, so `host:443` equals an https origin without one.
  const ownHost = (scheme: string) => new URL(`${scheme}//${own.host}`).host;
  if (!schemes.some((scheme) => given.protocol === scheme && given.host === ownHost(scheme)))
    throw crossOrigin();
}

const crossOrigin = () => new CoreError("FORBIDDEN", "origin: requests must come from the inbox page itself");

/** The state-changing request carries the session's CSRF token. */
export function assertCsrfToken(request: FastifyRequest, token: string): void {
  const presented = request.headers[CSRF_HEADER];
  if (!isCsrfTokenOf(token, Array.isArray(presented) ? presented[0] : presented)) {
    throw new CoreError("FORBIDDEN", `${CSRF_HEADER}: missing or wrong; reload the inbox`);
  }
}

const STATE_CHANGING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * onRequest hook of every route that needs a logged-in agent: resolves the session from the cookie
 * (401 and the cookie cleared when there is none) and, for state-changing requests, checks the
 * CSRF token (403).
 */
export function requireAgent(core: Core) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const token = sessionTokenOf(request);
    const session = token ? await resolveAgentSession(core, token) : null;
    if (!token || !session) {
      if (token) clearSessionCookie(request, reply);
      throw new CoreError("UNAUTHENTICATED", "not logged in (or the session has ended)");
    }
    if (STATE_CHANGING.has(request.method)) assertCsrfToken(request, token);
    request.agent = { session, token };
  };
}

export const isStateChanging = (request: FastifyRequest) => STATE_CHANGING.has(request.method);
