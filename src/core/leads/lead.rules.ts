/** Field rules of a lead, applied to every write whatever dialect it came through. */
import { validationError } from "../errors.js";
import { isEmail } from "../shared/validate.js";
import { LEAD_LIMITS, LEAD_STATUSES, type LeadInput } from "./lead.types.js";

function text(field: string, value: string | null | undefined, max: number): string | null | undefined {
  if (value === undefined || value === null) return value;
  if (typeof value !== "string") throw validationError(field, "must be a string");
  const trimmed = value.trim();
  if (trimmed.length > max) throw validationError(field, `must be at most ${max} characters`);
  return trimmed.length === 0 ? null : trimmed;
}

/** Normalises and checks the given fields (absent ones stay absent). */
export function checkLeadInput(input: LeadInput): LeadInput {
  const out: LeadInput = { ...input };
  out.firstName = text("firstName", input.firstName, LEAD_LIMITS.name);
  out.lastName = text("lastName", input.lastName, LEAD_LIMITS.name);
  out.email = text("email", input.email, LEAD_LIMITS.email);
  if (out.email && !isEmail(out.email)) throw validationError("email", "must be a valid email address");
  out.phone = text("phone", input.phone, LEAD_LIMITS.phone);
  if (out.phone && !/^[+0-9()\-.\s/x]{3,}$/i.test(out.phone)) {
    throw validationError("phone", "must be a phone number (digits, spaces and + ( ) - . only)");
  }
  out.companyName = text("companyName", input.companyName, LEAD_LIMITS.companyName);
  out.source = text("source", input.source, LEAD_LIMITS.source);
  out.formType = text("formType", input.formType, LEAD_LIMITS.formType);
  if (input.status !== undefined && !LEAD_STATUSES.includes(input.status)) {
    throw validationError("status", `must be one of ${LEAD_STATUSES.join(", ")}`);
  }
  if (input.score !== undefined && input.score !== null) {
    if (
      !Number.isInteger(input.score) ||
      input.score < LEAD_LIMITS.scoreMin ||
      input.score > LEAD_LIMITS.scoreMax
    ) {
      throw validationError(
        "score",
        `must be a whole number from ${LEAD_LIMITS.scoreMin} to ${LEAD_LIMITS.scoreMax}`,
      );
    }
  }
  if (input.rawPayload !== undefined && input.rawPayload !== null) {
    if (typeof input.rawPayload !== "object" || Array.isArray(input.rawPayload)) {
      throw validationError("rawPayload", "must be an object");
    }
    if (Buffer.byteLength(JSON.stringify(input.rawPayload)) > LEAD_LIMITS.rawPayloadBytes) {
      throw validationError("rawPayload", `must be at most ${LEAD_LIMITS.rawPayloadBytes} bytes of JSON`);
    }
  }
  if (input.customFields !== undefined) {
    // The values themselves are checked against the definitions inside the write's transaction.
    if (
      input.customFields === null ||
      typeof input.customFields !== "object" ||
      Array.isArray(input.customFields)
    ) {
      throw validationError("customFields", "must be an object");
    }
  }
  return out;
}
