/**
 * The events feed and retention: a workspace reads its events in position order
 * (`GET /events`), and the worker prunes old events and finished deliveries.
 */
import type { Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  // The feed reads one workspace's events from a cursor on.
  await db.schema
    .createIndex("events_by_workspace")
    .on("events")
    .columns(["workspace_id", "position"])
    .execute();
  // Pruning finds finished deliveries by age.
  await db.schema
    .createIndex("webhook_deliveries_by_age")
    .on("webhook_deliveries")
    .columns(["created_at"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("webhook_deliveries_by_age").execute();
  await db.schema.dropIndex("events_by_workspace").execute();
}
