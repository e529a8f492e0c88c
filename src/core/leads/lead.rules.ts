/** Field rules of a lead, applied to every write whatever dialect it came through. */
import { checkCustomFieldsShape } from "../custom-fields/custom-field-values.js";
import { validationError } from "../errors.js";
import { checkCurrency, toMinor } from "../shared/money.js";
import { normaliseEmail, normalisePhone, normaliseText } from "../shared/validate.js";
import { checkTags } from "../tags/tags.js";
import { LEAD_LIMITS, LEAD_STATUSES, type LeadInput, type LeadStageRef } from "./lead.types.js";

/** Normalises and checks the given fields (absent ones stay absent). */
export function checkLeadInput(input: LeadInput): LeadInput {
  const out: LeadInput = { ...input };
  out.firstName = normaliseText("firstName", input.firstName, LEAD_LIMITS.name);
  out.lastName = normaliseText("lastName", input.lastName, LEAD_LIMITS.name);
  out.email = normaliseEmail("email", input.email, LEAD_LIMITS.email);
  out.phone = normalisePhone("phone", input.phone, LEAD_LIMITS.phone);
  out.companyName = normaliseText("companyName", input.companyName, LEAD_LIMITS.companyName);
  out.source = normaliseText("source", input.source, LEAD_LIMITS.source);
  out.formType = normaliseText("formType", input.formType, LEAD_LIMITS.formType);
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
  out.title = normaliseText("title", input.title, LEAD_LIMITS.title);
  if (input.value !== undefined && input.value !== null) toMinor("value", input.value);
  if (input.currency !== undefined) out.currency = checkCurrency("currency", input.currency);
  checkRecordRef("company", input.company);
  checkRecordRef("contact", input.contact);
  if (input.stage !== undefined) checkStageRef(input.stage);
  if (input.tags !== undefined) out.tags = input.tags === null ? [] : checkTags("tags", input.tags);
  checkCustomFieldsShape(input.customFields);
  return out;
}

function checkRecordRef(field: string, ref: { id: string } | null | undefined): void {
  if (ref === undefined || ref === null) return;
  if (typeof ref !== "object" || typeof ref.id !== "string" || ref.id.length === 0) {
    throw validationError(`${field}Id`, "must be an id");
  }
}

function checkStageRef(ref: LeadStageRef): void {
  const value = ref && typeof ref === "object" ? Object.values(ref)[0] : undefined;
  if (typeof value !== "string" || value.trim().length === 0)
    throw validationError("stage", "must name a stage");
}
