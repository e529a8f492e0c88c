/**
 * Foundation schema: workspaces, settings, users, API keys, per-workspace counters, leads, events.
 * Frozen in time: later changes go into new migrations.
 */
import { type Kysely, sql } from "kysely";
import { engineOf } from "../database.js";

export async function up(db: Kysely<any>): Promise<void> {
  const postgres = engineOf(db) === "postgres";

  await db.schema
    .createTable("workspaces")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("slug", "text", (c) => c.notNull().unique())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("settings")
    .addColumn("key", "text", (c) => c.primaryKey())
    .addColumn("value", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("users")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("workspace_id", "text", (c) => c.notNull().references("workspaces.id").onDelete("cascade"))
    .addColumn("seq", "integer", (c) => c.notNull())
    .addColumn("username", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("email", "text", (c) => c.notNull())
    .addColumn("password_hash", "text")
    .addColumn("role", "text", (c) => c.notNull())
    .addColumn("active", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addUniqueConstraint("users_workspace_seq", ["workspace_id", "seq"])
    .addUniqueConstraint("users_workspace_username", ["workspace_id", "username"])
    .execute();

  await db.schema
    .createTable("api_keys")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("workspace_id", "text", (c) => c.notNull().references("workspaces.id").onDelete("cascade"))
    .addColumn("name", "text")
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("format", "text", (c) => c.notNull())
    .addColumn("prefix", "text", (c) => c.notNull())
    .addColumn("digest", "text", (c) => c.notNull().unique())
    .addColumn("scopes", "text")
    .addColumn("rate_limit", "integer")
    .addColumn("origins", "text")
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addColumn("last_used_at", "text")
    .execute();
  await db.schema.createIndex("api_keys_workspace").on("api_keys").column("workspace_id").execute();

  await db.schema
    .createTable("counters")
    .addColumn("workspace_id", "text", (c) => c.notNull().references("workspaces.id").onDelete("cascade"))
    .addColumn("entity", "text", (c) => c.notNull())
    .addColumn("last_number", "integer", (c) => c.notNull())
    .addColumn("live_count", "integer", (c) => c.notNull())
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint("counters_pk", ["workspace_id", "entity"])
    .execute();

  await db.schema
    .createTable("leads")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("workspace_id", "text", (c) => c.notNull().references("workspaces.id").onDelete("cascade"))
    .addColumn("seq", "integer", (c) => c.notNull())
    .addColumn("first_name", "text")
    .addColumn("last_name", "text")
    .addColumn("email", "text")
    .addColumn("email_normalized", "text")
    .addColumn("phone", "text")
    .addColumn("company_name", "text")
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("source", "text")
    .addColumn("form_type", "text")
    .addColumn("raw_payload", "text")
    .addColumn("score", "integer")
    .addColumn("assigned_user_id", "text", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("custom_fields", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addColumn("deleted_at", "text")
    .addUniqueConstraint("leads_workspace_seq", ["workspace_id", "seq"])
    .execute();
  // Live leads only: a deleted lead's email may be used again.
  await db.schema
    .createIndex("leads_live_email")
    .on("leads")
    .columns(["workspace_id", "email_normalized"])
    .unique()
    .where(sql.ref("deleted_at"), "is", null)
    .execute();
  // Each index costs every write a page or more, so only the list's default order and its most
  // common filters have one; other filters and sorts scan the workspace's live leads.
  for (const [name, columns] of [
    ["created", ["workspace_id", "created_at", "seq"]],
    ["status", ["workspace_id", "status", "created_at", "seq"]],
    ["source", ["workspace_id", "source", "created_at", "seq"]],
    ["assignee", ["workspace_id", "assigned_user_id", "created_at", "seq"]],
  ] as const) {
    await db.schema
      .createIndex(`leads_live_by_${name}`)
      .on("leads")
      .columns([...columns])
      .where(sql.ref("deleted_at"), "is", null)
      .execute();
  }

  await db.schema
    .createTable("events")
    .addColumn("position", postgres ? "bigint" : "integer", (c) =>
      postgres ? c.primaryKey().generatedAlwaysAsIdentity() : c.primaryKey().autoIncrement(),
    )
    // UUIDv7, unique by construction; not indexed, since nothing looks an event up by it.
    .addColumn("id", "text", (c) => c.notNull())
    .addColumn("workspace_id", "text", (c) => c.notNull().references("workspaces.id").onDelete("cascade"))
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("entity_type", "text", (c) => c.notNull())
    .addColumn("entity_id", "text", (c) => c.notNull())
    .addColumn("data", "text", (c) => c.notNull())
    .addColumn("actor", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  // No secondary index: consumers read the stream in `position` order (the primary key).
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ["events", "leads", "counters", "api_keys", "users", "settings", "workspaces"]) {
    await db.schema.dropTable(table).execute();
  }
}
