/**
 * Agent sessions of the web inbox: one row per login. The session token lives only in the
 * agent's cookie; the row keeps its SHA-256 digest, so a copy of the database opens no inbox.
 * Frozen in time: later changes go into new migrations.
 */
import type { Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("agent_sessions")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("workspace_id", "text", (c) => c.notNull().references("workspaces.id").onDelete("cascade"))
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    // SHA-256 of the session token, hex.
    .addColumn("token_digest", "text", (c) => c.notNull().unique())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("last_seen_at", "text", (c) => c.notNull())
    // The earlier of last use + idle lifetime and creation + absolute lifetime; moved by each use.
    .addColumn("expires_at", "text", (c) => c.notNull())
    .execute();
  // Expired sessions are swept by age.
  await db.schema.createIndex("agent_sessions_expiry").on("agent_sessions").column("expires_at").execute();
  await db.schema.createIndex("agent_sessions_user").on("agent_sessions").column("user_id").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("agent_sessions").execute();
}
