/**
 * CORS for the widget endpoints, the only Valethon routes a browser on a customer's site calls.
 *
 * A preflight carries no API key, so it is answered for any origin with what the widget may send
 * (methods GET, POST, OPTIONS; headers X-API-Key, Content-Type, Last-Event-ID). The actual request
 * then carries the public key, and its Origin must be one the key allows: its `origins` list (any
 * origin when the key has none), plus `http://localhost:*` and `http://127.0.0.1:*` for `pk_test_`
 * keys. An allowed origin gets `Access-Control-Allow-Origin` echoed; any other gets 403 FORBIDDEN
 * without CORS headers, so the browser shows the page nothing. A request without Origin is not a
 * cross-origin browser request and passes untouched (the origin list is a browser-side guard, not
 * a secret: any other client can say any Origin). Secret keys never get CORS headers.
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import { CoreError } from "../../../core/errors.js";
import type { KeyPrincipal } from "../../../core/keys/key-verifier.js";

declare module "fastify" {
  interface FastifyContextConfig {
    /** An OPTIONS route answering CORS preflights: no key is asked for. */
    preflight?: boolean;
    /** The key may also travel in the `key` query parameter (EventSource cannot send headers). */
    keyInQuery?: boolean;
  }
}

const LOCAL_ORIGIN = /^http:\/\/(localhost|127\.0\.0\.1)(:\d{1,5})?$/;

export const PREFLIGHT_MAX_AGE_SECONDS = 600;

/** Headers the widget may read from an answer (the rate-limit state and the request id). */
const EXPOSED_HEADERS =
  "X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, Retry-After, X-Request-Id";

export function originAllowed(principal: KeyPrincipal, origin: string): boolean {
  if (principal.origins === null) return true;
  if (principal.origins.includes(origin)) return true;
  return principal.type === "public_test" && LOCAL_ORIGIN.test(origin);
}

const originOf = (request: FastifyRequest): string | undefined => {
  const origin = request.headers.origin;
  return typeof origin === "string" && origin !== "" ? origin : undefined;
};

/** Checks an authenticated widget request's Origin and adds the CORS headers it earns. */
export function applyWidgetCors(request: FastifyRequest, reply: FastifyReply): void {
  const principal = request.principal;
  const origin = originOf(request);
  if (!principal || principal.type === "secret" || origin === undefined) return;
  if (!originAllowed(principal, origin)) {
    throw new CoreError("FORBIDDEN", `origin ${origin} is not allowed for this key`);
  }
  reply.header("access-control-allow-origin", origin);
  reply.header("access-control-expose-headers", EXPOSED_HEADERS);
  reply.header("vary", "Origin");
}

/** Answers a preflight: 204, with the CORS grant when it came from a browser (it has an Origin). */
export function answerPreflight(request: FastifyRequest, reply: FastifyReply) {
  const origin = originOf(request);
  if (origin !== undefined) {
    reply.header("access-control-allow-origin", origin);
    reply.header("access-control-allow-methods", "GET, POST, OPTIONS");
    reply.header("access-control-allow-headers", "X-API-Key, Content-Type, Last-Event-ID");
    reply.header("access-control-max-age", PREFLIGHT_MAX_AGE_SECONDS);
    reply.header("vary", "Origin");
  }
  return reply.code(204).send();
}
