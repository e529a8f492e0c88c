/** Field checks in Django REST Framework's words, as the document lists them per endpoint. */
import type { FieldErrors } from "./envelope.js";

export const MESSAGES = {
  required: "This field is required.",
  blank: "This field may not be blank.",
  /** The document's own wording on the appointment endpoints. */
  blankTypo: "This field is may not be blank.",
  maxLength: (max: number) => `Ensure this field has no more than ${max} characters.`,
  email: "Invalid email.",
  phone: "Phone number must be entered in the format: '999999999'. Up to 15 digits allowed.",
  choice: (value: string) => `${value} is not a valid choice.`,
  integer: "A valid integer is required.",
} as const;

export const PHONE_PATTERN = /^\+?\d{1,15}$/;
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * A required text field: absent → required, blank → blank, too long → max length. Returns the
 * trimmed value when it passes, else undefined (the error is collected).
 */
export function requiredText(
  errors: FieldErrors,
  body: Record<string, string>,
  field: string,
  max: number,
  blank: string = MESSAGES.blank,
): string | undefined {
  const raw = body[field];
  if (raw === undefined) {
    errors.add(field, MESSAGES.required);
    return undefined;
  }
  const value = raw.trim();
  if (value === "") {
    errors.add(field, blank);
    return undefined;
  }
  if (value.length > max) {
    errors.add(field, MESSAGES.maxLength(max));
    return undefined;
  }
  return value;
}

/** An optional text field: absent → undefined, blank → null (cleared), too long → max length. */
export function optionalText(
  errors: FieldErrors,
  body: Record<string, string>,
  field: string,
  max: number,
): string | null | undefined {
  const raw = body[field];
  if (raw === undefined) return undefined;
  const value = raw.trim();
  if (value === "") return null;
  if (value.length > max) {
    errors.add(field, MESSAGES.maxLength(max));
    return undefined;
  }
  return value;
}

export const isEmail = (value: string) => EMAIL_PATTERN.test(value);

/** A positive integer id as text (`note_id`, `appointment_id`), else null. */
export function positiveInteger(value: string): number | null {
  if (!/^\d{1,15}$/.test(value.trim())) return null;
  const number = Number(value.trim());
  return number >= 1 && number <= 2_147_483_647 ? number : null;
}
