/** What the inbox routes share: the typed app and their dependencies. */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from "fastify";
import type { Core } from "../../core/core.js";
import type { RateLimiter } from "../rate-limit/rate-limiter.js";

export type InboxApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

export interface InboxDeps {
  readonly core: Core;
  /** Counts login attempts (the process's shared limiter). */
  readonly limiter: RateLimiter;
}
