/** The soft delete shared by the services whose records stay as rows for history once deleted. */
import type { Scope, Trx } from "../core.js";
import { releaseLive } from "../counters.js";
import { appendEvent } from "../events.js";
import { type SearchableType, unindexDocument } from "../search/search-documents.js";

export type SoftDeletableTable =
  | "leads"
  | "contacts"
  | "companies"
  | "opportunities"
  | "activities"
  | "notes";

export interface SoftDelete {
  table: SoftDeletableTable;
  /** The event's entity type; the event is `<entityType>.deleted`. */
  entityType: string;
  /** The counter whose live count drops by one. */
  counterEntity: string;
  /** Set for records that have a search document, which is removed. */
  searchType?: SearchableType;
  id: string;
  eventData: Record<string, unknown>;
}

/**
 * Marks the record deleted (`deleted_at`, `updated_at`) in the scope's workspace, counts one live
 * record fewer, removes its search document (searchable types) and appends `<entityType>.deleted`.
 */
export async function softDeleteIn(trx: Trx, scope: Scope, at: string, target: SoftDelete): Promise<void> {
  await trx
    .updateTable(target.table)
    .set({ deleted_at: at, updated_at: at })
    .where("id", "=", target.id)
    .where("workspace_id", "=", scope.workspaceId)
    .execute();
  await releaseLive(trx, scope.workspaceId, target.counterEntity);
  if (target.searchType) await unindexDocument(trx, target.searchType, target.id);
  await appendEvent(trx, scope, at, {
    type: `${target.entityType}.deleted`,
    entityType: target.entityType,
    entityId: target.id,
    data: target.eventData,
  });
}
