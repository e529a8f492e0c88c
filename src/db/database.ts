/**
 * Opens Kith's database on either engine. SQLite (better-sqlite3, WAL) is the embedded default;
 * PostgreSQL is chosen by a postgres:// URL. Everything above this module sees one Kysely type.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import SqliteDatabase from "better-sqlite3";
import { Kysely, PostgresAdapter, PostgresDialect, sql } from "kysely";
import pg from "pg";
import type { Database } from "./schema.js";
import { KithSqliteDialect } from "./sqlite-dialect.js";

export type Engine = "sqlite" | "postgres";

export interface DatabaseHandle {
  readonly db: Kysely<Database>;
  readonly engine: Engine;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

const PG_INT8 = 20;
const PG_NUMERIC = 1700;

function openPostgres(url: string): DatabaseHandle {
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    // Counts and sequence numbers fit comfortably in a double.
    types: {
      getTypeParser: (oid: number, format?: any) =>
        oid === PG_INT8 || oid === PG_NUMERIC ? Number : pg.types.getTypeParser(oid, format),
    },
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    engine: "postgres",
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: () => db.destroy(),
  };
}

function openSqlite(path: string): DatabaseHandle {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const database = new SqliteDatabase(path);
  database.pragma("journal_mode = WAL");
  database.pragma("synchronous = NORMAL");
  database.pragma("busy_timeout = 5000");
  database.pragma("foreign_keys = ON");
  // Reads are served from memory: a 64 MiB page cache, and the file mapped so cache misses cost
  // no system call. Both are upper bounds, not allocations.
  database.pragma("cache_size = -65536");
  database.pragma("mmap_size = 268435456");
  database.pragma("temp_store = MEMORY");
  // The query planner needs table statistics to prefer a primary key over a broad partial index.
  // Sampled analysis keeps ANALYZE fast on big tables; `optimize` refreshes what looks stale.
  database.pragma("analysis_limit = 1000");
  database.pragma("optimize = 0x10002");
  const db = new Kysely<Database>({ dialect: new KithSqliteDialect(database) });
  return {
    db,
    engine: "sqlite",
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: async () => {
      database.pragma("optimize");
      await db.destroy();
    },
  };
}

/** `url` is a validated DATABASE_URL: `sqlite:PATH`, `sqlite::memory:` or `postgres://…`. */
export function openDatabase(url: string): DatabaseHandle {
  if (url.startsWith("sqlite:")) return openSqlite(url.slice("sqlite:".length));
  return openPostgres(url);
}

export function engineOf(db: Kysely<any>): Engine {
  return db.getExecutor().adapter instanceof PostgresAdapter ? "postgres" : "sqlite";
}
