/**
 * CRMLead Pro's error body, one shape for every status (the document leaves errors "coming soon"):
 * `{"error": {"code": "validation_error", "message": "email: must be a valid email address", "field": "email"}}`.
 */
import { httpStatusOf, type Problem } from "../../errors.js";

const CODES: Record<Problem["code"], string> = {
  VALIDATION: "validation_error",
  UNAUTHENTICATED: "unauthorized",
  FORBIDDEN: "forbidden",
  NOT_FOUND: "not_found",
  DUPLICATE: "duplicate",
  CONFLICT: "conflict",
  PAYLOAD_TOO_LARGE: "payload_too_large",
  UNSUPPORTED_MEDIA_TYPE: "unsupported_media_type",
  RATE_LIMITED: "rate_limited",
  SERVER_ERROR: "internal_error",
};

/** Core field names this API spells differently (snake_case and its own names). */
const FIELD_NAMES: Record<string, string> = {
  firstName: "name",
  lastName: "name",
  assignee: "assigned_to",
  owner: "assigned_to",
  stageId: "pipeline_stage",
  companyName: "company",
  formType: "form_type",
  customFields: "custom_fields",
  company: "company_id",
  contact: "contact_id",
  lead: "lead_id",
  pipeline: "pipeline",
  expectedCloseDate: "expected_close_date",
  closeReason: "close_reason",
};

export const crmleadproField = (field: string): string =>
  FIELD_NAMES[field] ?? field.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

export function crmleadproError(problem: Problem) {
  const status = httpStatusOf(problem.code);
  const field = problem.field ? crmleadproField(problem.field) : null;
  const message =
    status === 500
      ? "internal server error"
      : problem.code === "UNAUTHENTICATED"
        ? "a valid API key is required: send Authorization: Bearer crmlp_live_…"
        : field
          ? `${field}: ${problem.detail}`
          : problem.detail;
  return { status, body: { error: { code: CODES[problem.code], message, field } } };
}
