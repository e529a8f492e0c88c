/**
 * Polymorphic references to CRM records (what activities and notes hang from): a record type and
 * the record's per-workspace number or id. Resolution reads the record tables directly, always
 * within the caller's workspace and only among live (not deleted) rows.
 */
import type { Executor, Scope } from "../core.js";
import { notFound, validationError } from "../errors.js";

export const ENTITY_TYPES = ["lead", "contact", "company", "opportunity"] as const;
export type EntityType = (typeof ENTITY_TYPES)[number];

const TABLES = {
  lead: "leads",
  contact: "contacts",
  company: "companies",
  opportunity: "opportunities",
} as const satisfies Record<EntityType, string>;

/** How a caller names a record: its type plus its number (Valethon) or its id (UUID). */
export type EntityRef = { entityType: EntityType; number: number } | { entityType: EntityType; id: string };

/** A live record a reference resolved to. */
export interface EntityLink {
  entityType: EntityType;
  id: string;
  number: number;
}

export const isEntityType = (value: unknown): value is EntityType =>
  typeof value === "string" && (ENTITY_TYPES as readonly string[]).includes(value);

/** The live record `ref` names in the workspace, or null. */
export async function findEntity(db: Executor, scope: Scope, ref: EntityRef): Promise<EntityLink | null> {
  if (!isEntityType(ref.entityType)) return null;
  const table = TABLES[ref.entityType];
  let query = db
    .selectFrom(table)
    .select(["id", "seq"])
    .where("workspace_id", "=", scope.workspaceId)
    .where("deleted_at", "is", null);
  query = "number" in ref ? query.where("seq", "=", ref.number) : query.where("id", "=", ref.id);
  const row = await query.executeTakeFirst();
  return row ? { entityType: ref.entityType, id: row.id, number: Number(row.seq) } : null;
}

/** Like findEntity, but a missing record is a validation error on `field` (for record bodies). */
export async function requireEntity(
  db: Executor,
  scope: Scope,
  ref: EntityRef,
  field = "entityId",
): Promise<EntityLink> {
  const link = await findEntity(db, scope, ref);
  if (!link) throw validationError(field, `no live ${ref.entityType} with this id in this workspace`);
  return link;
}

/** Like findEntity, but a missing record is NOT_FOUND (for URLs and list filters that name it). */
export async function getEntity(db: Executor, scope: Scope, ref: EntityRef): Promise<EntityLink> {
  const link = await findEntity(db, scope, ref);
  if (!link) throw notFound(ref.entityType);
  return link;
}

const linkKey = (entityType: string, id: string) => `${entityType}:${id}`;

/**
 * The numbers of the given records, keyed by `type:id`, in one query per type. Deleted records
 * keep their number, so a record that points at one still renders what it pointed at.
 */
export async function entityNumbers(
  db: Executor,
  scope: Scope,
  refs: readonly { entityType: string; id: string }[],
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const entityType of ENTITY_TYPES) {
    const ids = [...new Set(refs.filter((ref) => ref.entityType === entityType).map((ref) => ref.id))];
    if (ids.length === 0) continue;
    const rows = await db
      .selectFrom(TABLES[entityType])
      .select(["id", "seq"])
      .where("workspace_id", "=", scope.workspaceId)
      .where("id", "in", ids)
      .execute();
    for (const row of rows) out.set(linkKey(entityType, row.id), Number(row.seq));
  }
  return out;
}

export const numberOf = (numbers: ReadonlyMap<string, number>, entityType: string, id: string) =>
  numbers.get(linkKey(entityType, id)) ?? null;

/** The live records a lead was converted into, as links (null where none, or since deleted). */
export interface LeadConversionLinks {
  contact: EntityLink | null;
  company: EntityLink | null;
  opportunity: EntityLink | null;
}

export async function leadConversionLinks(
  db: Executor,
  scope: Scope,
  leadId: string,
): Promise<LeadConversionLinks> {
  const row = await db
    .selectFrom("leads")
    .select(["converted_contact_id", "converted_company_id", "converted_opportunity_id"])
    .where("workspace_id", "=", scope.workspaceId)
    .where("id", "=", leadId)
    .executeTakeFirst();
  const link = (entityType: EntityType, id: string | null | undefined) =>
    id ? findEntity(db, scope, { entityType, id }) : Promise.resolve(null);
  return {
    contact: await link("contact", row?.converted_contact_id),
    company: await link("company", row?.converted_company_id),
    opportunity: await link("opportunity", row?.converted_opportunity_id),
  };
}
