/** Maps every problem to the inbox API's status and `{"error":"<field>: <message>"}` body. */
import type { FastifyReply, FastifyRequest } from "fastify";
import { httpStatusOf, type Problem, toProblem } from "../errors.js";

/** Core field names the inbox API spells differently; the rest only change case. */
const FIELD_NAMES: Record<string, string> = {
  assignee: "user_id",
  userId: "user_id",
  authorUserId: "user_id",
};

const inboxField = (field: string) =>
  FIELD_NAMES[field] ?? field.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

export function inboxError(problem: Problem): { status: number; message: string } {
  const status = httpStatusOf(problem.code);
  if (status === 500) return { status, message: "internal server error" };
  return {
    status,
    message: problem.field ? `${inboxField(problem.field)}: ${problem.detail}` : problem.detail,
  };
}

export function sendInboxError(request: FastifyRequest, reply: FastifyReply, error: unknown) {
  const problem = toProblem(error);
  if (problem.unexpected) request.log.error({ err: problem.unexpected }, "request failed");
  const { status, message } = inboxError(problem);
  return reply.code(status).type("application/json").send({ error: message, request_id: request.id });
}
