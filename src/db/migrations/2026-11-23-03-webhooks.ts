/**
 * Webhooks: registrations, one delivery per (event, webhook) with its attempts, and the outbox
 * cursor up to which events have been fanned out into deliveries.
 * Frozen in time: later changes go into new migrations.
 */
import type { Kysely } from "kysely";
import { engineOf } from "../database.js";

export async function up(db: Kysely<any>): Promise<void> {
  const postgres = engineOf(db) === "postgres";

  await db.schema
    .createTable("webhooks")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("workspace_id", "text", (c) => c.notNull().references("workspaces.id").onDelete("cascade"))
    .addColumn("seq", "integer", (c) => c.notNull())
    .addColumn("url", "text", (c) => c.notNull())
    // JSON array of event types, or ["*"].
    .addColumn("events", "text", (c) => c.notNull())
    // The signing secret, sealed with the server secret (AES-256-GCM); never returned after creation.
    .addColumn("secret", "text", (c) => c.notNull())
    // During a rotation's overlap both secrets sign every delivery.
    .addColumn("previous_secret", "text")
    .addColumn("previous_secret_expires_at", "text")
    .addColumn("active", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("disabled_at", "text")
    .addColumn("disabled_reason", "text")
    // Start of the current run of failed deliveries; cleared by a success.
    .addColumn("failing_since", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addColumn("deleted_at", "text")
    .addUniqueConstraint("webhooks_workspace_seq", ["workspace_id", "seq"])
    .execute();
  await db.schema
    .createIndex("webhooks_workspace")
    .on("webhooks")
    .columns(["workspace_id", "active"])
    .execute();

  await db.schema
    .createTable("webhook_deliveries")
    // UUIDv7; also the `webhook-id` header, the same on every attempt and redelivery.
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("workspace_id", "text", (c) => c.notNull().references("workspaces.id").onDelete("cascade"))
    .addColumn("webhook_id", "text", (c) => c.notNull().references("webhooks.id").onDelete("cascade"))
    .addColumn("seq", "integer", (c) => c.notNull())
    .addColumn("event_id", "text", (c) => c.notNull())
    .addColumn("event_type", "text", (c) => c.notNull())
    // The exact JSON body sent (Valethon shape without the signature, see the webhooks docs).
    .addColumn("payload", "text", (c) => c.notNull())
    // pending | succeeded | failed (gave up) | cancelled (endpoint disabled or deleted)
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("next_attempt_at", "text")
    // A worker's claim; an expired claim may be taken over.
    .addColumn("claimed_by", "text")
    .addColumn("claimed_until", "text")
    .addColumn("last_status_code", "integer")
    .addColumn("last_error", "text")
    .addColumn("delivered_at", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addUniqueConstraint("webhook_deliveries_event", ["webhook_id", "event_id"])
    .addUniqueConstraint("webhook_deliveries_workspace_seq", ["workspace_id", "seq"])
    .execute();
  await db.schema
    .createIndex("webhook_deliveries_due")
    .on("webhook_deliveries")
    .columns(["status", "next_attempt_at"])
    .execute();
  await db.schema
    .createIndex("webhook_deliveries_by_webhook")
    .on("webhook_deliveries")
    .columns(["webhook_id", "created_at"])
    .execute();

  await db.schema
    .createTable("webhook_attempts")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("delivery_id", "text", (c) =>
      c.notNull().references("webhook_deliveries.id").onDelete("cascade"),
    )
    .addColumn("attempt", "integer", (c) => c.notNull())
    .addColumn("started_at", "text", (c) => c.notNull())
    .addColumn("duration_ms", "integer", (c) => c.notNull())
    .addColumn("status_code", "integer")
    // At most 2 KiB of the response body.
    .addColumn("response_body", "text")
    .addColumn("error", "text")
    .execute();
  await db.schema
    .createIndex("webhook_attempts_delivery")
    .on("webhook_attempts")
    .column("delivery_id")
    .execute();

  // How far the dispatcher has fanned events out into deliveries (one row, name "webhooks").
  await db.schema
    .createTable("outbox_cursors")
    .addColumn("name", "text", (c) => c.primaryKey())
    .addColumn("position", postgres ? "bigint" : "integer", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ["outbox_cursors", "webhook_attempts", "webhook_deliveries", "webhooks"]) {
    await db.schema.dropTable(table).execute();
  }
}
