/**
 * The CRM core: companies (Valethon's prospect accounts), contacts and their company memberships,
 * tags, pipelines and stages, opportunities, activities, notes, custom-field definitions, lead
 * conversion links, and the global search index. Designed for the unified domain model of
 * shared/spec/seed-apis.md, so the other dialects map onto it without schema changes.
 * Frozen in time: later changes go into new migrations.
 */
import { type Kysely, sql } from "kysely";
import { engineOf } from "../database.js";

const workspaceRef = "workspaces.id";

/** Columns every numbered, soft-deleted record has, and its number and list-order indexes. */
async function recordTable(db: Kysely<any>, table: string, addColumns: (builder: any) => any): Promise<void> {
  let builder = db.schema
    .createTable(table)
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("workspace_id", "text", (c) => c.notNull().references(workspaceRef).onDelete("cascade"))
    .addColumn("seq", "integer", (c) => c.notNull());
  builder = addColumns(builder);
  await builder
    .addColumn("custom_fields", "text")
    .addColumn("created_at", "text", (c: any) => c.notNull())
    .addColumn("updated_at", "text", (c: any) => c.notNull())
    .addColumn("deleted_at", "text")
    .addUniqueConstraint(`${table}_workspace_seq`, ["workspace_id", "seq"])
    .execute();
  await liveIndex(db, table, "created", ["workspace_id", "created_at", "seq"]);
}

/** An index over live (not deleted) rows only. */
async function liveIndex(
  db: Kysely<any>,
  table: string,
  name: string,
  columns: string[],
  unique = false,
): Promise<void> {
  let builder = db.schema.createIndex(`${table}_live_by_${name}`).on(table).columns(columns);
  if (unique) builder = builder.unique();
  await builder.where(sql.ref("deleted_at"), "is", null).execute();
}

export async function up(db: Kysely<any>): Promise<void> {
  const postgres = engineOf(db) === "postgres";

  await recordTable(db, "companies", (t) =>
    t
      .addColumn("name", "text", (c: any) => c.notNull())
      .addColumn("name_normalized", "text", (c: any) => c.notNull())
      .addColumn("website", "text")
      .addColumn("industry", "text")
      .addColumn("phone", "text")
      .addColumn("email", "text")
      // prospect | customer | vendor | both
      .addColumn("relationship", "text", (c: any) => c.notNull())
      // active | inactive | converted | archived
      .addColumn("status", "text", (c: any) => c.notNull())
      .addColumn("owner_user_id", "text", (c: any) => c.references("users.id").onDelete("set null"))
      .addColumn("notes", "text")
      .addColumn("converted_at", "text"),
  );
  await liveIndex(db, "companies", "name", ["workspace_id", "name_normalized"]);
  await liveIndex(db, "companies", "status", ["workspace_id", "status", "created_at", "seq"]);

  await recordTable(db, "contacts", (t) =>
    t
      .addColumn("first_name", "text")
      .addColumn("last_name", "text")
      .addColumn("email", "text")
      .addColumn("email_normalized", "text")
      .addColumn("phone", "text")
      .addColumn("title", "text")
      .addColumn("role", "text")
      .addColumn("notes", "text")
      .addColumn("primary_company_id", "text", (c: any) => c.references("companies.id").onDelete("set null"))
      .addColumn("owner_user_id", "text", (c: any) => c.references("users.id").onDelete("set null"))
      .addColumn("source_lead_id", "text", (c: any) => c.references("leads.id").onDelete("set null")),
  );
  await liveIndex(db, "contacts", "email", ["workspace_id", "email_normalized"], true);
  await liveIndex(db, "contacts", "company", ["workspace_id", "primary_company_id"]);

  await db.schema
    .createTable("contact_companies")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("workspace_id", "text", (c) => c.notNull().references(workspaceRef).onDelete("cascade"))
    .addColumn("contact_id", "text", (c) => c.notNull().references("contacts.id").onDelete("cascade"))
    .addColumn("company_id", "text", (c) => c.notNull().references("companies.id").onDelete("cascade"))
    .addColumn("role", "text")
    .addColumn("is_primary", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addUniqueConstraint("contact_companies_pair", ["contact_id", "company_id"])
    .execute();
  await db.schema
    .createIndex("contact_companies_company")
    .on("contact_companies")
    .column("company_id")
    .execute();

  // Tags of any record type; the tag is stored as given and matched case-insensitively.
  await db.schema
    .createTable("entity_tags")
    .addColumn("workspace_id", "text", (c) => c.notNull().references(workspaceRef).onDelete("cascade"))
    .addColumn("entity_type", "text", (c) => c.notNull())
    .addColumn("entity_id", "text", (c) => c.notNull())
    .addColumn("tag", "text", (c) => c.notNull())
    .addColumn("tag_normalized", "text", (c) => c.notNull())
    .addColumn("position", "integer", (c) => c.notNull())
    .addPrimaryKeyConstraint("entity_tags_pk", ["entity_type", "entity_id", "tag_normalized"])
    .execute();
  await db.schema
    .createIndex("entity_tags_by_tag")
    .on("entity_tags")
    .columns(["workspace_id", "entity_type", "tag_normalized"])
    .execute();

  await db.schema
    .createTable("pipelines")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("workspace_id", "text", (c) => c.notNull().references(workspaceRef).onDelete("cascade"))
    .addColumn("seq", "integer", (c) => c.notNull())
    .addColumn("key", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("is_default", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addUniqueConstraint("pipelines_workspace_key", ["workspace_id", "key"])
    .addUniqueConstraint("pipelines_workspace_seq", ["workspace_id", "seq"])
    .execute();

  await db.schema
    .createTable("pipeline_stages")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("workspace_id", "text", (c) => c.notNull().references(workspaceRef).onDelete("cascade"))
    .addColumn("pipeline_id", "text", (c) => c.notNull().references("pipelines.id").onDelete("cascade"))
    .addColumn("seq", "integer", (c) => c.notNull())
    .addColumn("key", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    // open | won | lost
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("position", "integer", (c) => c.notNull())
    .addColumn("probability", "integer", (c) => c.notNull())
    .addColumn("color", "text")
    .addColumn("description", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addUniqueConstraint("pipeline_stages_key", ["pipeline_id", "key"])
    .addUniqueConstraint("pipeline_stages_workspace_seq", ["workspace_id", "seq"])
    .execute();

  await recordTable(db, "opportunities", (t) =>
    t
      .addColumn("name", "text", (c: any) => c.notNull())
      .addColumn("company_id", "text", (c: any) => c.references("companies.id").onDelete("set null"))
      .addColumn("contact_id", "text", (c: any) => c.references("contacts.id").onDelete("set null"))
      .addColumn("lead_id", "text", (c: any) => c.references("leads.id").onDelete("set null"))
      .addColumn("pipeline_id", "text", (c: any) => c.notNull().references("pipelines.id"))
      .addColumn("stage_id", "text", (c: any) => c.notNull().references("pipeline_stages.id"))
      // Money in minor units (cents) of `currency`, so sums are exact.
      .addColumn("value_minor", postgres ? "bigint" : "integer")
      .addColumn("currency", "text", (c: any) => c.notNull())
      .addColumn("probability", "integer")
      .addColumn("expected_close_date", "text")
      // open | won | lost
      .addColumn("status", "text", (c: any) => c.notNull())
      .addColumn("owner_user_id", "text", (c: any) => c.references("users.id").onDelete("set null"))
      .addColumn("won_at", "text")
      .addColumn("lost_at", "text")
      .addColumn("close_reason", "text"),
  );
  await liveIndex(db, "opportunities", "company", ["workspace_id", "company_id"]);
  await liveIndex(db, "opportunities", "stage", ["workspace_id", "stage_id"]);
  await liveIndex(db, "opportunities", "status", ["workspace_id", "status", "created_at", "seq"]);

  await recordTable(db, "activities", (t) =>
    t
      // call | email | meeting | task | note
      .addColumn("type", "text", (c: any) => c.notNull())
      .addColumn("subject", "text", (c: any) => c.notNull())
      .addColumn("description", "text")
      // lead | contact | company | opportunity (or none)
      .addColumn("entity_type", "text")
      .addColumn("entity_id", "text")
      .addColumn("assigned_user_id", "text", (c: any) => c.references("users.id").onDelete("set null"))
      .addColumn("due_at", "text")
      .addColumn("duration_minutes", "integer")
      .addColumn("starts_at", "text")
      .addColumn("ends_at", "text")
      .addColumn("completed", "integer", (c: any) => c.notNull().defaultTo(0))
      .addColumn("completed_at", "text")
      // Appointment status where a dialect has one (pending, confirmed, …); null otherwise.
      .addColumn("status", "text")
      .addColumn("created_by", "text"),
  );
  await liveIndex(db, "activities", "entity", ["workspace_id", "entity_type", "entity_id", "created_at"]);

  await recordTable(db, "notes", (t) =>
    t
      .addColumn("entity_type", "text", (c: any) => c.notNull())
      .addColumn("entity_id", "text", (c: any) => c.notNull())
      .addColumn("content", "text", (c: any) => c.notNull())
      .addColumn("is_pinned", "integer", (c: any) => c.notNull().defaultTo(0))
      .addColumn("author_user_id", "text", (c: any) => c.references("users.id").onDelete("set null"))
      .addColumn("created_by", "text"),
  );
  await liveIndex(db, "notes", "entity", ["workspace_id", "entity_type", "entity_id", "created_at"]);

  await db.schema
    .createTable("custom_field_definitions")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("workspace_id", "text", (c) => c.notNull().references(workspaceRef).onDelete("cascade"))
    .addColumn("seq", "integer", (c) => c.notNull())
    // lead | contact | company | opportunity
    .addColumn("entity_type", "text", (c) => c.notNull())
    .addColumn("key", "text", (c) => c.notNull())
    .addColumn("label", "text", (c) => c.notNull())
    // text | number | date | boolean | select | multiselect
    .addColumn("field_type", "text", (c) => c.notNull())
    .addColumn("options", "text")
    .addColumn("required", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("position", "integer", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addUniqueConstraint("custom_field_definitions_key", ["workspace_id", "entity_type", "key"])
    .addUniqueConstraint("custom_field_definitions_seq", ["workspace_id", "seq"])
    .execute();

  // Lead conversion links.
  for (const column of ["converted_contact_id", "converted_company_id", "converted_opportunity_id"]) {
    await db.schema.alterTable("leads").addColumn(column, "text").execute();
  }
  await db.schema.alterTable("leads").addColumn("converted_at", "text").execute();

  // Global search: one document per searchable record, kept in the write's transaction.
  await db.schema
    .createTable("search_documents")
    .addColumn("id", postgres ? "bigint" : "integer", (c) =>
      postgres ? c.primaryKey().generatedAlwaysAsIdentity() : c.primaryKey().autoIncrement(),
    )
    .addColumn("workspace_id", "text", (c) => c.notNull().references(workspaceRef).onDelete("cascade"))
    .addColumn("entity_type", "text", (c) => c.notNull())
    .addColumn("entity_id", "text", (c) => c.notNull())
    .addColumn("number", "integer", (c) => c.notNull())
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("subtitle", "text")
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addUniqueConstraint("search_documents_entity", ["entity_type", "entity_id"])
    .execute();
  if (postgres) {
    await sql`alter table search_documents add column tsv tsvector generated always as
      (setweight(to_tsvector('simple', title), 'A') || setweight(to_tsvector('simple', coalesce(subtitle, '')), 'B')
        || setweight(to_tsvector('simple', body), 'C')) stored`.execute(db);
    await sql`create index search_documents_tsv on search_documents using gin (tsv)`.execute(db);
    await sql`create index search_documents_workspace on search_documents (workspace_id, entity_type)`.execute(
      db,
    );
  } else {
    // External-content FTS5 table over search_documents, kept in step by triggers.
    await sql`create virtual table search_fts using fts5(title, subtitle, body,
      content='search_documents', content_rowid='id', tokenize='unicode61 remove_diacritics 2',
      prefix='1 2 3 4 5 6')`.execute(db);
    await sql`create trigger search_documents_ai after insert on search_documents begin
      insert into search_fts(rowid, title, subtitle, body) values (new.id, new.title, new.subtitle, new.body);
    end`.execute(db);
    await sql`create trigger search_documents_ad after delete on search_documents begin
      insert into search_fts(search_fts, rowid, title, subtitle, body)
        values ('delete', old.id, old.title, old.subtitle, old.body);
    end`.execute(db);
    await sql`create trigger search_documents_au after update on search_documents begin
      insert into search_fts(search_fts, rowid, title, subtitle, body)
        values ('delete', old.id, old.title, old.subtitle, old.body);
      insert into search_fts(rowid, title, subtitle, body) values (new.id, new.title, new.subtitle, new.body);
    end`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  if (engineOf(db) === "sqlite") await sql`drop table if exists search_fts`.execute(db);
  for (const table of [
    "search_documents",
    "custom_field_definitions",
    "notes",
    "activities",
    "opportunities",
    "pipeline_stages",
    "pipelines",
    "entity_tags",
    "contact_companies",
    "contacts",
    "companies",
  ]) {
    await db.schema.dropTable(table).execute();
  }
  for (const column of [
    "converted_contact_id",
    "converted_company_id",
    "converted_opportunity_id",
    "converted_at",
  ]) {
    await db.schema.alterTable("leads").dropColumn(column).execute();
  }
}
