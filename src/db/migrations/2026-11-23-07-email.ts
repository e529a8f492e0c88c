/**
 * Outbound email: the mailboxes a workspace sends through (SMTP settings with a sealed password)
 * and the queue of messages the worker sends.
 * Frozen in time: later changes go into new migrations.
 */
import type { Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("email_connections")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("workspace_id", "text", (c) => c.notNull().references("workspaces.id").onDelete("cascade"))
    .addColumn("seq", "integer", (c) => c.notNull())
    // smtp | gmail | outlook: a label; every channel sends over SMTP with the settings below.
    .addColumn("channel", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("from_email", "text", (c) => c.notNull())
    .addColumn("from_name", "text")
    .addColumn("host", "text", (c) => c.notNull())
    .addColumn("port", "integer", (c) => c.notNull())
    // 1: TLS from the first byte (port 465); 0: plain, upgraded with STARTTLS when offered.
    .addColumn("secure", "integer", (c) => c.notNull())
    .addColumn("username", "text")
    // Sealed with the server secret (AES-256-GCM), like webhook secrets; never returned.
    .addColumn("password", "text")
    // active | disabled
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addColumn("deleted_at", "text")
    .addUniqueConstraint("email_connections_workspace_seq", ["workspace_id", "seq"])
    .execute();

  await db.schema
    .createTable("outbound_emails")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("workspace_id", "text", (c) => c.notNull().references("workspaces.id").onDelete("cascade"))
    .addColumn("seq", "integer", (c) => c.notNull())
    .addColumn("connection_id", "text", (c) => c.notNull().references("email_connections.id"))
    .addColumn("lead_id", "text")
    .addColumn("contact_id", "text")
    .addColumn("to_email", "text", (c) => c.notNull())
    .addColumn("subject", "text", (c) => c.notNull())
    // The HTML exactly as given, and the plain-text part generated from it.
    .addColumn("html", "text", (c) => c.notNull())
    .addColumn("text", "text", (c) => c.notNull())
    // queued | sending | sent | failed
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("next_attempt_at", "text")
    // A worker's claim; an expired claim may be taken over.
    .addColumn("claimed_by", "text")
    .addColumn("claimed_until", "text")
    .addColumn("last_error", "text")
    .addColumn("message_id", "text")
    // The `email` activity recorded on the lead or contact once the message was sent or failed.
    .addColumn("activity_id", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addColumn("sent_at", "text")
    .addUniqueConstraint("outbound_emails_workspace_seq", ["workspace_id", "seq"])
    .execute();
  await db.schema
    .createIndex("outbound_emails_due")
    .on("outbound_emails")
    .columns(["status", "next_attempt_at"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("outbound_emails").execute();
  await db.schema.dropTable("email_connections").execute();
}
