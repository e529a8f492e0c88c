/** What the Axiomatic routes share: the typed app, the caller's scope, the entity check. */
import type { FastifyRequest } from "fastify";
import type { Core } from "../../../core/core.js";
import { CoreError, validationError } from "../../../core/errors.js";
import { scopeOf } from "../../guard.js";
import type { TypeBoxApp } from "../../schema-helpers.js";

export type AxiomaticApp = TypeBoxApp;

export interface AxiomaticDeps {
  readonly core: Core;
}

export { scopeOf };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const first = (value: unknown) => (Array.isArray(value) ? value[0] : value);

/**
 * The entity the request names, from the first source that carries one, in the documented
 * order: query `entityId`, query `entity_id`, header `x-entity-id`, JSON body `entityId`.
 */
export function presentedEntityId(request: FastifyRequest): unknown {
  const query = (request.query ?? {}) as Record<string, unknown>;
  const body = request.body;
  const bodyEntity =
    body !== null && typeof body === "object" && !Array.isArray(body)
      ? (body as Record<string, unknown>).entityId
      : undefined;
  return [
    first(query.entityId),
    first(query.entity_id),
    first(request.headers["x-entity-id"]),
    bodyEntity,
  ].find((value) => value !== undefined);
}

/**
 * Every Axiomatic request names its entity, and it must be the key's workspace: a key is scoped
 * to one entity, so naming another is refused rather than silently ignored.
 */
export function checkEntity(request: FastifyRequest): void {
  const given = presentedEntityId(request);
  if (given === undefined || given === "") {
    throw validationError(
      "entityId",
      "is required (query entityId or entity_id, header x-entity-id, or JSON body entityId)",
    );
  }
  if (typeof given !== "string" || !UUID.test(given)) throw validationError("entityId", "must be a UUID");
  if (given.toLowerCase() !== scopeOf(request).workspaceId.toLowerCase()) {
    throw new CoreError("FORBIDDEN", "does not match the API key's entity", "entityId");
  }
}

/**
 * The owner filter as the core takes it: a user id, null for `unassigned`, or "nobody" for `me`
 * (an API key acts for no user, so no record is the key's own).
 */
export function ownerFilter(value: string | undefined): string | null | undefined | "nobody" {
  if (value === undefined) return undefined;
  if (value === "unassigned") return null;
  if (value === "me") return "nobody";
  if (UUID.test(value)) return value.toLowerCase();
  throw validationError("ownerUserId", "must be a user UUID, me or unassigned");
}
