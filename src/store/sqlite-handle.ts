import type SqliteDatabase from 'better-sqlite3';
import type { Compilable, Kysely } from 'kysely';

/**
 * The raw better-sqlite3 connection behind a Kysely instance that `createDatabase` opened on SQLite.
 *
 * Why: on the send path (a Signal ratchet step, the stored message, the outbox) Kysely costs more than
 * SQLite itself — building and compiling each query, and a chain of promises per statement. The hot
 * writes compile their statement once with Kysely (`compileRowStatement`) and run it here, synchronously,
 * a whole group commit in one transaction.
 */
export interface SqliteHandle {
  /** The prepared statement for this SQL text (prepared once; Kysely's own queries share the cache). */
  statement(sql: string): SqliteDatabase.Statement;
  /**
   * Runs `fn` synchronously inside one transaction on the raw connection, while holding Kysely's single
   * connection, so no Kysely query or transaction interleaves. Resolves with its result after the commit;
   * if `fn` throws, everything it wrote is rolled back and the promise rejects.
   */
  transaction<T>(fn: () => T): Promise<T>;
}

const handles = new WeakMap<Kysely<never>, SqliteHandle>();

/** Called by `createDatabase` for a SQLite database. */
export function registerSqliteHandle<DB>(
  db: Kysely<DB>,
  raw: SqliteDatabase.Database,
  statement: (sql: string) => SqliteDatabase.Statement,
): void {
  const inTransaction = raw.transaction((fn: () => unknown) => fn());
  handles.set(db as unknown as Kysely<never>, {
    statement,
    transaction: <T>(fn: () => T) => db.connection().execute(async () => inTransaction(fn) as T),
  });
}

/** The raw connection behind `db`, or undefined (PostgreSQL, a transaction, or a Kysely made elsewhere). */
export function sqliteHandleOf<DB>(db: Kysely<DB>): SqliteHandle | undefined {
  return handles.get(db as unknown as Kysely<never>);
}

/** A single-row statement compiled once, and how to bind one row to its parameters. */
export interface RowStatement<R> {
  sql: string;
  bind(row: R): unknown[];
}

/**
 * Compiles `build(row)` once, with a placeholder for each column, and records which column each
 * parameter is. Throws if the query binds anything that is not one of `columns` (a literal would be
 * frozen into the compiled text otherwise).
 */
export function compileRowStatement<R extends object>(
  columns: readonly (keyof R & string)[],
  build: (row: R) => Compilable,
): RowStatement<R> {
  const marker = (column: string) => `\u0000column:${column}`;
  const template = Object.fromEntries(columns.map((column) => [column, marker(column)])) as R;
  const compiled = build(template).compile();
  const order = compiled.parameters.map((parameter) => {
    const column = columns.find((c) => parameter === marker(c));
    if (column === undefined) throw new Error(`compileRowStatement: parameter ${String(parameter)} is not a column of the row`);
    return column;
  });
  return { sql: compiled.sql, bind: (row) => order.map((column) => row[column]) };
}
