/** Field rules of a contact, applied to every write whatever dialect it came through. */
import { checkCustomFieldsShape } from "../custom-fields/custom-field-values.js";
import { validationError } from "../errors.js";
import { isEmail } from "../shared/validate.js";
import { checkTags } from "../tags/tags.js";
import { CONTACT_LIMITS, type ContactInput } from "./contact.types.js";

function text(field: string, value: string | null | undefined, max: number): string | null | undefined {
  if (value === undefined || value === null) return value;
  if (typeof value !== "string") throw validationError(field, "must be a string");
  const trimmed = value.trim();
  if (trimmed.length > max) throw validationError(field, `must be at most ${max} characters`);
  return trimmed.length === 0 ? null : trimmed;
}

/** Normalises and checks the given fields (absent ones stay absent). */
export function checkContactInput(input: ContactInput): ContactInput {
  const out: ContactInput = { ...input };
  out.firstName = text("firstName", input.firstName, CONTACT_LIMITS.name);
  out.lastName = text("lastName", input.lastName, CONTACT_LIMITS.name);
  out.email = text("email", input.email, CONTACT_LIMITS.email);
  if (out.email && !isEmail(out.email)) throw validationError("email", "must be a valid email address");
  out.phone = text("phone", input.phone, CONTACT_LIMITS.phone);
  if (out.phone && !/^[+0-9()\-.\s/x]{3,}$/i.test(out.phone)) {
    throw validationError("phone", "must be a phone number (digits, spaces and + ( ) - . only)");
  }
  out.title = text("title", input.title, CONTACT_LIMITS.title);
  out.role = text("role", input.role, CONTACT_LIMITS.role);
  if (input.tags !== undefined) out.tags = input.tags === null ? [] : checkTags("tags", input.tags);
  checkCustomFieldsShape(input.customFields);
  return out;
}

/** A contact must be named somehow: by a first name, a last name or an email. */
export function assertIdentifiable(contact: Pick<ContactInput, "firstName" | "lastName" | "email">): void {
  if (!contact.firstName && !contact.lastName && !contact.email) {
    throw validationError("firstName", "a first name, a last name or an email is required");
  }
}
