/**
 * What the Epixel routes share: the caller's workspace (the `apikey` header's key) and the acting
 * user (the Bearer access JWT), both checked by the plugin's onRequest hook before any handler.
 */
import type { FastifyRequest } from "fastify";
import type { Core, Scope } from "../../../core/core.js";
import { EpixelError } from "./envelope.js";

export interface EpixelUser {
  id: string;
  username: string;
  role: "admin" | "agent";
}

declare module "fastify" {
  interface FastifyRequest {
    /** The user of the Bearer access token (Epixel routes other than login and refresh). */
    epixelUser?: EpixelUser;
  }
  interface FastifyContextConfig {
    /** Epixel routes that need only the `apikey` (login, token refresh). */
    epixelPublic?: boolean;
  }
}

export interface EpixelDeps {
  readonly core: Core;
}

/** The workspace scope of the `apikey` and the user of the access token; `scope.actor` is that user. */
export function actorOf(request: FastifyRequest): { scope: Scope; user: EpixelUser } {
  const principal = request.principal;
  const user = request.epixelUser;
  if (!principal || !user) {
    throw new EpixelError(401, { detail: "Authentication credentials were not provided." });
  }
  return { scope: { workspaceId: principal.workspaceId, actor: user.id }, user };
}

/** The request body as flat strings (see the plugin's body parsers); `{}` when there is none. */
export function bodyOf(request: FastifyRequest): Record<string, string> {
  return (request.body as Record<string, string> | undefined) ?? {};
}

/** A query parameter's trimmed value; undefined when it is absent or blank. */
export function queryText(query: Record<string, string>, field: string): string | undefined {
  const value = query[field]?.trim();
  return value ? value : undefined;
}

/** The query string as flat strings (the last value when a parameter repeats). */
export function queryOf(request: FastifyRequest): Record<string, string> {
  const query = (request.query ?? {}) as Record<string, unknown>;
  const flat: Record<string, string> = {};
  for (const [key, value] of Object.entries(query)) {
    const last = Array.isArray(value) ? value[value.length - 1] : value;
    if (last !== undefined && last !== null) flat[key] = String(last);
  }
  return flat;
}
