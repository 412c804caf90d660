import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import type { DatabaseConfig } from '../../src/config/config.ts';
import { openStore } from '../../src/store/open-store.ts';
import type { Store, StoreDialect, StoreOptions } from '../../src/store/store.ts';

/** The encryption key of the test stores (one per test process). */
export const TEST_ENCRYPTION_KEY: Buffer = randomBytes(32);

/** Test support: the dialects every store test runs on. */
export const TEST_DIALECTS: readonly StoreDialect[] = ['sqlite', 'postgres'];

export type Dialect = StoreDialect;
export const DIALECTS = TEST_DIALECTS;

/** A fresh temp directory for one test's data (SQLite file, generated key). */
export const tempDir = (prefix = 'wagate-test-'): string => mkdtempSync(join(tmpdir(), prefix));

/** The server scripts/with-postgres.sh started. Missing means a broken test setup: fail, never skip. */
export function testPostgresUrl(): string {
  const url = process.env.WAGATE_TEST_PG_URL;
  if (!url) {
    throw new Error('WAGATE_TEST_PG_URL is not set: run tests through `npm test` or `bash scripts/with-postgres.sh …`');
  }
  return url;
}

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: testPostgresUrl() });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** A brand-new empty database: a temp SQLite file, or a uniquely named PostgreSQL database. */
export async function freshDatabaseConfig(
  dialect: StoreDialect,
): Promise<{ config: DatabaseConfig; drop(): Promise<void> }> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'wagate-store-'));
    return {
      config: { dialect, filename: join(dir, 'test.sqlite') },
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  // Generated from hex only, so it is safe to splice into DDL (identifiers cannot be bound).
  const name = `wagate_test_${randomBytes(8).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = new URL(testPostgresUrl());
  url.pathname = `/${name}`;
  return {
    config: { dialect, url: url.toString() },
    drop: () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

/** A store on a migrated database of its own for one test suite; destroy() closes it and drops it. */
export async function openTestDatabase(dialect: StoreDialect, options: StoreOptions = {}): Promise<Store> {
  const fresh = await freshDatabaseConfig(dialect);
  const store = await openStore({ database: fresh.config, encryptionKey: TEST_ENCRYPTION_KEY }, options);
  return {
    ...store,
    async destroy() {
      await store.destroy();
      await fresh.drop();
    },
  };
}

/** An insert the database itself refuses: a row of `table` whose `column` equals `value`. */
export interface InsertFault {
  /** Trigger (and, on PostgreSQL, function) name. */
  name: string;
  table: string;
  column: string;
  value: string;
  message: string;
}

/**
 * Test support: injects a fault in the database itself, so the statement (and its transaction) really
 * aborts: a trigger on SQLite, a trigger function on PostgreSQL. Test constants only; they are spliced
 * into the DDL because identifiers and PL/pgSQL bodies cannot be bound.
 */
export async function installInsertFault(
  database: Pick<Store, 'db'>,
  dialect: StoreDialect,
  fault: InsertFault,
): Promise<void> {
  const { name, table, column, value, message } = fault;
  if (dialect === 'sqlite') {
    await sql
      .raw(
        `CREATE TRIGGER ${name} BEFORE INSERT ON ${table} WHEN NEW.${column} = '${value}'
      BEGIN SELECT RAISE(ABORT, '${message}'); END`,
      )
      .execute(database.db);
    return;
  }
  await sql
    .raw(
      `CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN IF NEW.${column} = '${value}' THEN RAISE EXCEPTION '${message}'; END IF; RETURN NEW; END $$`,
    )
    .execute(database.db);
  await sql
    .raw(`CREATE TRIGGER ${name} BEFORE INSERT ON ${table} FOR EACH ROW EXECUTE FUNCTION ${name}()`)
    .execute(database.db);
}

/** The auth-state stores' fault: inserting key_id 'poison' aborts. */
export const POISONED_KEY: InsertFault = {
  name: 'poison',
  table: 'auth_keys',
  column: 'key_id',
  value: 'poison',
  message: 'poisoned key',
};

/** A DATABASE_URL for a brand-new, empty database of the given dialect (for a gateway process). */
export async function freshDatabaseUrl(dialect: Dialect): Promise<string> {
  const { config } = await freshDatabaseConfig(dialect);
  return config.dialect === 'sqlite' ? `sqlite:${config.filename}` : config.url;
}
