/**
 * Kysely's SQLite dialect with two changes Kith needs:
 * - write transactions start with BEGIN IMMEDIATE, so two writers never both read and then
 *   fail to upgrade their lock (SQLITE_BUSY mid-transaction); they queue on busy_timeout instead;
 * - prepared statements are cached by SQL text (Kysely prepares every query anew).
 */
import type { Database as BetterSqlite, Statement } from "better-sqlite3";
import {
  CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  SqliteAdapter,
  type SqliteDatabase,
  SqliteDriver,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type SqliteStatement,
} from "kysely";

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("begin immediate"));
  }
}

const STATEMENT_CACHE_SIZE = 500;

/** Wraps a better-sqlite3 handle so `prepare` reuses statements (least recently used evicted). */
function withStatementCache(database: BetterSqlite): SqliteDatabase {
  const cache = new Map<string, Statement>();
  return {
    close: () => {
      cache.clear();
      database.close();
    },
    prepare(sql: string): SqliteStatement {
      let statement = cache.get(sql);
      if (statement) {
        cache.delete(sql);
      } else {
        statement = database.prepare(sql);
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
      }
      cache.set(sql, statement);
      return statement as unknown as SqliteStatement;
    },
  };
}

export class KithSqliteDialect implements Dialect {
  constructor(private readonly database: BetterSqlite) {}
  createAdapter() {
    return new SqliteAdapter();
  }
  createDriver(): Driver {
    return new ImmediateSqliteDriver({ database: withStatementCache(this.database) });
  }
  createQueryCompiler() {
    return new SqliteQueryCompiler();
  }
  createIntrospector(db: Kysely<any>) {
    return new SqliteIntrospector(db);
  }
}
