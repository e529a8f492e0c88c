/**
 * Tags of any record type, kept in `entity_tags`. A record's tags are replaced as a whole inside
 * the write transaction of the record; they are stored as given and matched case-insensitively.
 */
import type { Executor, Trx } from "../core.js";
import { validationError } from "../errors.js";

export const TAG_LIMITS = { perRecord: 50, length: 50 } as const;

export type TaggedType = "lead" | "contact" | "company" | "opportunity" | "conversation";

export const normalizeTag = (tag: string): string => tag.trim().toLowerCase();

/**
 * Checks and cleans a list of tags: each is trimmed, empty ones are dropped, and later
 * case-insensitive repeats of an earlier tag are dropped (the first spelling wins).
 */
export function checkTags(field: string, value: unknown): string[] {
  if (!Array.isArray(value)) throw validationError(field, "must be a list of strings");
  const seen = new Set<string>();
  const tags: string[] = [];
  for (const item of value) {
    if (typeof item !== "string") throw validationError(field, "must be a list of strings");
    const tag = item.trim();
    if (tag === "") continue;
    if (tag.length > TAG_LIMITS.length) {
      throw validationError(field, `each tag must be at most ${TAG_LIMITS.length} characters`);
    }
    const key = normalizeTag(tag);
    if (seen.has(key)) continue;
    seen.add(key);
    tags.push(tag);
  }
  if (tags.length > TAG_LIMITS.perRecord) {
    throw validationError(field, `must have at most ${TAG_LIMITS.perRecord} tags`);
  }
  return tags;
}

/** Replaces the record's tags with `tags` (already checked), keeping their order. */
export async function setTags(
  trx: Trx,
  workspaceId: string,
  entityType: TaggedType,
  entityId: string,
  tags: readonly string[],
): Promise<void> {
  await trx
    .deleteFrom("entity_tags")
    .where("workspace_id", "=", workspaceId)
    .where("entity_type", "=", entityType)
    .where("entity_id", "=", entityId)
    .execute();
  if (tags.length === 0) return;
  await trx
    .insertInto("entity_tags")
    .values(
      tags.map((tag, position) => ({
        workspace_id: workspaceId,
        entity_type: entityType,
        entity_id: entityId,
        tag,
        tag_normalized: normalizeTag(tag),
        position,
      })),
    )
    .execute();
}

const NO_TAGS: ReadonlyMap<string, string[]> = new Map();

/** The tags of each of the records, in their given order, keyed by record id. */
export async function readTags(
  db: Executor,
  workspaceId: string,
  entityType: TaggedType,
  entityIds: readonly string[],
): Promise<ReadonlyMap<string, string[]>> {
  if (entityIds.length === 0) return NO_TAGS;
  const rows = await db
    .selectFrom("entity_tags")
    .select(["entity_id", "tag"])
    .where("workspace_id", "=", workspaceId)
    .where("entity_type", "=", entityType)
    .where("entity_id", "in", entityIds)
    .orderBy("entity_id")
    .orderBy("position")
    .execute();
  const tags = new Map<string, string[]>();
  for (const row of rows) {
    const list = tags.get(row.entity_id);
    if (list) list.push(row.tag);
    else tags.set(row.entity_id, [row.tag]);
  }
  return tags;
}

/** A subquery of the ids of the workspace's records of `entityType` that carry `tag`. */
export function idsWithTag(db: Executor, workspaceId: string, entityType: TaggedType, tag: string) {
  return db
    .selectFrom("entity_tags")
    .select("entity_tags.entity_id")
    .where("entity_tags.workspace_id", "=", workspaceId)
    .where("entity_tags.entity_type", "=", entityType)
    .where("entity_tags.tag_normalized", "=", normalizeTag(tag));
}
