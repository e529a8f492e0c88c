/**
 * Appointments (seeds/004) are the core's meeting activities on a lead. They add:
 *
 * - workspaces.time_zone: the IANA zone in which a workspace's wall-clock times are given and shown
 *   (Epixel's `yyyy-mm-dd HH:MM` appointment times); `UTC` until set with `kith workspace time-zone`.
 * - an index for the appointment checks and lists: one owner's meetings by start time.
 *
 * Frozen in time: later changes go into new migrations.
 */
import type { Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("workspaces")
    .addColumn("time_zone", "text", (c) => c.notNull().defaultTo("UTC"))
    .execute();
  await db.schema
    .createIndex("activities_by_creator_start")
    .on("activities")
    .columns(["workspace_id", "created_by", "starts_at"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("activities_by_creator_start").execute();
  await db.schema.alterTable("workspaces").dropColumn("time_zone").execute();
}
