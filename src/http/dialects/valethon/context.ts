/** What the Valethon routes share: the typed app, the caller's scope, query-value parsing. */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type {
  FastifyBaseLogger,
  FastifyInstance,
  FastifyRequest,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from "fastify";
import type { Core, Scope } from "../../../core/core.js";
import { CoreError, validationError } from "../../../core/errors.js";

export type ValethonApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

export interface ValethonDeps {
  readonly core: Core;
}

export function scopeOf(request: FastifyRequest): Scope {
  const principal = request.principal;
  if (!principal) throw new CoreError("UNAUTHENTICATED", "a valid API key is required");
  return { workspaceId: principal.workspaceId, actor: principal.keyId };
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

/** An ISO 8601 date (`2026-03-10`, midnight UTC) or date-time, as a stored time for comparisons. */
export function parseTimeFilter(field: string, value: string | undefined): string | undefined {
  if (value === undefined || value === "") return undefined;
  const date = DATE_ONLY.test(value)
    ? new Date(`${value}T00:00:00Z`)
    : DATE_TIME.test(value)
      ? new Date(value)
      : null;
  if (!date || Number.isNaN(date.getTime())) {
    throw validationError(field, "must be an ISO 8601 date or date-time such as 2026-03-10T14:30:00Z");
  }
  return date.toISOString();
}
