/** Maps every problem to Valethon's documented status and error code. */
import { assertUnreachable } from "../../../core/errors.js";
import type { Problem } from "../../errors.js";
import type { ValethonErrorCode } from "./envelope.js";

/**
 * Core field names that Valethon spells differently; the rest only change case. One table for
 * every route: a core name means the same thing whichever record it is on (a company is always a
 * Valethon prospect account, an owner or assignee always `assigned_to`), so no Valethon request
 * field may share a name with a key here.
 */
const FIELD_NAMES: Record<string, string> = {
  assignee: "assigned_to",
  owner: "assigned_to",
  company: "prospect_id",
  primaryCompany: "prospect_id",
  contact: "contact_id",
  pipeline: "pipeline_id",
  createCompany: "create_prospect",
};

export function valethonField(field: string): string {
  return FIELD_NAMES[field] ?? field.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

export function valethonError(problem: Problem): {
  status: number;
  code: ValethonErrorCode;
  message: string;
} {
  const message = problem.field ? `${valethonField(problem.field)}: ${problem.detail}` : problem.detail;
  switch (problem.code) {
    case "VALIDATION":
      return { status: 400, code: "VALIDATION_ERROR", message };
    case "PAYLOAD_TOO_LARGE":
      return { status: 413, code: "VALIDATION_ERROR", message };
    case "UNSUPPORTED_MEDIA_TYPE":
      return { status: 415, code: "VALIDATION_ERROR", message };
    case "UNAUTHENTICATED":
      return { status: 401, code: "AUTH_REQUIRED", message: "Missing or invalid API key" };
    case "FORBIDDEN":
      return { status: 403, code: "FORBIDDEN", message };
    case "NOT_FOUND":
      return { status: 404, code: "NOT_FOUND", message };
    case "DUPLICATE":
      return { status: 409, code: "DUPLICATE", message };
    case "CONFLICT":
      return { status: 409, code: "CONFLICT", message };
    case "RATE_LIMITED":
      return { status: 429, code: "RATE_LIMITED", message };
    case "SERVER_ERROR":
      return { status: 500, code: "SERVER_ERROR", message: "Internal server error" };
    default:
      return assertUnreachable(problem.code);
  }
}
