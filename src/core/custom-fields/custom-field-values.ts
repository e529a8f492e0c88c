/**
 * Custom-field VALUES of records, for the services that own records with a `custom_fields` column
 * (leads, contacts, companies, opportunities). Each is one line in a service:
 *
 * On a write, inside the write's transaction (`before` is the stored object, null on create):
 *
 *     const customFields = await checkCustomFieldValues(trx, scope, "contact", input.customFields, before);
 *     row.custom_fields = storedCustomFields(customFields);        // JSON text, or null when empty
 *
 *   - `input.customFields` undefined leaves the values as they are (create: none);
 *   - an unknown key, or a value of the wrong type, is a VALIDATION error naming `customFields.<key>`
 *     (Valethon renders it `custom_fields.<key>`);
 *   - null (or blank text, or an empty multiselect) removes a value;
 *   - a required field must have a value on create, and an update cannot remove it;
 *   - values of deleted definitions stay stored untouched (they are just not shown).
 *
 * On a read (`stored` is the column's JSON text):
 *
 *     record.customFields = await renderCustomFields(db, scope, "contact", row.custom_fields);
 *     // or, for a page of rows, one query for the definitions:
 *     const values = await renderCustomFieldsOfMany(db, scope, "contact", rows.map((r) => r.custom_fields));
 *
 *   which returns only values of currently defined fields whose stored value still fits the field's
 *   type, in definition order.
 */
import type { Executor, Scope } from "../core.js";
import { validationError } from "../errors.js";
import { checkValue, fitsType } from "./custom-field.rules.js";
import type {
  CustomFieldDefinition,
  CustomFieldEntityType,
  CustomFieldValues,
} from "./custom-field.types.js";
import { findDefinitions } from "./custom-fields.repository.js";

/** The stored JSON text as an object (empty when the column is null or not an object). */
export function parseStoredCustomFields(stored: string | null | undefined): CustomFieldValues {
  if (!stored) return {};
  try {
    const parsed: unknown = JSON.parse(stored);
    return parsed && typeof parsed === "object" && !Array.isArray(parsed)
      ? (parsed as CustomFieldValues)
      : {};
  } catch {
    return {};
  }
}

/**
 * The field-rules check of a write's `customFields` (before its transaction): absent, or an object.
 * The values themselves are checked against the definitions inside the write's transaction.
 */
export function checkCustomFieldsShape(values: unknown): void {
  if (values === undefined) return;
  if (values === null || typeof values !== "object" || Array.isArray(values)) {
    throw validationError("customFields", "must be an object");
  }
}

/** What to store in a `custom_fields` column: JSON text, or null when there are no values. */
export const storedCustomFields = (values: CustomFieldValues): string | null =>
  Object.keys(values).length === 0 ? null : JSON.stringify(values);

/**
 * Validates `values` against the entity type's definitions and merges them into `existing` (the
 * record's stored values, parsed; null when creating). Returns the object to store.
 */
export async function checkCustomFieldValues(
  db: Executor,
  scope: Scope,
  entityType: CustomFieldEntityType,
  values: Record<string, unknown> | null | undefined,
  existing: Record<string, unknown> | string | null,
): Promise<CustomFieldValues> {
  const creating = existing === null;
  const merged: CustomFieldValues =
    typeof existing === "string" ? parseStoredCustomFields(existing) : { ...(existing ?? {}) };
  if (values !== undefined && values !== null && (typeof values !== "object" || Array.isArray(values))) {
    throw validationError("customFields", "must be an object");
  }
  const given = values ?? {};
  // Nothing to check on an update that leaves custom fields alone: skip the definitions query.
  if (!creating && Object.keys(given).length === 0) return merged;
  const definitions = await findDefinitions(db, scope, entityType);
  const byKey = new Map(definitions.map((definition) => [definition.key, definition]));
  for (const [key, value] of Object.entries(given)) {
    const definition = byKey.get(key);
    if (!definition) throw validationError(`customFields.${key}`, `is not a custom field of ${entityType}s`);
    const checked = checkValue(definition, value);
    if (checked === null) {
      if (definition.required)
        throw validationError(`customFields.${key}`, "is required and cannot be removed");
      delete merged[key];
    } else {
      merged[key] = checked;
    }
  }
  if (creating) {
    for (const definition of definitions) {
      if (definition.required && merged[definition.key] === undefined) {
        throw validationError(`customFields.${definition.key}`, "is required");
      }
    }
  }
  return merged;
}

/**
 * The custom-field part of an update, inside its transaction: checks `values` (the input's
 * `customFields`; undefined leaves them alone) and merges them into `storedBefore` (the record's
 * stored values, read before the update). Returns `stored`, the column's new JSON text (or null),
 * only when the input gives custom fields and that text differs from what was stored.
 */
export async function mergeCustomFieldsIn(
  db: Executor,
  scope: Scope,
  entityType: CustomFieldEntityType,
  values: Record<string, unknown> | null | undefined,
  storedBefore: CustomFieldValues,
): Promise<{ stored?: string | null }> {
  if (values === undefined) return {};
  const merged = await checkCustomFieldValues(db, scope, entityType, values, storedBefore);
  const stored = storedCustomFields(merged);
  return stored === storedCustomFields(storedBefore) ? {} : { stored };
}

function visible(definitions: CustomFieldDefinition[], stored: CustomFieldValues): CustomFieldValues {
  const out: CustomFieldValues = {};
  for (const definition of definitions) {
    const value = stored[definition.key];
    if (value !== undefined && value !== null && fitsType(definition.fieldType, value)) {
      out[definition.key] = value;
    }
  }
  return out;
}

/** The values of currently defined fields only, in definition order. */
export async function renderCustomFields(
  db: Executor,
  scope: Scope,
  entityType: CustomFieldEntityType,
  stored: string | CustomFieldValues | null | undefined,
): Promise<CustomFieldValues> {
  return (await renderCustomFieldsOfMany(db, scope, entityType, [stored]))[0]!;
}

/** `renderCustomFields` for many records at once, with one query for the definitions. */
export async function renderCustomFieldsOfMany(
  db: Executor,
  scope: Scope,
  entityType: CustomFieldEntityType,
  stored: (string | CustomFieldValues | null | undefined)[],
): Promise<CustomFieldValues[]> {
  const empty = (item: string | CustomFieldValues | null | undefined) =>
    item === null || item === undefined || (typeof item === "object" && Object.keys(item).length === 0);
  // Nothing stored, nothing to show: no need to read the definitions.
  if (stored.every(empty)) return stored.map(() => ({}));
  const definitions = await findDefinitions(db, scope, entityType);
  return stored.map((item) =>
    visible(definitions, typeof item === "string" || !item ? parseStoredCustomFields(item) : item),
  );
}

/**
 * Replaces each record's stored `customFields` (everything ever stored) with the values of its
 * type's currently defined fields, in place; reads the definitions only when something is stored.
 */
export async function showCustomFields<T extends { customFields?: CustomFieldValues }>(
  db: Executor,
  scope: Scope,
  entityType: CustomFieldEntityType,
  records: T[],
): Promise<T[]> {
  const values = await renderCustomFieldsOfMany(
    db,
    scope,
    entityType,
    records.map((record) => record.customFields ?? null),
  );
  records.forEach((record, index) => {
    record.customFields = values[index]!;
  });
  return records;
}

/** Whether a record's shown values differ (for an update's `changes`). */
export const sameCustomFields = (a: CustomFieldValues, b: CustomFieldValues): boolean =>
  JSON.stringify(a) === JSON.stringify(b);
