/**
 * Marketing lists (named sets of companies and contacts), and the indexes the dashboard's
 * aggregates read. Frozen in time: later changes go into new migrations.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("marketing_lists")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("workspace_id", "text", (c) => c.notNull().references("workspaces.id").onDelete("cascade"))
    .addColumn("seq", "integer", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("description", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addColumn("deleted_at", "text")
    .addUniqueConstraint("marketing_lists_workspace_seq", ["workspace_id", "seq"])
    .execute();
  await sql`create index marketing_lists_live_by_created on marketing_lists (workspace_id, created_at, seq) where deleted_at is null`.execute(
    db,
  );

  await db.schema
    .createTable("marketing_list_members")
    .addColumn("workspace_id", "text", (c) => c.notNull().references("workspaces.id").onDelete("cascade"))
    .addColumn("list_id", "text", (c) => c.notNull().references("marketing_lists.id").onDelete("cascade"))
    // company | contact
    .addColumn("member_type", "text", (c) => c.notNull())
    .addColumn("member_id", "text", (c) => c.notNull())
    .addColumn("added_at", "text", (c) => c.notNull())
    .addUniqueConstraint("marketing_list_members_unique", ["list_id", "member_type", "member_id"])
    .execute();
  // Members list in the order they were added.
  await db.schema
    .createIndex("marketing_list_members_by_added")
    .on("marketing_list_members")
    .columns(["list_id", "added_at"])
    .execute();

  // Dashboard: open tasks by due time, cards per stage with their value, and
  // the month's wins and losses, each answered from an index alone (recent activities use
  // activities_live_by_created of migration 02).
  await sql`create index activities_live_open_tasks_by_due on activities (workspace_id, due_at) where deleted_at is null and type = 'task' and completed = 0`.execute(
    db,
  );
  await sql`create index opportunities_live_by_stage_value on opportunities (workspace_id, stage_id, currency, value_minor) where deleted_at is null`.execute(
    db,
  );
  await sql`create index opportunities_live_by_won on opportunities (workspace_id, won_at, currency, value_minor) where deleted_at is null and won_at is not null`.execute(
    db,
  );
  await sql`create index opportunities_live_by_lost on opportunities (workspace_id, lost_at, currency, value_minor) where deleted_at is null and lost_at is not null`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const index of [
    "activities_live_open_tasks_by_due",
    "opportunities_live_by_stage_value",
    "opportunities_live_by_won",
    "opportunities_live_by_lost",
  ]) {
    await db.schema.dropIndex(index).execute();
  }
  await db.schema.dropTable("marketing_list_members").execute();
  await db.schema.dropTable("marketing_lists").execute();
}
