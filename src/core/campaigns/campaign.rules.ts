/**
 * Campaign rules without a database: checking the audience and the message, normalising
 * addresses, and rendering the {{…}} placeholders for one recipient.
 */
import { validationError } from "../errors.js";
import { isEmail } from "../shared/validate.js";
import { checkTags } from "../tags/tags.js";
import { CAMPAIGN_LIMITS, type CampaignAudience, type RecordId } from "./campaign.types.js";

/** The placeholders a subject, a body or a template parameter may use. */
export const PLACEHOLDERS = ["name", "first_name", "email", "phone", "unsubscribe_url"] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];
export type RecipientVariables = Partial<Record<Placeholder, string>>;

const PLACEHOLDER = /\{\{\s*([a-z_]+)\s*\}\}/g;

/** A lower-cased email address, or null when the value is not one. */
export function normaliseEmailAddress(value: string | null | undefined): string | null {
  if (typeof value !== "string") return null;
  const email = value.trim().toLowerCase();
  return email !== "" && isEmail(email) ? email : null;
}

/**
 * A phone number in E.164 (`+` and 8 to 15 digits), or null. Spaces and punctuation
 * (`-`, `.`, `(`, `)`, `/`) are dropped and a leading `00` becomes `+`. A number without `+` is
 * completed with `defaultCountryCode` (its trunk `0` dropped) when one is given, else null.
 */
export function normalisePhoneE164(
  value: string | null | undefined,
  defaultCountryCode?: string,
): string | null {
  if (typeof value !== "string") return null;
  let phone = value.trim().replace(/[\s\-.()/\u00a0]/g, "");
  if (phone.startsWith("00")) phone = `+${phone.slice(2)}`;
  if (!phone.startsWith("+")) {
    if (!defaultCountryCode || !/^\d+$/.test(phone)) return null;
    phone = `+${defaultCountryCode}${phone.replace(/^0/, "")}`;
  }
  return /^\+[1-9]\d{7,14}$/.test(phone) ? phone : null;
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/** Whether a template uses the placeholder (spaces inside the braces allowed). */
export function usesPlaceholder(template: string, name: Placeholder): boolean {
  return [...template.matchAll(PLACEHOLDER)].some((match) => match[1] === name);
}

/**
 * The template with each known placeholder replaced by the recipient's value ("" when it has
 * none), HTML-escaped when `html`. Unknown placeholders are left as written.
 */
export function render(template: string, values: RecipientVariables, html: boolean): string {
  return template.replace(PLACEHOLDER, (whole, key: string) => {
    if (!(PLACEHOLDERS as readonly string[]).includes(key)) return whole;
    const value = values[key as Placeholder] ?? "";
    return html ? escapeHtml(value) : value;
  });
}

/** The placeholder values of a person (the unsubscribe link is added when sending). */
export function recipientVariables(person: {
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phone: string | null;
}): RecipientVariables {
  const name = [person.firstName, person.lastName]
    .map((part) => part?.trim())
    .filter(Boolean)
    .join(" ");
  return {
    name,
    first_name: person.firstName?.trim() ?? "",
    email: person.email ?? "",
    phone: person.phone ?? "",
  };
}

function checkRecordId(field: string, value: unknown): RecordId {
  if (typeof value === "number" && Number.isInteger(value) && value > 0) return value;
  if (typeof value === "string" && value.trim() !== "") return value.trim();
  throw validationError(field, "must be a record id (a UUID or a number)");
}

function checkIds(field: string, value: unknown): RecordId[] {
  if (!Array.isArray(value)) throw validationError(field, "must be a list of ids");
  if (value.length > CAMPAIGN_LIMITS.idsPerAudience) {
    throw validationError(field, `must have at most ${CAMPAIGN_LIMITS.idsPerAudience} ids`);
  }
  return value.map((id, index) => checkRecordId(`${field}[${index}]`, id));
}

function optionalFilterText(field: string, value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string" || value.trim() === "")
    throw validationError(field, "must be a non-empty string");
  return value.trim();
}

/**
 * The audience checked and cleaned (field names like `audience.leadIds[2]`). At least one part
 * must be given; an empty `leadFilter` ({}) means every live lead.
 */
export function checkAudience(value: unknown): CampaignAudience {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw validationError("audience", "is required (listId, tags, leadFilter, leadIds or contactIds)");
  }
  const raw = value as Record<string, unknown>;
  const audience: CampaignAudience = {};
  if (raw.listId !== undefined && raw.listId !== null)
    audience.listId = checkRecordId("audience.listId", raw.listId);
  if (raw.tags !== undefined && raw.tags !== null) {
    const tags = checkTags("audience.tags", raw.tags);
    if (tags.length === 0) throw validationError("audience.tags", "must name at least one tag");
    audience.tags = tags;
  }
  if (raw.leadFilter !== undefined && raw.leadFilter !== null) {
    if (typeof raw.leadFilter !== "object" || Array.isArray(raw.leadFilter)) {
      throw validationError("audience.leadFilter", "must be an object of status, source and stageKey");
    }
    const filter = raw.leadFilter as Record<string, unknown>;
    for (const key of Object.keys(filter)) {
      if (!["status", "source", "stageKey"].includes(key)) {
        throw validationError(
          `audience.leadFilter.${key}`,
          "is not a lead filter (status, source, stageKey)",
        );
      }
    }
    audience.leadFilter = {};
    const status = optionalFilterText("audience.leadFilter.status", filter.status);
    const source = optionalFilterText("audience.leadFilter.source", filter.source);
    const stageKey = optionalFilterText("audience.leadFilter.stageKey", filter.stageKey);
    if (status !== undefined) audience.leadFilter.status = status;
    if (source !== undefined) audience.leadFilter.source = source;
    if (stageKey !== undefined) audience.leadFilter.stageKey = stageKey;
  }
  if (raw.leadIds !== undefined && raw.leadIds !== null)
    audience.leadIds = checkIds("audience.leadIds", raw.leadIds);
  if (raw.contactIds !== undefined && raw.contactIds !== null) {
    audience.contactIds = checkIds("audience.contactIds", raw.contactIds);
  }
  if (Object.keys(audience).length === 0) {
    throw validationError("audience", "give at least one of listId, tags, leadFilter, leadIds or contactIds");
  }
  return audience;
}

/** A WhatsApp template name: lower-case letters, digits and underscores. */
export function checkTemplateName(value: unknown): string {
  if (typeof value !== "string" || value.trim() === "") throw validationError("templateName", "is required");
  const name = value.trim();
  if (name.length > CAMPAIGN_LIMITS.templateName || !/^[a-z0-9_]+$/.test(name)) {
    throw validationError("templateName", "must be lower-case letters, digits and underscores");
  }
  return name;
}

/** A template language code: `en`, `en_US`, `pt_BR`. */
export function checkTemplateLanguage(value: unknown): string {
  if (typeof value !== "string" || value.trim() === "")
    throw validationError("templateLanguage", "is required");
  const code = value.trim();
  if (!/^[a-z]{2,3}(_[A-Z]{2})?$/.test(code)) {
    throw validationError("templateLanguage", "must be a language code such as en or en_US");
  }
  return code;
}

export function checkTemplateVariables(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw validationError("variables", "must be a list of strings");
  if (value.length > CAMPAIGN_LIMITS.templateVariables) {
    throw validationError("variables", `must have at most ${CAMPAIGN_LIMITS.templateVariables} items`);
  }
  return value.map((item, index) => {
    if (typeof item !== "string" || item.trim() === "") {
      throw validationError(`variables[${index}]`, "must be a non-empty string");
    }
    if (item.length > CAMPAIGN_LIMITS.templateVariable) {
      throw validationError(
        `variables[${index}]`,
        `must be at most ${CAMPAIGN_LIMITS.templateVariable} characters`,
      );
    }
    return item;
  });
}

export function checkCountryCode(value: unknown): string | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  const code = typeof value === "number" ? String(value) : value;
  if (typeof code !== "string" || !/^\+?[1-9]\d{0,2}$/.test(code.trim())) {
    throw validationError("defaultCountryCode", "must be a calling code of 1 to 3 digits, such as 44");
  }
  return code.trim().replace(/^\+/, "");
}
