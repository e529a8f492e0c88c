/** Rules of custom-field definitions and of the values records store for them. */
import { validationError } from "../errors.js";
import { requireOneOf, requireText } from "../shared/validate.js";
import {
  CUSTOM_FIELD_ENTITY_TYPES,
  CUSTOM_FIELD_LIMITS,
  CUSTOM_FIELD_TYPES,
  type CustomFieldDefinition,
  type CustomFieldEntityType,
  type CustomFieldType,
  OPTION_FIELD_TYPES,
} from "./custom-field.types.js";

/** Spellings accepted for a field type besides its own name. */
const TYPE_ALIASES: Record<string, CustomFieldType> = { bool: "boolean" };

export function checkEntityType(field: string, value: unknown): CustomFieldEntityType {
  return requireOneOf(field, value, CUSTOM_FIELD_ENTITY_TYPES);
}

export function checkFieldType(value: unknown): CustomFieldType {
  const name = typeof value === "string" ? (TYPE_ALIASES[value] ?? value) : value;
  return requireOneOf("fieldType", name, CUSTOM_FIELD_TYPES);
}

export function checkKey(value: unknown): string {
  if (typeof value !== "string" || !CUSTOM_FIELD_LIMITS.keyPattern.test(value)) {
    throw validationError(
      "fieldKey",
      "must start with a lowercase letter and have at most 50 lowercase letters, digits or underscores",
    );
  }
  return value;
}

export const checkLabel = (value: unknown): string => requireText("label", value, CUSTOM_FIELD_LIMITS.label);

export function checkRequired(value: unknown): boolean {
  if (typeof value !== "boolean") throw validationError("required", "must be a boolean");
  return value;
}

/** Options are required (non-empty) for select and multiselect, and forbidden for other types. */
export function checkOptions(fieldType: CustomFieldType, value: unknown): string[] | null {
  const takesOptions = OPTION_FIELD_TYPES.includes(fieldType);
  if (value === undefined || value === null) {
    if (takesOptions) throw validationError("options", `are required for a ${fieldType} field`);
    return null;
  }
  if (!takesOptions) throw validationError("options", `are only allowed for select and multiselect fields`);
  if (!Array.isArray(value) || value.length === 0) {
    throw validationError("options", "must be a non-empty list of strings");
  }
  if (value.length > CUSTOM_FIELD_LIMITS.options) {
    throw validationError("options", `must have at most ${CUSTOM_FIELD_LIMITS.options} entries`);
  }
  const seen = new Set<string>();
  value.forEach((option, index) => {
    const text = requireText(`options.${index}`, option, CUSTOM_FIELD_LIMITS.option);
    if (seen.has(text)) throw validationError(`options.${index}`, `repeats "${text}"`);
    seen.add(text);
  });
  return [...seen];
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function isRealDate(text: string): boolean {
  const match = DATE.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/**
 * Checks one value against its definition and returns it normalised, or null when the value
 * removes the field (null, blank text, an empty multiselect).
 */
export function checkValue(definition: CustomFieldDefinition, value: unknown): unknown {
  const field = `customFields.${definition.key}`;
  if (value === null) return null;
  switch (definition.fieldType) {
    case "text": {
      if (typeof value !== "string") throw validationError(field, "must be a string");
      const text = value.trim();
      if (text.length > CUSTOM_FIELD_LIMITS.textValue) {
        throw validationError(field, `must be at most ${CUSTOM_FIELD_LIMITS.textValue} characters`);
      }
      return text === "" ? null : text;
    }
    case "number":
      if (typeof value !== "number" || !Number.isFinite(value))
        throw validationError(field, "must be a number");
      return value;
    case "date":
      if (typeof value !== "string" || !isRealDate(value)) {
        throw validationError(field, "must be a date in the form YYYY-MM-DD");
      }
      return value;
    case "boolean":
      if (typeof value !== "boolean") throw validationError(field, "must be a boolean");
      return value;
    case "select":
      if (typeof value !== "string" || !definition.options?.includes(value)) {
        throw validationError(field, `must be one of ${(definition.options ?? []).join(", ")}`);
      }
      return value;
    case "multiselect": {
      if (!Array.isArray(value)) throw validationError(field, "must be a list of options");
      const chosen = new Set<string>();
      for (const item of value) {
        if (typeof item !== "string" || !definition.options?.includes(item)) {
          throw validationError(field, `must contain only ${(definition.options ?? []).join(", ")}`);
        }
        chosen.add(item);
      }
      return chosen.size === 0 ? null : [...chosen];
    }
  }
}

/** Whether a stored value still has the shape of its (possibly re-created) definition's type. */
export function fitsType(fieldType: CustomFieldType, value: unknown): boolean {
  switch (fieldType) {
    case "text":
    case "select":
      return typeof value === "string";
    case "date":
      return typeof value === "string" && DATE.test(value);
    case "number":
      return typeof value === "number";
    case "boolean":
      return typeof value === "boolean";
    case "multiselect":
      return Array.isArray(value);
  }
}
