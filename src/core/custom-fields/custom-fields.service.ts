/**
 * The only writer of custom-field definitions. Each write commits together with its event
 * (`custom_field.created`, `custom_field.updated`, `custom_field.deleted`).
 *
 * Deleting a definition is a hard delete of the definition only: records keep their stored values,
 * which are no longer validated nor shown (see custom-field-values.ts).
 */
import { sql } from "kysely";
import { isUniqueViolation } from "../../db/db-errors.js";
import type { Core, Scope, Trx } from "../core.js";
import { allocateNumber, releaseLive } from "../counters.js";
import { conflict, duplicate, notFound, validationError } from "../errors.js";
import { appendEvent, type Changes } from "../events.js";
import { newId } from "../ids.js";
import {
  checkEntityType,
  checkFieldType,
  checkKey,
  checkLabel,
  checkOptions,
  checkRequired,
} from "./custom-field.rules.js";
import {
  CUSTOM_FIELD_LIMITS,
  type CustomFieldDefinition,
  type CustomFieldEntityType,
  type CustomFieldRef,
  type CustomFieldUpdateInput,
  type NewCustomFieldInput,
} from "./custom-field.types.js";
import { findDefinition, findDefinitions } from "./custom-fields.repository.js";

const COUNTER = "custom_fields";

const duplicateKey = (entityType: string) =>
  duplicate("fieldKey", `a custom field with this key already exists for ${entityType}s`);

export async function listCustomFields(
  core: Core,
  scope: Scope,
  entityType?: CustomFieldEntityType,
): Promise<CustomFieldDefinition[]> {
  return findDefinitions(core.db, scope, entityType);
}

export async function getCustomField(
  core: Core,
  scope: Scope,
  ref: CustomFieldRef,
): Promise<CustomFieldDefinition> {
  const definition = await findDefinition(core.db, scope, ref);
  if (!definition) throw notFound("custom field");
  return definition;
}

async function keyTaken(
  trx: Trx,
  scope: Scope,
  entityType: CustomFieldEntityType,
  key: string,
): Promise<boolean> {
  const row = await trx
    .selectFrom("custom_field_definitions")
    .select("id")
    .where("workspace_id", "=", scope.workspaceId)
    .where("entity_type", "=", entityType)
    .where("key", "=", key)
    .executeTakeFirst();
  return row !== undefined;
}

export async function createCustomField(
  core: Core,
  scope: Scope,
  input: NewCustomFieldInput,
): Promise<CustomFieldDefinition> {
  const entityType = checkEntityType("entityType", input.entityType);
  const key = checkKey(input.key);
  const label = checkLabel(input.label);
  const fieldType = checkFieldType(input.fieldType);
  const options = checkOptions(fieldType, input.options);
  const required =
    input.required === undefined || input.required === null ? false : checkRequired(input.required);
  const at = core.clock.now().toISOString();
  try {
    return await core.db.transaction().execute(async (trx) => {
      if (await keyTaken(trx, scope, entityType, key)) throw duplicateKey(entityType);
      const stats = await trx
        .selectFrom("custom_field_definitions")
        .select([
          (eb) => eb.fn.countAll<number>().as("count"),
          sql<number | null>`max(position)`.as("last_position"),
        ])
        .where("workspace_id", "=", scope.workspaceId)
        .where("entity_type", "=", entityType)
        .executeTakeFirst();
      if (Number(stats?.count ?? 0) >= CUSTOM_FIELD_LIMITS.perEntityType) {
        throw conflict(`a ${entityType} may have at most ${CUSTOM_FIELD_LIMITS.perEntityType} custom fields`);
      }
      const id = newId();
      const seq = await allocateNumber(trx, scope.workspaceId, COUNTER);
      const definition: CustomFieldDefinition = {
        id,
        number: seq,
        entityType,
        key,
        label,
        fieldType,
        options,
        required,
        position: Number(stats?.last_position ?? 0) + 1,
        createdAt: at,
        updatedAt: at,
      };
      await trx
        .insertInto("custom_field_definitions")
        .values({
          id,
          workspace_id: scope.workspaceId,
          seq,
          entity_type: entityType,
          key,
          label,
          field_type: fieldType,
          options: options === null ? null : JSON.stringify(options),
          required: required ? 1 : 0,
          position: definition.position,
          created_at: at,
          updated_at: at,
        })
        .execute();
      await appendEvent(trx, scope, at, {
        type: "custom_field.created",
        entityType: "custom_field",
        entityId: id,
        data: { ...definition },
      });
      return definition;
    });
  } catch (error) {
    // A concurrent create of the same key lost the race on the unique constraint.
    if (isUniqueViolation(error)) throw duplicateKey(entityType);
    throw error;
  }
}

function assertUnchanged(field: string, given: unknown, current: unknown, name: string) {
  if (given !== undefined && given !== current) {
    throw validationError(field, `cannot be changed; ${name}`);
  }
}

export async function updateCustomField(
  core: Core,
  scope: Scope,
  ref: CustomFieldRef,
  input: CustomFieldUpdateInput,
): Promise<CustomFieldDefinition> {
  const at = core.clock.now().toISOString();
  return core.db.transaction().execute(async (trx) => {
    const before = await findDefinition(trx, scope, ref);
    if (!before) throw notFound("custom field");
    const hint = "create a new field instead";
    assertUnchanged("fieldKey", input.key, before.key, hint);
    if (input.key !== undefined) checkKey(input.key);
    const givenType = input.fieldType === undefined ? undefined : checkFieldType(input.fieldType);
    assertUnchanged("fieldType", givenType, before.fieldType, hint);
    assertUnchanged("entityType", input.entityType, before.entityType, hint);

    const after: CustomFieldDefinition = { ...before };
    if (input.label !== undefined) after.label = checkLabel(input.label);
    if (input.options !== undefined) after.options = checkOptions(before.fieldType, input.options);
    if (input.required !== undefined) after.required = checkRequired(input.required);

    const changes: Changes = {};
    for (const field of ["label", "options", "required"] as const) {
      if (JSON.stringify(after[field]) !== JSON.stringify(before[field])) {
        changes[field] = { from: before[field], to: after[field] };
      }
    }
    if (Object.keys(changes).length === 0) return before;
    after.updatedAt = at;
    await trx
      .updateTable("custom_field_definitions")
      .set({
        label: after.label,
        options: after.options === null ? null : JSON.stringify(after.options),
        required: after.required ? 1 : 0,
        updated_at: at,
      })
      .where("id", "=", before.id)
      .where("workspace_id", "=", scope.workspaceId)
      .execute();
    await appendEvent(trx, scope, at, {
      type: "custom_field.updated",
      entityType: "custom_field",
      entityId: before.id,
      data: { ...after, changes },
    });
    return after;
  });
}

export async function deleteCustomField(
  core: Core,
  scope: Scope,
  ref: CustomFieldRef,
): Promise<CustomFieldDefinition> {
  const at = core.clock.now().toISOString();
  return core.db.transaction().execute(async (trx) => {
    const definition = await findDefinition(trx, scope, ref);
    if (!definition) throw notFound("custom field");
    await trx
      .deleteFrom("custom_field_definitions")
      .where("id", "=", definition.id)
      .where("workspace_id", "=", scope.workspaceId)
      .execute();
    await releaseLive(trx, scope.workspaceId, COUNTER);
    await appendEvent(trx, scope, at, {
      type: "custom_field.deleted",
      entityType: "custom_field",
      entityId: definition.id,
      data: { ...definition },
    });
    return definition;
  });
}
