/** Custom-field definition queries, always scoped by workspace. */
import { prepared } from "../../db/prepared.js";
import type { CustomFieldDefinitionTable } from "../../db/schema.js";
import type { Executor, Scope } from "../core.js";
import type {
  CustomFieldDefinition,
  CustomFieldEntityType,
  CustomFieldRef,
  CustomFieldType,
} from "./custom-field.types.js";

const COLUMNS = [
  "id",
  "seq",
  "entity_type",
  "key",
  "label",
  "field_type",
  "options",
  "required",
  "position",
  "created_at",
  "updated_at",
] as const;

type DefinitionRow = Pick<CustomFieldDefinitionTable, (typeof COLUMNS)[number]>;

export function toDefinition(row: DefinitionRow): CustomFieldDefinition {
  return {
    id: row.id,
    number: Number(row.seq),
    entityType: row.entity_type as CustomFieldEntityType,
    key: row.key,
    label: row.label,
    fieldType: row.field_type as CustomFieldType,
    options: row.options === null ? null : (JSON.parse(row.options) as string[]),
    required: Number(row.required) === 1,
    position: Number(row.position),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

const definitionsOfType = prepared((db, p: { workspaceId: string; entityType: CustomFieldEntityType }) =>
  db
    .selectFrom("custom_field_definitions")
    .select(COLUMNS)
    .where("workspace_id", "=", p.workspaceId)
    .where("entity_type", "=", p.entityType)
    .orderBy("position")
    .orderBy("seq"),
);

const allDefinitions = prepared((db, p: { workspaceId: string }) =>
  db
    .selectFrom("custom_field_definitions")
    .select(COLUMNS)
    .where("workspace_id", "=", p.workspaceId)
    .orderBy("entity_type")
    .orderBy("position")
    .orderBy("seq"),
);

/** The definitions of one entity type (or of all), in display order. */
export async function findDefinitions(
  db: Executor,
  scope: Scope,
  entityType?: CustomFieldEntityType,
): Promise<CustomFieldDefinition[]> {
  const rows = entityType
    ? await definitionsOfType(db, { workspaceId: scope.workspaceId, entityType })
    : await allDefinitions(db, { workspaceId: scope.workspaceId });
  return rows.map(toDefinition);
}

export async function findDefinition(
  db: Executor,
  scope: Scope,
  ref: CustomFieldRef,
): Promise<CustomFieldDefinition | null> {
  let query = db
    .selectFrom("custom_field_definitions")
    .select(COLUMNS)
    .where("workspace_id", "=", scope.workspaceId);
  query = "number" in ref ? query.where("seq", "=", ref.number) : query.where("id", "=", ref.id);
  const row = await query.executeTakeFirst();
  return row ? toDefinition(row) : null;
}
