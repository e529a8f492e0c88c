/**
 * The Epixel dialect's additions to leads (seeds/004):
 *
 * - leads.slug: how Epixel names a lead, unique per workspace. The leads service sets it on every
 *   new lead, whatever the API (a slugified name plus "-" and the lead's number, unique by
 *   construction); existing leads get `lead-<number>` here.
 * - leads.owner_user_id: the user who created the lead through Epixel (only the owner updates or
 *   deletes it there); null for leads made through other APIs.
 * - leads.status_word: the Epixel status word of the lead when it was set through Epixel; null
 *   means "the default word of the lead's core status". Any status change made elsewhere resets
 *   it to null.
 * - leads.location, leads.message: Epixel's two free-text fields (at most 255 characters).
 * - lead_status_definitions: per workspace, the Epixel status words with a description, colour,
 *   order and the core status each maps onto. Filled here for every existing workspace and lazily
 *   (src/core/leads/lead-status-words.ts) for new ones.
 *
 * Frozen in time: later changes go into new migrations.
 */
import { type Kysely, sql } from "kysely";

const DEFAULT_WORDS = [
  ["prospect", "Newly added lead, not contacted yet.", "#3B82F6", 1, "new"],
  ["contact", "Lead that has been contacted.", "#06B6D4", 2, "contacted"],
  ["tentative", "Lead showing tentative interest.", "#F59E0B", 3, "contacted"],
  ["potential", "Qualified lead with real potential.", "#8B5CF6", 4, "qualified"],
  ["customer", "Lead that became a customer.", "#10B981", 5, "converted"],
  ["closed", "Closed without a sale.", "#6B7280", 6, "unqualified"],
] as const;

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("leads").addColumn("slug", "text").execute();
  await db.schema
    .alterTable("leads")
    .addColumn("owner_user_id", "text", (c) => c.references("users.id").onDelete("set null"))
    .execute();
  await db.schema.alterTable("leads").addColumn("status_word", "text").execute();
  await db.schema.alterTable("leads").addColumn("location", "text").execute();
  await db.schema.alterTable("leads").addColumn("message", "text").execute();
  await sql`update leads set slug = 'lead-' || cast(seq as text) where slug is null`.execute(db);
  await db.schema
    .createIndex("leads_workspace_slug")
    .unique()
    .on("leads")
    .columns(["workspace_id", "slug"])
    .execute();
  await db.schema
    .createIndex("leads_workspace_owner")
    .on("leads")
    .columns(["workspace_id", "owner_user_id"])
    .execute();

  await db.schema
    .createTable("lead_status_definitions")
    .addColumn("workspace_id", "text", (c) => c.notNull().references("workspaces.id").onDelete("cascade"))
    .addColumn("word", "text", (c) => c.notNull())
    .addColumn("description", "text", (c) => c.notNull())
    .addColumn("color", "text", (c) => c.notNull())
    .addColumn("sort_order", "integer", (c) => c.notNull())
    .addColumn("core_status", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("lead_status_definitions_pk", ["workspace_id", "word"])
    .execute();
  for (const [word, description, color, order, status] of DEFAULT_WORDS) {
    await sql`insert into lead_status_definitions (workspace_id, word, description, color, sort_order, core_status)
      select id, ${word}, ${description}, ${color}, ${order}, ${status} from workspaces`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("lead_status_definitions").execute();
  await db.schema.dropIndex("leads_workspace_owner").execute();
  await db.schema.dropIndex("leads_workspace_slug").execute();
  for (const column of ["message", "location", "status_word", "owner_user_id", "slug"]) {
    await db.schema.alterTable("leads").dropColumn(column).execute();
  }
}
