/** Maps every problem to the inbox API's status and `{"error":"<field>: <message>"}` body. */
import type { FastifyReply, FastifyRequest } from "fastify";
import { assertUnreachable } from "../../core/errors.js";
import { type Problem, toProblem } from "../errors.js";

/** Core field names the inbox API spells differently; the rest only change case. */
const FIELD_NAMES: Record<string, string> = {
  assignee: "user_id",
  userId: "user_id",
  authorUserId: "user_id",
};

const inboxField = (field: string) =>
  FIELD_NAMES[field] ?? field.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

export function inboxError(problem: Problem): { status: number; message: string } {
  const message = problem.field ? `${inboxField(problem.field)}: ${problem.detail}` : problem.detail;
  switch (problem.code) {
    case "VALIDATION":
      return { status: 400, message };
    case "PAYLOAD_TOO_LARGE":
      return { status: 413, message };
    case "UNSUPPORTED_MEDIA_TYPE":
      return { status: 415, message };
    case "UNAUTHENTICATED":
      return { status: 401, message };
    case "FORBIDDEN":
      return { status: 403, message };
    case "NOT_FOUND":
      return { status: 404, message };
    case "DUPLICATE":
    case "CONFLICT":
      return { status: 409, message };
    case "RATE_LIMITED":
      return { status: 429, message };
    case "SERVER_ERROR":
      return { status: 500, message: "internal server error" };
    default:
      return assertUnreachable(problem.code);
  }
}

export function sendInboxError(request: FastifyRequest, reply: FastifyReply, error: unknown) {
  const problem = toProblem(error);
  if (problem.unexpected) request.log.error({ err: problem.unexpected }, "request failed");
  const { status, message } = inboxError(problem);
  return reply.code(status).type("application/json").send({ error: message, request_id: request.id });
}
