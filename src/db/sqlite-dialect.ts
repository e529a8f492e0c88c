/**
 * Kysely's SQLite dialect with two changes Kith needs:
 * - write transactions start with BEGIN IMMEDIATE, so two writers never both read and then
 *   fail to upgrade their lock (SQLITE_BUSY mid-transaction); they queue on busy_timeout instead;
 * - prepared statements are cached by SQL text (Kysely prepares every query anew);
 * - hot-path reads may skip Kysely's connection queue (see `directReaderOf`);
 * - migrations run in a transaction (SQLite's DDL is transactional; Kysely assumes it is not).
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

/**
 * Runs a read at once, or answers `undefined` while a transaction is open. better-sqlite3 is
 * synchronous, so a read that starts and ends between two statements of nobody's transaction sees
 * committed data only, and needs no place in Kysely's connection queue (a few promises per query).
 */
export type DirectReader = (sql: string, parameters: readonly unknown[]) => unknown[] | undefined;

const directReaders = new WeakMap<object, DirectReader>();

/** The direct reader of the SQLite database behind a Kysely adapter, if it is one of ours. */
export function directReaderOf(adapter: object): DirectReader | undefined {
  return directReaders.get(adapter);
}

/** SQLite runs DDL inside transactions, so a migration cut short (even by SIGKILL) leaves nothing. */
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

export class KithSqliteDialect implements Dialect {
  private readonly statements: SqliteDatabase;
  constructor(private readonly database: BetterSqlite) {
    this.statements = withStatementCache(database);
  }
  createAdapter() {
    const adapter = new TransactionalDdlSqliteAdapter();
    directReaders.set(adapter, (sql, parameters) =>
      this.database.inTransaction
        ? undefined
        : (this.statements.prepare(sql) as unknown as Statement).all(...parameters),
    );
    return adapter;
  }
  createDriver(): Driver {
    return new ImmediateSqliteDriver({ database: this.statements });
  }
  createQueryCompiler() {
    return new SqliteQueryCompiler();
  }
  createIntrospector(db: Kysely<any>) {
    return new SqliteIntrospector(db);
  }
}
