/**
 * Leads as pipeline cards (the Axiomatic view of a lead, and CRMLead Pro's `pipeline_stage`): a
 * title, a stage of the workspace's default pipeline, a value, a company and a contact, and the
 * history of stage moves that lead timelines read (with an index for a lead's outbound emails).
 * Existing leads start in the default pipeline's first open stage. Frozen in time: later changes
 * go into new migrations.
 */
import { type Kysely, sql } from "kysely";
import { engineOf } from "../database.js";

export async function up(db: Kysely<any>): Promise<void> {
  const postgres = engineOf(db) === "postgres";
  const columns: [string, string, ((c: any) => any)?][] = [
    ["title", "text"],
    // No ON DELETE: a stage goes only after its leads moved (pipelines.service deleteStage).
    ["stage_id", "text", (c) => c.references("pipeline_stages.id")],
    ["stage_changed_at", "text"],
    // Money in minor units (cents) of `currency`, as on opportunities.
    ["value_minor", postgres ? "bigint" : "integer"],
    ["currency", "text"],
    ["company_id", "text", (c) => c.references("companies.id").onDelete("set null")],
    ["contact_id", "text", (c) => c.references("contacts.id").onDelete("set null")],
  ];
  for (const [name, type, build] of columns) {
    await db.schema
      .alterTable("leads")
      .addColumn(name, type as any, build ?? ((c) => c))
      .execute();
  }
  // The board: a stage's leads, newest first; and the leads that moved into a won or lost stage
  // within a month (the dashboard), from the index alone.
  await sql`create index leads_live_by_stage on leads (workspace_id, stage_id, created_at, seq, stage_changed_at, currency, value_minor, deleted_at) where deleted_at is null`.execute(
    db,
  );
  await sql`create index leads_live_by_company on leads (workspace_id, company_id) where deleted_at is null and company_id is not null`.execute(
    db,
  );
  await sql`create index leads_live_by_contact on leads (workspace_id, contact_id) where deleted_at is null and contact_id is not null`.execute(
    db,
  );
  await sql`update leads set stage_changed_at = created_at, stage_id = (
      select s.id from pipeline_stages s join pipelines p on p.id = s.pipeline_id
      where p.workspace_id = leads.workspace_id and p.is_default = 1 and s.kind = 'open'
      order by s.position limit 1)`.execute(db);

  await db.schema
    .createTable("lead_stage_moves")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("workspace_id", "text", (c) => c.notNull().references("workspaces.id").onDelete("cascade"))
    .addColumn("lead_id", "text", (c) => c.notNull().references("leads.id").onDelete("cascade"))
    // Stages may be deleted later: the move keeps their ids and the names they had.
    .addColumn("from_stage_id", "text")
    .addColumn("from_stage_name", "text")
    .addColumn("to_stage_id", "text", (c) => c.notNull())
    .addColumn("to_stage_name", "text", (c) => c.notNull())
    .addColumn("actor", "text")
    .addColumn("moved_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("lead_stage_moves_by_lead")
    .on("lead_stage_moves")
    .columns(["lead_id", "moved_at"])
    .execute();
  // Live leads and their value per stage and currency, kept by the leads service in each write's
  // transaction: the board's counts and the dashboard's sums without reading every lead. `currency`
  // is '' for leads without a value.
  await db.schema
    .createTable("lead_stage_totals")
    .addColumn("workspace_id", "text", (c) => c.notNull().references("workspaces.id").onDelete("cascade"))
    .addColumn("stage_id", "text", (c) => c.notNull().references("pipeline_stages.id").onDelete("cascade"))
    .addColumn("currency", "text", (c) => c.notNull())
    .addColumn("lead_count", "integer", (c) => c.notNull())
    .addColumn("value_minor", postgres ? "bigint" : "integer", (c) => c.notNull())
    .addPrimaryKeyConstraint("lead_stage_totals_pk", ["workspace_id", "stage_id", "currency"])
    .execute();
  await sql`insert into lead_stage_totals (workspace_id, stage_id, currency, lead_count, value_minor)
    select workspace_id, stage_id, coalesce(currency, ''), count(*), coalesce(sum(value_minor), 0)
    from leads where deleted_at is null and stage_id is not null
    group by workspace_id, stage_id, coalesce(currency, '')`.execute(db);

  // A lead's timeline lists its messages still waiting to be sent.
  await db.schema
    .createIndex("outbound_emails_by_lead")
    .on("outbound_emails")
    .columns(["workspace_id", "lead_id"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("outbound_emails_by_lead").execute();
  await db.schema.dropTable("lead_stage_moves").execute();
  await db.schema.dropTable("lead_stage_totals").execute();
  for (const index of ["leads_live_by_stage", "leads_live_by_company", "leads_live_by_contact"]) {
    await db.schema.dropIndex(index).execute();
  }
  for (const column of [
    "contact_id",
    "company_id",
    "currency",
    "value_minor",
    "stage_changed_at",
    "stage_id",
    "title",
  ]) {
    await db.schema.alterTable("leads").dropColumn(column).execute();
  }
}
