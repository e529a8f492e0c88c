/**
 * The Developer API's error body (the document lists status codes only): one small object,
 * `{"error": "Unauthorized"}`, whose text is fixed per status except for validation errors, which
 * name the parameter (`{"error": "companyId must be a UUID"}`).
 */
import { assertUnreachable } from "../../../core/errors.js";
import { httpStatusOf, type Problem } from "../../errors.js";

function messageOf(problem: Problem): string {
  switch (problem.code) {
    case "VALIDATION":
      return problem.field ? `${problem.field} ${problem.detail}` : problem.detail;
    case "UNAUTHENTICATED":
      return "Unauthorized";
    case "FORBIDDEN":
      return "Forbidden";
    case "NOT_FOUND":
      return "Not found";
    case "DUPLICATE":
    case "CONFLICT":
      return "Conflict";
    case "PAYLOAD_TOO_LARGE":
      return "Payload too large";
    case "UNSUPPORTED_MEDIA_TYPE":
      return "Unsupported media type";
    case "RATE_LIMITED":
      return "Too many requests";
    case "SERVER_ERROR":
      return "Internal server error";
    default:
      return assertUnreachable(problem.code);
  }
}

export function devapiError(problem: Problem): { status: number; body: { error: string } } {
  return { status: httpStatusOf(problem.code), body: { error: messageOf(problem) } };
}
