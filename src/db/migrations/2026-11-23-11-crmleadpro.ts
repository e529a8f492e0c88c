/**
 * What the CRMLead Pro dialect adds: a workspace's plan (its document's rate limits: `growth`
 * 1,000 requests a minute, `pro` 5,000) and the API a webhook speaks (its event names, payload and
 * signature), and an index for reading one record's events. Frozen in time: later changes go into new migrations.
 */
import type { Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("workspaces")
    .addColumn("plan", "text", (c) => c.notNull().defaultTo("growth"))
    .execute();
  // A record's history (CRMLead Pro's lead "with full history") reads its own events.
  await db.schema.createIndex("events_by_entity").on("events").columns(["entity_id", "position"]).execute();
  await db.schema
    .alterTable("webhooks")
    .addColumn("dialect", "text", (c) => c.notNull().defaultTo("valethon"))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("webhooks").dropColumn("dialect").execute();
  await db.schema.dropIndex("events_by_entity").execute();
  await db.schema.alterTable("workspaces").dropColumn("plan").execute();
}
