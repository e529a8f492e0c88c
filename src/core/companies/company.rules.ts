/** Field rules of a company, applied to every write whatever dialect it came through. */
import { checkCustomFieldsShape } from "../custom-fields/custom-field-values.js";
import { validationError } from "../errors.js";
import { isEmail, requireOneOf } from "../shared/validate.js";
import {
  COMPANY_LIMITS,
  COMPANY_RELATIONSHIPS,
  COMPANY_STATUSES,
  type CompanyInput,
} from "./company.types.js";

function text(field: string, value: string | null | undefined, max: number): string | null | undefined {
  if (value === undefined || value === null) return value;
  if (typeof value !== "string") throw validationError(field, "must be a string");
  const trimmed = value.trim();
  if (trimmed.length > max) throw validationError(field, `must be at most ${max} characters`);
  return trimmed.length === 0 ? null : trimmed;
}

/** A web address: http(s) with a host. A bare domain (`acme.com`) is accepted as https. */
function isWebsite(value: string): boolean {
  if (/\s/.test(value)) return false;
  const candidate = /^[a-z][a-z0-9+.-]*:/i.test(value) ? value : `https://${value}`;
  try {
    const url = new URL(candidate);
    return (url.protocol === "http:" || url.protocol === "https:") && url.hostname.includes(".");
  } catch {
    return false;
  }
}

/** Normalises and checks the given fields (absent ones stay absent). */
export function checkCompanyInput(input: CompanyInput): CompanyInput {
  const out: CompanyInput = { ...input };
  if (input.name !== undefined) {
    const name = text("name", input.name, COMPANY_LIMITS.name);
    if (!name) throw validationError("name", "must not be empty");
    out.name = name;
  }
  out.industry = text("industry", input.industry, COMPANY_LIMITS.industry);
  out.website = text("website", input.website, COMPANY_LIMITS.website);
  if (out.website && !isWebsite(out.website)) {
    throw validationError("website", "must be a web address such as https://example.com");
  }
  out.phone = text("phone", input.phone, COMPANY_LIMITS.phone);
  if (out.phone && !/^[+0-9()\-.\s/x]{3,}$/i.test(out.phone)) {
    throw validationError("phone", "must be a phone number (digits, spaces and + ( ) - . only)");
  }
  out.email = text("email", input.email, COMPANY_LIMITS.email);
  if (out.email && !isEmail(out.email)) throw validationError("email", "must be a valid email address");
  out.notes = text("notes", input.notes, COMPANY_LIMITS.notes);
  if (input.status !== undefined) requireOneOf("status", input.status, COMPANY_STATUSES);
  if (input.relationship !== undefined)
    requireOneOf("relationship", input.relationship, COMPANY_RELATIONSHIPS);
  checkCustomFieldsShape(input.customFields);
  return out;
}
