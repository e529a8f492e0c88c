import { type Kysely, Migrator, sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { type DatabaseHandle, openDatabase } from "../../../src/db/database.js";
import { migrateToLatest } from "../../../src/db/migrate.js";
import { createTestDatabase, ENGINES, type TestDatabase } from "../../support/engines.js";

for (const engine of ENGINES) {
  describe(`migrations on ${engine}`, () => {
    let database: TestDatabase | undefined;
    let handle: DatabaseHandle | undefined;
    afterEach(async () => {
      await handle?.close();
      await database?.drop();
    });

    it("leave nothing behind when one fails halfway, and apply cleanly afterwards", async () => {
      database = await createTestDatabase(engine);
      handle = openDatabase(database.url);
      const db = handle.db as unknown as Kysely<any>;
      const failing = new Migrator({
        db,
        migrationTableName: "kith_migrations",
        migrationLockTableName: "kith_migrations_lock",
        provider: {
          getMigrations: async () => ({
            "0000-half-done": {
              up: async (trx: Kysely<any>) => {
                await trx.schema.createTable("half_done").addColumn("id", "text").execute();
                throw new Error("cut short");
              },
            },
          }),
        },
      });
      const { error } = await failing.migrateToLatest();
      expect(String(error)).toMatch(/cut short/);
      const tables =
        engine === "sqlite"
          ? await sql<{ name: string }>`select name from sqlite_master where name = 'half_done'`.execute(db)
          : await sql<{
              name: string;
            }>`select tablename as name from pg_tables where tablename = 'half_done'`.execute(db);
      expect(tables.rows).toEqual([]);
      expect((await migrateToLatest(db)).length).toBeGreaterThan(0);
    });
  });
}
