/** Field rules of a contact, applied to every write whatever dialect it came through. */
import { checkCustomFieldsShape } from "../custom-fields/custom-field-values.js";
import { validationError } from "../errors.js";
import { normaliseEmail, normalisePhone, normaliseText } from "../shared/validate.js";
import { checkTags } from "../tags/tags.js";
import { CONTACT_LIMITS, type ContactInput } from "./contact.types.js";

/** Normalises and checks the given fields (absent ones stay absent). */
export function checkContactInput(input: ContactInput): ContactInput {
  const out: ContactInput = { ...input };
  out.firstName = normaliseText("firstName", input.firstName, CONTACT_LIMITS.name);
  out.lastName = normaliseText("lastName", input.lastName, CONTACT_LIMITS.name);
  out.email = normaliseEmail("email", input.email, CONTACT_LIMITS.email);
  out.phone = normalisePhone("phone", input.phone, CONTACT_LIMITS.phone);
  out.title = normaliseText("title", input.title, CONTACT_LIMITS.title);
  out.role = normaliseText("role", input.role, CONTACT_LIMITS.role);
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
