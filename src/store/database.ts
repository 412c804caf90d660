import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, type Dialect } from 'kysely';
import pg from 'pg';
import type { DatabaseConfig } from '../config/config.ts';
import { migrateToLatest } from './migrate.ts';
import type { DatabaseSchema } from './schema.ts';
import { registerSqliteHandle } from './sqlite-handle.ts';
import { startSqliteCheckpointer, type SqliteCheckpointer } from './sqlite-checkpointer.ts';

export type StoreDialect = DatabaseConfig['dialect'];

export interface Database {
  db: Kysely<DatabaseSchema>;
  dialect: StoreDialect;
  /** Closes the pool or the SQLite file (checkpointing its WAL). */
  destroy(): Promise<void>;
}

export interface CreateDatabaseOptions {
  /** Run pending migrations before returning (default true). */
  migrate?: boolean;
  /** PostgreSQL pool size (default 10). */
  poolSize?: number;
  /** Errors of idle pooled PostgreSQL connections (e.g. a server restart); they would crash the process otherwise. */
  onPoolError?: (err: Error) => void;
  /** SQLite file: checkpoint the WAL from a worker thread instead of inside commits (default false). */
  backgroundCheckpoints?: boolean;
}

/** Far-off fallback for the writer's own automatic checkpoint when a worker checkpoints (SQLite's default is 1,000). */
const FALLBACK_AUTOCHECKPOINT_PAGES = 10_000;

interface OpenedSqlite {
  dialect: SqliteDialect;
  raw: SqliteDatabase.Database;
  statement: (sql: string) => SqliteDatabase.Statement;
  checkpointer?: SqliteCheckpointer;
}

function openSqlite(filename: string, options: CreateDatabaseOptions): OpenedSqlite {
  if (filename !== ':memory:') mkdirSync(dirname(filename), { recursive: true, mode: 0o700 });
  const database = new SqliteDatabase(filename);
  // WAL lets readers run beside the writer; NORMAL is durable at each checkpoint and never corrupts
  // on a crash in WAL mode; a busy timeout rides out a second process (or a backup) holding the lock.
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  const statement = statementCache(database);
  const dialect = new SqliteDialect({ database: { close: () => database.close(), prepare: statement } });
  const opened = { dialect, raw: database, statement };
  if (!options.backgroundCheckpoints || filename === ':memory:') return opened;
  database.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`);
  return { ...opened, checkpointer: startSqliteCheckpointer(filename) };
}

/** Distinct SQL texts kept prepared (IN lists and multi-row inserts of other sizes are other texts). */
const STATEMENT_CACHE_SIZE = 256;

/**
 * Kysely prepares every query anew, and on the hot paths (Signal keys, messages, outbox) preparing costs
 * about as much as running. Reusing a prepared statement per SQL text is safe here: Kysely runs one
 * query at a time on the single SQLite connection and `all`/`run` finish synchronously (the raw hot
 * writes of `sqlite-handle.ts` share the cache, and run while holding that connection).
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

function openPostgres(url: string, options: CreateDatabaseOptions): PostgresDialect {
  const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 10 });
  pool.on('error', (err) => options.onPoolError?.(err));
  return new PostgresDialect({ pool });
}

function openDialect(database: DatabaseConfig, options: CreateDatabaseOptions): { dialect: Dialect; sqlite?: OpenedSqlite } {
  if (database.dialect === 'postgres') return { dialect: openPostgres(database.url, options) };
  const sqlite = openSqlite(database.filename, options);
  return { dialect: sqlite.dialect, sqlite };
}

/** Opens the configured database and brings its schema up to date. */
export async function createDatabase(
  config: { readonly database: DatabaseConfig },
  options: CreateDatabaseOptions = {},
): Promise<Database> {
  const { database } = config;
  const { dialect, sqlite } = openDialect(database, options);
  const db = new Kysely<DatabaseSchema>({ dialect });
  if (sqlite) registerSqliteHandle(db, sqlite.raw, sqlite.statement);
  const checkpointer = sqlite?.checkpointer;
  // The worker's connection goes first, so the writer's close is the last one and removes the WAL.
  const destroy = async () => {
    await checkpointer?.stop();
    await db.destroy();
  };
  try {
    if (options.migrate ?? true) await migrateToLatest(db, database.dialect);
  } catch (err) {
    await destroy();
    throw err;
  }
  return { db, dialect: database.dialect, destroy };
}
