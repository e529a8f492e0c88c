/**
 * Campaigns: WhatsApp Business connections (Cloud API, sealed access token), email and WhatsApp
 * campaigns, one recipient row per person the campaign reaches (the worker's queue), and the
 * addresses that unsubscribed from a channel.
 * Frozen in time: later changes go into new migrations.
 */
import type { Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("whatsapp_connections")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("workspace_id", "text", (c) => c.notNull().references("workspaces.id").onDelete("cascade"))
    .addColumn("seq", "integer", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    // e.g. https://graph.facebook.com/v20.0; messages go to {base_url}/{phone_number_id}/messages.
    .addColumn("base_url", "text", (c) => c.notNull())
    .addColumn("phone_number_id", "text", (c) => c.notNull())
    // Sealed with the server secret (AES-256-GCM), like SMTP passwords; never returned.
    .addColumn("token", "text", (c) => c.notNull())
    // active | disabled
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addColumn("deleted_at", "text")
    .addUniqueConstraint("whatsapp_connections_workspace_seq", ["workspace_id", "seq"])
    .execute();

  await db.schema
    .createTable("campaigns")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("workspace_id", "text", (c) => c.notNull().references("workspaces.id").onDelete("cascade"))
    .addColumn("seq", "integer", (c) => c.notNull())
    // email | whatsapp
    .addColumn("channel", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    // queued | sending | sent | failed (failed: finished with nothing sent and something failed)
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("email_connection_id", "text", (c) => c.references("email_connections.id"))
    .addColumn("whatsapp_connection_id", "text", (c) => c.references("whatsapp_connections.id"))
    // Email: the subject and HTML as given, with {{…}} placeholders rendered per recipient.
    .addColumn("subject", "text")
    .addColumn("html", "text")
    // WhatsApp: an approved template and its body parameters (JSON array of strings).
    .addColumn("template_name", "text")
    .addColumn("template_language", "text")
    .addColumn("template_variables", "text")
    // The audience as given (JSON).
    .addColumn("audience", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addColumn("sent_at", "text")
    .addUniqueConstraint("campaigns_workspace_seq", ["workspace_id", "seq"])
    .execute();

  await db.schema
    .createTable("campaign_recipients")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("workspace_id", "text", (c) => c.notNull().references("workspaces.id").onDelete("cascade"))
    .addColumn("campaign_id", "text", (c) => c.notNull().references("campaigns.id").onDelete("cascade"))
    // lead | contact
    .addColumn("record_type", "text", (c) => c.notNull())
    .addColumn("record_id", "text", (c) => c.notNull())
    .addColumn("name", "text")
    // Lower-case email or E.164 phone; null when the record has none (skipped: no_address).
    .addColumn("address", "text")
    // JSON object of the placeholder values ({name, first_name, email, phone}).
    .addColumn("variables", "text", (c) => c.notNull())
    // queued | sending | sent | failed | skipped
    .addColumn("status", "text", (c) => c.notNull())
    // no_address | unsubscribed | duplicate
    .addColumn("skip_reason", "text")
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("next_attempt_at", "text")
    .addColumn("claimed_by", "text")
    .addColumn("claimed_until", "text")
    .addColumn("last_error", "text")
    .addColumn("provider_message_id", "text")
    .addColumn("sent_at", "text")
    // The recipient's place in the audience as resolved (the order of reads).
    .addColumn("position", "integer", (c) => c.notNull())
    .execute();
  // The worker's claim: due rows by time.
  await db.schema
    .createIndex("campaign_recipients_due")
    .on("campaign_recipients")
    .columns(["status", "next_attempt_at"])
    .execute();
  // A campaign's counts per status, and its recipients in order.
  await db.schema
    .createIndex("campaign_recipients_by_campaign_status")
    .on("campaign_recipients")
    .columns(["campaign_id", "status"])
    .execute();
  await db.schema
    .createIndex("campaign_recipients_by_campaign_position")
    .on("campaign_recipients")
    .columns(["campaign_id", "position"])
    .execute();

  await db.schema
    .createTable("campaign_unsubscribes")
    .addColumn("workspace_id", "text", (c) => c.notNull().references("workspaces.id").onDelete("cascade"))
    // email | whatsapp
    .addColumn("channel", "text", (c) => c.notNull())
    // Lower-case email or E.164 phone.
    .addColumn("address", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addUniqueConstraint("campaign_unsubscribes_unique", ["workspace_id", "channel", "address"])
    .execute();
  await db.schema
    .createIndex("campaigns_by_workspace_created")
    .on("campaigns")
    .columns(["workspace_id", "created_at", "seq"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("campaign_unsubscribes").execute();
  await db.schema.dropTable("campaign_recipients").execute();
  await db.schema.dropTable("campaigns").execute();
  await db.schema.dropTable("whatsapp_connections").execute();
}
