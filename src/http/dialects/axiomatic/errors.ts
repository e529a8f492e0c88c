/** Maps every problem to Axiomatic's status codes and its one error body, `{"error": "…"}`. */
import { httpStatusOf, type Problem } from "../../errors.js";

/**
 * Core field names that Axiomatic spells differently; the rest are already camelCase. The core's
 * `relationship` is a company's `role` here; an outbound email's `html` is `htmlBody`; a stage's
 * `probability`, `color`, `key` and `position` are `defaultProbabilityPct`, `colorKey`, `systemKey`
 * and `sortOrder`. (A membership's `title` is the core's `role`, but its
 * bounds are checked by the route schema, so the core never names it.)
 */
const FIELD_NAMES: Record<string, string> = {
  assignee: "ownerUserId",
  owner: "ownerUserId",
  company: "companyId",
  contact: "contactId",
  html: "htmlBody",
  // Stages of the lead board.
  probability: "defaultProbabilityPct",
  color: "colorKey",
  key: "systemKey",
  position: "sortOrder",
  moveTo: "moveLeadsToStageId",
  stage: "stageId",
  primaryCompany: "companyId",
  relationship: "role",
};

export const axiomaticField = (field: string): string => FIELD_NAMES[field] ?? field;

export function axiomaticError(problem: Problem): { status: number; message: string } {
  const status = httpStatusOf(problem.code);
  if (status === 500) return { status, message: "internal server error" };
  if (problem.code === "UNAUTHENTICATED")
    return { status, message: "a valid API key is required: send Authorization: Bearer ak_… or x-api-key" };
  return {
    status,
    message: problem.field ? `${axiomaticField(problem.field)}: ${problem.detail}` : problem.detail,
  };
}
