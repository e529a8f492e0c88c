/** Custom fields: per-workspace definitions of extra fields on leads, contacts, companies and deals. */

export const CUSTOM_FIELD_ENTITY_TYPES = ["lead", "contact", "company", "opportunity"] as const;
export type CustomFieldEntityType = (typeof CUSTOM_FIELD_ENTITY_TYPES)[number];

export const CUSTOM_FIELD_TYPES = ["text", "number", "date", "boolean", "select", "multiselect"] as const;
export type CustomFieldType = (typeof CUSTOM_FIELD_TYPES)[number];

/** Types whose values come from the definition's `options`. */
export const OPTION_FIELD_TYPES: readonly CustomFieldType[] = ["select", "multiselect"];

export const CUSTOM_FIELD_LIMITS = {
  keyPattern: /^[a-z][a-z0-9_]{0,49}$/,
  keyLength: 50,
  label: 100,
  option: 100,
  options: 200,
  /** Definitions per entity type and workspace: bounds every record's validation and rendering. */
  perEntityType: 100,
  textValue: 2000,
} as const;

export interface CustomFieldDefinition {
  id: string;
  /** The per-workspace number (Valethon's `field_id`). */
  number: number;
  entityType: CustomFieldEntityType;
  key: string;
  label: string;
  fieldType: CustomFieldType;
  /** The allowed values of select and multiselect fields; null for the other types. */
  options: string[] | null;
  required: boolean;
  /** Display order within the entity type (creation order). */
  position: number;
  createdAt: string;
  updatedAt: string;
}

export interface NewCustomFieldInput {
  entityType: unknown;
  key: unknown;
  label: unknown;
  fieldType: unknown;
  options?: unknown;
  required?: unknown;
}

/**
 * An update: label, options and required may change. `key`, `fieldType` and `entityType` are
 * immutable; giving them with a different value is a VALIDATION error naming the field.
 */
export interface CustomFieldUpdateInput {
  label?: unknown;
  options?: unknown;
  required?: unknown;
  key?: unknown;
  fieldType?: unknown;
  entityType?: unknown;
}

export type CustomFieldRef = { number: number } | { id: string };

/** Stored custom-field values of one record, keyed by field key. */
export type CustomFieldValues = Record<string, unknown>;
