/**
 * Sorts whatever a request failed with into a closed set of problems that every dialect renders
 * in its own documented error body. Nothing of an unexpected error (stack, SQL, ids) leaves here.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { assertUnreachable, CoreError, type CoreErrorCode, isCoreError } from "../core/errors.js";
import { describeValidationError } from "./validation.js";

export type ProblemCode = CoreErrorCode | "PAYLOAD_TOO_LARGE" | "UNSUPPORTED_MEDIA_TYPE" | "SERVER_ERROR";

export interface Problem {
  code: ProblemCode;
  /** Readable text without the field name; the dialect prefixes its own name for the field. */
  detail: string;
  field?: string;
  /** Set when the error was not expected: the dialect logs it and answers a bare SERVER_ERROR. */
  unexpected?: unknown;
}

export function toProblem(error: unknown): Problem {
  if (isCoreError(error)) {
    return { code: error.code, detail: error.detail, ...(error.field ? { field: error.field } : {}) };
  }
  const fastifyError = error as Partial<FastifyError> & { validationContext?: string };
  if (fastifyError?.validation) {
    const { field, message } = describeValidationError(
      fastifyError.validation as any,
      fastifyError.validationContext,
    );
    return { code: "VALIDATION", field, detail: message };
  }
  switch (fastifyError?.code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return { code: "PAYLOAD_TOO_LARGE", field: "body", detail: "the request body is too large" };
    case "FST_ERR_CTP_INVALID_JSON_BODY":
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return { code: "VALIDATION", field: "body", detail: "must be valid JSON" };
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
    case "FST_ERR_CTP_INVALID_CONTENT_LENGTH":
      return {
        code: "UNSUPPORTED_MEDIA_TYPE",
        field: "body",
        detail: "unsupported content type; send application/json",
      };
  }
  // Errors raised by Fastify's own parsers for malformed requests carry a 4xx status.
  if (
    typeof fastifyError?.statusCode === "number" &&
    fastifyError.statusCode >= 400 &&
    fastifyError.statusCode < 500
  ) {
    return { code: "VALIDATION", field: "request", detail: "malformed request" };
  }
  return { code: "SERVER_ERROR", detail: "internal server error", unexpected: error };
}

/** The plain HTTP status of a problem, for the surfaces whose error body is just `{"error"}`. */
export function httpStatusOf(code: ProblemCode): number {
  switch (code) {
    case "VALIDATION":
      return 400;
    case "UNAUTHENTICATED":
      return 401;
    case "FORBIDDEN":
      return 403;
    case "NOT_FOUND":
      return 404;
    case "DUPLICATE":
    case "CONFLICT":
      return 409;
    case "PAYLOAD_TOO_LARGE":
      return 413;
    case "UNSUPPORTED_MEDIA_TYPE":
      return 415;
    case "RATE_LIMITED":
      return 429;
    case "SERVER_ERROR":
      return 500;
    default:
      return assertUnreachable(code);
  }
}

type SendError = (request: FastifyRequest, reply: FastifyReply, error: unknown) => unknown;

/** A dialect's failures and unknown paths both answered by its own error renderer. */
export function answerErrorsWith(app: FastifyInstance, sendError: SendError): void {
  app.setErrorHandler((error, request, reply) => sendError(request, reply, error));
  app.setNotFoundHandler((request, reply) =>
    sendError(
      request,
      reply,
      new CoreError("NOT_FOUND", `no endpoint ${request.method} ${request.url.split("?")[0]}`),
    ),
  );
}
