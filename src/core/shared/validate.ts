/** Small checks shared by the core's services; each throws a VALIDATION error naming the field. */
import { validationError } from "../errors.js";

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const isEmail = (value: string): boolean => EMAIL_PATTERN.test(value) && value.length <= 254;

export function requireText(
  field: string,
  value: unknown,
  max: number,
  options: { min?: number } = {},
): string {
  if (typeof value !== "string") throw validationError(field, "must be a string");
  const text = value.trim();
  if (text.length < (options.min ?? 1)) throw validationError(field, "must not be empty");
  if (text.length > max) throw validationError(field, `must be at most ${max} characters`);
  return text;
}

/**
 * A field of a partial input, trimmed: blank text becomes null, while undefined (absent) and null
 * pass through as they are.
 */
export function normaliseText(field: string, value: unknown, max: number): string | null | undefined {
  if (value === undefined || value === null) return value;
  if (typeof value !== "string") throw validationError(field, "must be a string");
  const text = value.trim();
  if (text.length > max) throw validationError(field, `must be at most ${max} characters`);
  return text.length === 0 ? null : text;
}

export function optionalText(field: string, value: unknown, max: number): string | null {
  return normaliseText(field, value, max) ?? null;
}

/** `normaliseText` of an email address: when given, it must be a valid one. */
export function normaliseEmail(field: string, value: unknown, max: number): string | null | undefined {
  const email = normaliseText(field, value, max);
  if (email && !isEmail(email)) throw validationError(field, "must be a valid email address");
  return email;
}

const PHONE_PATTERN = /^[+0-9()\-.\s/x]{3,}$/i;

/** `normaliseText` of a phone number: when given, only digits, spaces and + ( ) - . / x. */
export function normalisePhone(field: string, value: unknown, max: number): string | null | undefined {
  const phone = normaliseText(field, value, max);
  if (phone && !PHONE_PATTERN.test(phone)) {
    throw validationError(field, "must be a phone number (digits, spaces and + ( ) - . only)");
  }
  return phone;
}

export function requireEmail(field: string, value: unknown): string {
  const email = requireText(field, value, 254);
  if (!isEmail(email)) throw validationError(field, "must be a valid email address");
  return email;
}

export function requireOneOf<T extends string>(field: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== "string" || !(allowed as readonly string[]).includes(value)) {
    throw validationError(field, `must be one of ${allowed.join(", ")}`);
  }
  return value as T;
}

const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
export function requireSlug(field: string, value: unknown): string {
  if (typeof value !== "string" || !SLUG_PATTERN.test(value)) {
    throw validationError(
      field,
      "must be 1-63 lowercase letters, digits or dashes, not starting or ending with a dash",
    );
  }
  return value;
}

/** Lower-case, dash-separated text made from a name (`Acme Corp` → `acme-corp`). */
export function slugify(text: string): string {
  return (
    text
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 63)
      .replace(/-+$/, "") || "workspace"
  );
}
