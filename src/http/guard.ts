/**
 * Authentication, rate limiting and permission checks that every dialect shares. A dialect only
 * says where its credential travels; failures are thrown as core errors and rendered by the
 * dialect's error handler in its own documented shape.
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import type { Scope } from "../core/core.js";
import { CoreError } from "../core/errors.js";
import type { KeyPrincipal } from "../core/keys/key-verifier.js";
import type { Permission } from "../core/keys/permissions.js";
import type { RateDecision, RateLimiter } from "./rate-limit/rate-limiter.js";

/** Requests per minute: a secret key's; a public key's per visitor (see limitVisitor). */
export const DEFAULT_RATE_LIMITS = { secret: 120, public: 30 } as const;

/** Requests per minute a public key may make over all its visitors, unless the key sets its own. */
export const DEFAULT_WIDGET_KEY_CEILING = 600;

declare module "fastify" {
  interface FastifyRequest {
    principal?: KeyPrincipal;
    /** The key's rate-limit decision for this request. */
    rateDecision?: RateDecision;
  }
  interface FastifyContextConfig {
    /** The permission a route needs; routes without one need only a valid secret key. */
    permission?: Permission;
    /** Widget endpoints: the only routes public keys may call. */
    widget?: boolean;
  }
}

export interface GuardDeps {
  verify(key: string): Promise<KeyPrincipal | null>;
  limiter: RateLimiter;
  /** A public key's ceiling over all its visitors (KITH_WIDGET_KEY_CEILING); the key's own rate_limit wins. */
  widgetKeyCeiling?: number;
}

const unauthenticated = () => new CoreError("UNAUTHENTICATED", "a valid API key is required");

/** Verifies the presented key and counts the request against the key's window. */
export async function authenticate(
  deps: GuardDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  presentedKey: string | undefined,
  /** A dialect's own default for secret keys (CRMLead Pro's per-plan limits); the key's rate_limit wins. */
  secretLimitOf?: (principal: KeyPrincipal) => number,
): Promise<KeyPrincipal> {
  if (!presentedKey) throw unauthenticated();
  const principal = await deps.verify(presentedKey);
  if (!principal) throw unauthenticated();
  const limit =
    principal.rateLimit ??
    (principal.type === "secret"
      ? (secretLimitOf?.(principal) ?? DEFAULT_RATE_LIMITS.secret)
      : (deps.widgetKeyCeiling ?? DEFAULT_WIDGET_KEY_CEILING));
  const decision = await deps.limiter.hit(principal.keyId, limit);
  showDecision(reply, decision);
  if (!decision.allowed) throw rateLimited(`rate limit of ${decision.limit} requests per minute exceeded`);
  request.principal = principal;
  request.rateDecision = decision;
  return principal;
}

function showDecision(reply: FastifyReply, decision: RateDecision): void {
  reply.header("x-ratelimit-limit", decision.limit);
  reply.header("x-ratelimit-remaining", decision.remaining);
  reply.header("x-ratelimit-reset", decision.reset);
  if (!decision.allowed) reply.header("retry-after", decision.retryAfter);
}

const rateLimited = (message: string) => new CoreError("RATE_LIMITED", message);

/**
 * Counts an authenticated public-key request against its visitor's own window (the documented 30
 * per minute), on top of the key's ceiling counted by `authenticate`. The headers then describe
 * whichever of the two windows is nearer its end.
 */
export async function limitVisitor(
  deps: GuardDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  visitor: string,
): Promise<void> {
  const principal = request.principal;
  if (!principal) throw unauthenticated();
  const decision = await deps.limiter.hit(
    `${principal.keyId}:visitor:${visitor}`,
    DEFAULT_RATE_LIMITS.public,
  );
  if (!decision.allowed || !request.rateDecision || decision.remaining <= request.rateDecision.remaining) {
    showDecision(reply, decision);
  }
  if (!decision.allowed) {
    throw rateLimited(`rate limit of ${decision.limit} requests per minute per visitor exceeded`);
  }
}

/** Checks the route's permission: public keys reach widget routes only. */
export function authorize(request: FastifyRequest): void {
  const principal = request.principal;
  if (!principal) throw unauthenticated();
  const config = request.routeOptions.config;
  if (principal.type !== "secret") {
    if (!config.widget) throw new CoreError("FORBIDDEN", "public keys may call the widget endpoints only");
    return;
  }
  if (config.widget) return;
  if (config.permission && !principal.permissions.has(config.permission)) {
    throw new CoreError("FORBIDDEN", `this key lacks the ${config.permission} permission`);
  }
}

/** The scope a dialect's route acts in: the authenticated key's workspace, the key as actor. */
export function scopeOf(request: FastifyRequest): Scope {
  const principal = request.principal;
  if (!principal) throw unauthenticated();
  return { workspaceId: principal.workspaceId, actor: principal.keyId };
}
