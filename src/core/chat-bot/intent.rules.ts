/** Checks of bot-intent input; each failure is a validation error naming the field. */
import { validationError } from "../errors.js";
import { requireText } from "../shared/validate.js";
import type { BotIntentInput } from "./intent.types.js";
import { INTENT_LIMITS } from "./intent.types.js";
import { normalizeForMatching } from "./intent-matching.js";

/** The checked values of the fields given (absent fields stay absent). */
export interface CheckedIntentInput {
  name?: string;
  keywords?: string[];
  phrases?: string[];
  reply?: string;
  suggestedActions?: string[];
  priority?: number;
  enabled?: boolean;
}

function textList(field: string, value: unknown, max: number, maxItems: number): string[] {
  if (!Array.isArray(value)) throw validationError(field, "must be a list of strings");
  const out: string[] = [];
  const seen = new Set<string>();
  value.forEach((item, index) => {
    if (typeof item !== "string") throw validationError(`${field}[${index}]`, "must be a string");
    const text = item.trim();
    if (text === "") return;
    if (text.length > max) throw validationError(`${field}[${index}]`, `must be at most ${max} characters`);
    const key = text.toLowerCase();
    if (seen.has(key)) return;
    seen.add(key);
    out.push(text);
  });
  if (out.length > maxItems) throw validationError(field, `must have at most ${maxItems} entries`);
  return out;
}

/** Terms must contain a letter or digit, or they could never match anything. */
function termList(field: string, value: unknown): string[] {
  const terms = textList(field, value, INTENT_LIMITS.term, INTENT_LIMITS.termsPerList);
  terms.forEach((term, index) => {
    if (normalizeForMatching(term) === "") {
      throw validationError(`${field}[${index}]`, "must contain a letter or a digit");
    }
  });
  return terms;
}

export function checkIntentInput(input: BotIntentInput): CheckedIntentInput {
  const out: CheckedIntentInput = {};
  if (input.name !== undefined) out.name = requireText("name", input.name, INTENT_LIMITS.name);
  if (input.keywords !== undefined) out.keywords = termList("keywords", input.keywords);
  if (input.phrases !== undefined) out.phrases = termList("phrases", input.phrases);
  if (input.reply !== undefined) out.reply = requireText("reply", input.reply, INTENT_LIMITS.reply);
  if (input.suggestedActions !== undefined) {
    out.suggestedActions = textList(
      "suggestedActions",
      input.suggestedActions,
      INTENT_LIMITS.action,
      INTENT_LIMITS.actions,
    );
  }
  if (input.priority !== undefined) {
    const priority = input.priority;
    if (
      typeof priority !== "number" ||
      !Number.isInteger(priority) ||
      priority < INTENT_LIMITS.priorityMin ||
      priority > INTENT_LIMITS.priorityMax
    ) {
      throw validationError(
        "priority",
        `must be a whole number from ${INTENT_LIMITS.priorityMin} to ${INTENT_LIMITS.priorityMax}`,
      );
    }
    out.priority = priority;
  }
  if (input.enabled !== undefined) {
    if (typeof input.enabled !== "boolean") throw validationError("enabled", "must be true or false");
    out.enabled = input.enabled;
  }
  return out;
}
