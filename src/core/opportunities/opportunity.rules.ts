/** Field rules of an opportunity, applied to every write whatever dialect it came through. */
import { checkCustomFieldsShape } from "../custom-fields/custom-field-values.js";
import { validationError } from "../errors.js";
import { checkCurrency, toMinor } from "../shared/money.js";
import { optionalText, requireOneOf, requireText } from "../shared/validate.js";
import { OPPORTUNITY_LIMITS, OPPORTUNITY_STATUSES, type OpportunityInput } from "./opportunity.types.js";

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar date written YYYY-MM-DD. */
export function checkDate(field: string, value: unknown): string {
  const match = typeof value === "string" ? DATE.exec(value) : null;
  if (match) {
    const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
    const date = new Date(Date.UTC(year, month - 1, day));
    if (date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day) {
      return value as string;
    }
  }
  throw validationError(field, "must be a real date written YYYY-MM-DD");
}

/** Normalises and checks the given fields (absent ones stay absent). */
export function checkOpportunityInput(input: OpportunityInput): OpportunityInput {
  const out: OpportunityInput = { ...input };
  if (input.name !== undefined) out.name = requireText("name", input.name, OPPORTUNITY_LIMITS.name);
  if (input.value !== undefined && input.value !== null) toMinor("value", input.value);
  if (input.currency !== undefined) out.currency = checkCurrency("currency", input.currency);
  if (input.probability !== undefined && input.probability !== null) {
    const p = input.probability;
    if (
      typeof p !== "number" ||
      !Number.isInteger(p) ||
      p < OPPORTUNITY_LIMITS.probabilityMin ||
      p > OPPORTUNITY_LIMITS.probabilityMax
    ) {
      throw validationError(
        "probability",
        `must be a whole number from ${OPPORTUNITY_LIMITS.probabilityMin} to ${OPPORTUNITY_LIMITS.probabilityMax}`,
      );
    }
  }
  if (input.expectedCloseDate !== undefined && input.expectedCloseDate !== null) {
    out.expectedCloseDate = checkDate("expectedCloseDate", input.expectedCloseDate);
  }
  if (input.status !== undefined) out.status = requireOneOf("status", input.status, OPPORTUNITY_STATUSES);
  if (input.closeReason !== undefined) {
    out.closeReason = optionalText("closeReason", input.closeReason, OPPORTUNITY_LIMITS.closeReason);
  }
  if (input.stage !== undefined && typeof input.stage !== "string") {
    throw validationError("stage", "must be a stage key");
  }
  checkCustomFieldsShape(input.customFields);
  return out;
}
