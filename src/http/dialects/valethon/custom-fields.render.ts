/** Renders custom-field definitions in Valethon's shape; maps Valethon's entity names to the core's. */
import type {
  CustomFieldDefinition,
  CustomFieldEntityType,
} from "../../../core/custom-fields/custom-field.types.js";
import { renderTime } from "./envelope.js";

/** Valethon calls companies "prospects". */
export const coreEntityType = (valethon: string): CustomFieldEntityType =>
  (valethon === "prospect" ? "company" : valethon) as CustomFieldEntityType;

export const valethonEntityType = (core: CustomFieldEntityType): string =>
  core === "company" ? "prospect" : core;

export function renderCustomField(definition: CustomFieldDefinition) {
  return {
    field_id: definition.number,
    uuid: definition.id,
    entity_type: valethonEntityType(definition.entityType),
    field_key: definition.key,
    label: definition.label,
    field_type: definition.fieldType,
    options: definition.options,
    required: definition.required,
    created_at: renderTime(definition.createdAt),
  };
}
