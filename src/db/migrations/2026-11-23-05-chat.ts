/**
 * Website chat: conversations (one per widget session) and their messages, the bot's intents,
 * the workspace's service-status components, and per-workspace chat settings (widget greeting and
 * branding, whether the default intents were seeded, when the service status last changed).
 * Conversation tags live in `entity_tags` (entity_type `conversation`).
 * Frozen in time: later changes go into new migrations.
 */
import type { Kysely } from "kysely";

const workspaceRef = "workspaces.id";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("conversations")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("workspace_id", "text", (c) => c.notNull().references(workspaceRef).onDelete("cascade"))
    .addColumn("seq", "integer", (c) => c.notNull())
    // SHA-256 (hex) of the widget's session token; the token itself is never stored.
    .addColumn("session_digest", "text", (c) => c.notNull().unique())
    .addColumn("visitor_id", "text", (c) => c.notNull())
    .addColumn("visitor_name", "text")
    .addColumn("visitor_email", "text")
    .addColumn("ip", "text")
    .addColumn("user_agent", "text")
    .addColumn("referrer", "text")
    .addColumn("page_url", "text")
    // open | waiting | closed
    .addColumn("status", "text", (c) => c.notNull())
    // Set when a human took over (asked for, assigned or replied): from then on the bot is quiet.
    .addColumn("handed_off_at", "text")
    .addColumn("assignee_user_id", "text", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("is_read", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("lead_id", "text", (c) => c.references("leads.id").onDelete("set null"))
    .addColumn("contact_id", "text", (c) => c.references("contacts.id").onDelete("set null"))
    .addColumn("company_id", "text", (c) => c.references("companies.id").onDelete("set null"))
    // The task activity a "Create ticket" recorded, so it can follow a lead linked later.
    .addColumn("ticket_activity_id", "text", (c) => c.references("activities.id").onDelete("set null"))
    .addColumn("last_message_at", "text")
    .addColumn("last_message_preview", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addColumn("closed_at", "text")
    .addUniqueConstraint("conversations_workspace_seq", ["workspace_id", "seq"])
    .execute();
  await db.schema
    .createIndex("conversations_by_workspace_status")
    .on("conversations")
    .columns(["workspace_id", "status", "last_message_at"])
    .execute();
  await db.schema
    .createIndex("conversations_by_workspace_recent")
    .on("conversations")
    .columns(["workspace_id", "last_message_at"])
    .execute();

  await db.schema
    .createTable("chat_messages")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("workspace_id", "text", (c) => c.notNull().references(workspaceRef).onDelete("cascade"))
    .addColumn("conversation_id", "text", (c) =>
      c.notNull().references("conversations.id").onDelete("cascade"),
    )
    // visitor | bot | agent
    .addColumn("sender", "text", (c) => c.notNull())
    .addColumn("text", "text", (c) => c.notNull())
    // JSON array of action labels.
    .addColumn("suggested_actions", "text", (c) => c.notNull())
    .addColumn("author_user_id", "text", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("chat_messages_by_conversation")
    .on("chat_messages")
    .columns(["conversation_id", "created_at", "id"])
    .execute();

  await db.schema
    .createTable("bot_intents")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("workspace_id", "text", (c) => c.notNull().references(workspaceRef).onDelete("cascade"))
    .addColumn("seq", "integer", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    // JSON arrays of strings.
    .addColumn("keywords", "text", (c) => c.notNull())
    .addColumn("phrases", "text", (c) => c.notNull())
    .addColumn("reply", "text", (c) => c.notNull())
    .addColumn("suggested_actions", "text", (c) => c.notNull())
    .addColumn("priority", "integer", (c) => c.notNull())
    .addColumn("enabled", "integer", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addUniqueConstraint("bot_intents_workspace_seq", ["workspace_id", "seq"])
    .execute();

  await db.schema
    .createTable("service_components")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("workspace_id", "text", (c) => c.notNull().references(workspaceRef).onDelete("cascade"))
    .addColumn("seq", "integer", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("name_normalized", "text", (c) => c.notNull())
    // operational | degraded | outage | maintenance
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("message", "text")
    .addColumn("sort_order", "integer", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addUniqueConstraint("service_components_workspace_seq", ["workspace_id", "seq"])
    .addUniqueConstraint("service_components_workspace_name", ["workspace_id", "name_normalized"])
    .execute();

  await db.schema
    .createTable("chat_settings")
    .addColumn("workspace_id", "text", (c) => c.primaryKey().references(workspaceRef).onDelete("cascade"))
    // NULL means the default (greeting, colour) or the workspace's name (company name).
    .addColumn("greeting", "text")
    .addColumn("company_name", "text")
    .addColumn("primary_color", "text")
    .addColumn("logo_url", "text")
    // 1 once the default intents were put in, so deleting them all does not bring them back.
    .addColumn("intents_seeded", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("status_updated_at", "text")
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    "chat_settings",
    "service_components",
    "bot_intents",
    "chat_messages",
    "conversations",
  ]) {
    await db.schema.dropTable(table).execute();
  }
  await db.deleteFrom("entity_tags").where("entity_type", "=", "conversation").execute();
}
