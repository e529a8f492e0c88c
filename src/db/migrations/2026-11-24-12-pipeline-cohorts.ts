/**
 * Pipeline analytics from kept aggregates: the live leads' figures per UTC day and per UTC month of
 * their creation (`period` 'D2026-03-01' or 'M2026-03': each lead counts in one row of each), kept
 * by the leads service in each write's transaction (src/core/leads/lead-cohorts.ts), so a date
 * range reads its whole months and its remaining whole days, a few rows each, instead of every
 * lead and every stage move.
 *
 * - lead_cohort_totals: leads now in a stage per currency ('' for none), their value, and the sum
 *   of (stage_changed_at - created_at) in milliseconds (deal velocity for the won stages).
 * - lead_cohort_paths: leads per set of stages they ever stood in (`stage_ids`: the ids sorted and
 *   joined by ','); the funnel's "reached" counts follow from the stages' current order.
 * - lead_cohort_stays: completed stays per stage (each move ends one) and their summed length.
 *
 * No foreign key to the stages: a deleted stage's past stays stay part of the history. Existing
 * data is aggregated here. Frozen in time: later changes go into new migrations.
 */
import { type Kysely, sql } from "kysely";
import { engineOf } from "../database.js";

export async function up(db: Kysely<any>): Promise<void> {
  const postgres = engineOf(db) === "postgres";
  const big = postgres ? "bigint" : "integer";
  const ms = (later: string, earlier: string) =>
    postgres
      ? sql.raw(`round(extract(epoch from (${later}::timestamptz - ${earlier}::timestamptz)) * 1000)`)
      : sql.raw(`round((julianday(${later}) - julianday(${earlier})) * 86400000)`);
  // Each statement runs twice: once per day, once per month of creation.
  const periods = [
    (column: string) => sql.raw(`'D' || substr(${column}, 1, 10)`),
    (column: string) => sql.raw(`'M' || substr(${column}, 1, 7)`),
  ];

  const table = (name: string) =>
    db.schema
      .createTable(name)
      .addColumn("workspace_id", "text", (c) => c.notNull().references("workspaces.id").onDelete("cascade"))
      .addColumn("period", "text", (c) => c.notNull());
  await table("lead_cohort_totals")
    .addColumn("stage_id", "text", (c) => c.notNull())
    .addColumn("currency", "text", (c) => c.notNull())
    .addColumn("lead_count", "integer", (c) => c.notNull())
    .addColumn("value_minor", big, (c) => c.notNull())
    .addColumn("stage_age_ms", big, (c) => c.notNull())
    .addPrimaryKeyConstraint("lead_cohort_totals_pk", ["workspace_id", "period", "stage_id", "currency"])
    .execute();
  await table("lead_cohort_paths")
    .addColumn("stage_ids", "text", (c) => c.notNull())
    .addColumn("lead_count", "integer", (c) => c.notNull())
    .addPrimaryKeyConstraint("lead_cohort_paths_pk", ["workspace_id", "period", "stage_ids"])
    .execute();
  await table("lead_cohort_stays")
    .addColumn("stage_id", "text", (c) => c.notNull())
    .addColumn("stay_count", "integer", (c) => c.notNull())
    .addColumn("stay_ms", big, (c) => c.notNull())
    .addPrimaryKeyConstraint("lead_cohort_stays_pk", ["workspace_id", "period", "stage_id"])
    .execute();

  for (const periodOf of periods) {
    const live = sql`l.deleted_at is null and l.stage_id is not null`;
    await sql`insert into lead_cohort_totals
        (workspace_id, period, stage_id, currency, lead_count, value_minor, stage_age_ms)
      select l.workspace_id, ${periodOf("l.created_at")}, l.stage_id, coalesce(l.currency, ''), count(*),
        coalesce(sum(l.value_minor), 0),
        coalesce(sum(${ms("coalesce(l.stage_changed_at, l.created_at)", "l.created_at")}), 0)
      from leads l where ${live}
      group by l.workspace_id, ${periodOf("l.created_at")}, l.stage_id, coalesce(l.currency, '')`.execute(db);
    await sql`insert into lead_cohort_paths (workspace_id, period, stage_ids, lead_count)
      with visits as (
        select l.id, l.stage_id as stage_id from leads l where ${live}
        union select l.id, m.from_stage_id from leads l join lead_stage_moves m on m.lead_id = l.id
          where ${live} and m.from_stage_id is not null
        union select l.id, m.to_stage_id from leads l join lead_stage_moves m on m.lead_id = l.id
          where ${live}
      ),
      paths as (
        select v.id, string_agg(v.stage_id, ',' order by v.stage_id) as stage_ids from visits v group by v.id
      )
      select l.workspace_id, ${periodOf("l.created_at")}, p.stage_ids, count(*)
      from paths p join leads l on l.id = p.id
      group by l.workspace_id, ${periodOf("l.created_at")}, p.stage_ids`.execute(db);
    await sql`insert into lead_cohort_stays (workspace_id, period, stage_id, stay_count, stay_ms)
      with stays as (
        select l.workspace_id, ${periodOf("l.created_at")} as period, m.from_stage_id as stage_id,
          m.moved_at as left_at,
          coalesce(lag(m.moved_at) over (partition by m.lead_id order by m.moved_at, m.id), l.created_at)
            as entered_at
        from leads l join lead_stage_moves m on m.lead_id = l.id where ${live}
      )
      select workspace_id, period, stage_id, count(*), sum(${ms("left_at", "entered_at")})
      from stays where stage_id is not null group by workspace_id, period, stage_id`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const name of ["lead_cohort_stays", "lead_cohort_paths", "lead_cohort_totals"]) {
    await db.schema.dropTable(name).execute();
  }
}
