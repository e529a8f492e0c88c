/** Field rules of a company, applied to every write whatever dialect it came through. */
import { checkCustomFieldsShape } from "../custom-fields/custom-field-values.js";
import { validationError } from "../errors.js";
import { normaliseEmail, normalisePhone, normaliseText, requireOneOf } from "../shared/validate.js";
import {
  COMPANY_LIMITS,
  COMPANY_RELATIONSHIPS,
  COMPANY_STATUSES,
  type CompanyInput,
} from "./company.types.js";

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
    const name = normaliseText("name", input.name, COMPANY_LIMITS.name);
    if (!name) throw validationError("name", "must not be empty");
    out.name = name;
  }
  out.industry = normaliseText("industry", input.industry, COMPANY_LIMITS.industry);
  out.website = normaliseText("website", input.website, COMPANY_LIMITS.website);
  if (out.website && !isWebsite(out.website)) {
    throw validationError("website", "must be a web address such as https://example.com");
  }
  out.phone = normalisePhone("phone", input.phone, COMPANY_LIMITS.phone);
  out.email = normaliseEmail("email", input.email, COMPANY_LIMITS.email);
  out.notes = normaliseText("notes", input.notes, COMPANY_LIMITS.notes);
  if (input.status !== undefined) requireOneOf("status", input.status, COMPANY_STATUSES);
  if (input.relationship !== undefined)
    requireOneOf("relationship", input.relationship, COMPANY_RELATIONSHIPS);
  checkCustomFieldsShape(input.customFields);
  return out;
}
