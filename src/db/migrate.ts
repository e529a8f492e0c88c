/** Applies Kith's migrations: a static list, each frozen in time, run in name order. */
import { type Kysely, type Migration, type MigrationProvider, Migrator } from "kysely";
import * as foundation from "./migrations/2026-11-23-01-foundation.js";
import * as crmCore from "./migrations/2026-11-23-02-crm-core.js";
import * as webhooks from "./migrations/2026-11-23-03-webhooks.js";
import * as eventsFeed from "./migrations/2026-11-23-04-events-feed.js";
import * as chat from "./migrations/2026-11-23-05-chat.js";
import * as agentSessions from "./migrations/2026-11-23-06-agent-sessions.js";
import * as email from "./migrations/2026-11-23-07-email.js";
import * as marketingLists from "./migrations/2026-11-23-08-marketing-lists.js";
import * as leadPipeline from "./migrations/2026-11-23-09-lead-pipeline.js";
import * as campaigns from "./migrations/2026-11-23-10-campaigns.js";
import * as crmleadpro from "./migrations/2026-11-23-11-crmleadpro.js";
import * as pipelineCohorts from "./migrations/2026-11-24-12-pipeline-cohorts.js";
import * as epixel from "./migrations/2026-11-24-13-epixel.js";
import * as appointments from "./migrations/2026-11-24-14-appointments.js";

const MIGRATIONS: Record<string, Migration> = {
  "2026-11-23-01-foundation": foundation,
  "2026-11-23-02-crm-core": crmCore,
  "2026-11-23-03-webhooks": webhooks,
  "2026-11-23-04-events-feed": eventsFeed,
  "2026-11-23-05-chat": chat,
  "2026-11-23-06-agent-sessions": agentSessions,
  "2026-11-23-07-email": email,
  "2026-11-23-08-marketing-lists": marketingLists,
  "2026-11-23-09-lead-pipeline": leadPipeline,
  "2026-11-23-10-campaigns": campaigns,
  "2026-11-23-11-crmleadpro": crmleadpro,
  "2026-11-24-12-pipeline-cohorts": pipelineCohorts,
  "2026-11-24-13-epixel": epixel,
  "2026-11-24-14-appointments": appointments,
};

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

/** Returns the names of the migrations applied by this call (empty when already up to date). */
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider,
    migrationTableName: "kith_migrations",
    migrationLockTableName: "kith_migrations_lock",
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? [])
    .filter((result) => result.status === "Success")
    .map((result) => result.migrationName);
}
