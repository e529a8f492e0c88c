/**
 * The domain event stream (transactional outbox). A service appends its events with the same
 * transaction as the change they describe, so an event exists if and only if its change committed.
 */
import type { Insertable } from "kysely";
import { prepared } from "../db/prepared.js";
import type { EventTable } from "../db/schema.js";
import type { Executor, Scope, Trx } from "./core.js";
import { newId } from "./ids.js";

export interface DomainEvent {
  type: string;
  entityType: string;
  entityId: string;
  data: Record<string, unknown>;
}

/** A field's value before an update, keyed by field name (in `lead.updated` and its kin). */
export type Changes = Record<string, { from: unknown; to: unknown }>;

const insertEvent = prepared((db, row: Insertable<EventTable>) =>
  db.insertInto("events").values({
    id: row.id,
    workspace_id: row.workspace_id,
    type: row.type,
    entity_type: row.entity_type,
    entity_id: row.entity_id,
    data: row.data,
    actor: row.actor,
    created_at: row.created_at,
  }),
);

export async function appendEvent(trx: Trx, scope: Scope, at: string, event: DomainEvent): Promise<string> {
  const id = newId();
  await insertEvent(trx, {
    id,
    workspace_id: scope.workspaceId,
    type: event.type,
    entity_type: event.entityType,
    entity_id: event.entityId,
    data: JSON.stringify(event.data),
    actor: scope.actor,
    created_at: at,
  });
  return id;
}

export interface RecordEvent {
  type: string;
  data: Record<string, unknown>;
  actor: string | null;
  at: string;
}

/** One record's newest events (up to `limit`), oldest first; pruned ones are gone. */
export async function readRecordEvents(
  db: Executor,
  scope: Scope,
  entityId: string,
  limit: number,
): Promise<RecordEvent[]> {
  const rows = await db
    .selectFrom("events")
    .select(["type", "data", "actor", "created_at"])
    .where("entity_id", "=", entityId)
    .where("workspace_id", "=", scope.workspaceId)
    .orderBy("position", "desc")
    .limit(limit)
    .execute();
  return rows
    .reverse()
    .map((row) => ({ type: row.type, data: JSON.parse(row.data), actor: row.actor, at: row.created_at }));
}
