import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { DatabaseSchema } from '../schema.ts';
import { startSqliteCheckpointer, type SqliteCheckpointer } from './sqlite-checkpointer.ts';

/** Far-off fallback for the writer's own automatic checkpoint when a worker checkpoints (SQLite's default is 1,000). */
const FALLBACK_AUTOCHECKPOINT_PAGES = 10_000;
/** Distinct SQL texts of Kysely's cold queries kept prepared (IN lists of other sizes are other texts). */
const STATEMENT_CACHE_SIZE = 256;

export type SqliteStatement = SqliteDatabase.Statement;

/** The one SQLite connection of a store: Kysely for cold queries, and the raw connection for hot writes. */
export interface SqliteConnection {
  readonly db: Kysely<DatabaseSchema>;
  /** Prepares `sql` once: call it once per statement and keep the result (see `sqlite-hot-writes.ts`). */
  prepare(sql: string): SqliteDatabase.Statement;
  /**
   * Runs `fn` synchronously inside one transaction on the raw connection, while holding Kysely's single
   * connection, so no Kysely query or transaction interleaves. Resolves with its result after the commit;
   * if `fn` throws, everything it wrote is rolled back and the promise rejects.
   */
  transaction<T>(fn: () => T): Promise<T>;
  /** Stops the checkpointer, then closes the file (the last close removes the WAL). */
  close(): Promise<void>;
}

/**
 * Kysely prepares every query anew, and preparing can cost as much as running. Reusing a prepared
 * statement per SQL text is safe: Kysely runs one query at a time on the single connection, and
 * `all`/`run` finish synchronously.
 */
function statementCache(database: SqliteDatabase.Database): (sql: string) => SqliteDatabase.Statement {
  const statements = new Map<string, SqliteDatabase.Statement>();
  return (sql: string) => {
    let statement = statements.get(sql);
    if (statement) {
      statements.delete(sql); // re-inserted below: the Map's order is least recently used first
    } else {
      statement = database.prepare(sql);
      if (statements.size >= STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value as string);
    }
    statements.set(sql, statement);
    return statement;
  };
}

/** The database file and its WAL and shared-memory files: owner only, whoever created them and with what umask. */
function makePrivate(filename: string): void {
  for (const file of [filename, `${filename}-wal`, `${filename}-shm`]) {
    if (existsSync(file)) chmodSync(file, 0o600);
  }
}

export function openSqliteConnection(filename: string, options: { backgroundCheckpoints?: boolean }): SqliteConnection {
  if (filename !== ':memory:') mkdirSync(dirname(filename), { recursive: true, mode: 0o700 });
  const raw = new SqliteDatabase(filename);
  // WAL lets readers run beside the writer; NORMAL is durable at each checkpoint and never corrupts
  // on a crash in WAL mode; a busy timeout rides out a second process (or a backup) holding the lock.
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  raw.pragma('foreign_keys = ON');
  raw.pragma('busy_timeout = 5000');
  if (filename !== ':memory:') makePrivate(filename);
  let checkpointer: SqliteCheckpointer | undefined;
  if (options.backgroundCheckpoints && filename !== ':memory:') {
    raw.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`);
    checkpointer = startSqliteCheckpointer(filename);
  }
  const db = new Kysely<DatabaseSchema>({
    dialect: new SqliteDialect({ database: { close: () => raw.close(), prepare: statementCache(raw) } }),
  });
  const inTransaction = raw.transaction((fn: () => unknown) => fn());
  return {
    db,
    prepare: (sql) => raw.prepare(sql),
    transaction: <T>(fn: () => T) => db.connection().execute(async () => inTransaction(fn) as T),
    async close() {
      // The worker's connection goes first, so the writer's close is the last one and removes the WAL.
      await checkpointer?.stop();
      await db.destroy();
    },
  };
}
