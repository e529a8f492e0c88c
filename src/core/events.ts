/**
 * The domain event stream (transactional outbox). A service appends its events with the same
 * transaction as the change they describe, so an event exists if and only if its change committed.
 */
import type { Scope, Trx } from "./core.js";
import { newId } from "./ids.js";

export interface DomainEvent {
  type: string;
  entityType: string;
  entityId: string;
  data: Record<string, unknown>;
}

/** A field's value before an update, keyed by field name (in `lead.updated` and its kin). */
export type Changes = Record<string, { from: unknown; to: unknown }>;

export async function appendEvent(trx: Trx, scope: Scope, at: string, event: DomainEvent): Promise<string> {
  const id = newId();
  await trx
    .insertInto("events")
    .values({
      id,
      workspace_id: scope.workspaceId,
      type: event.type,
      entity_type: event.entityType,
      entity_id: event.entityId,
      data: JSON.stringify(event.data),
      actor: scope.actor,
      created_at: at,
    })
    .execute();
  return id;
}
