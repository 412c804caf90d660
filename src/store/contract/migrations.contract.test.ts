import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { sql } from 'kysely';
import { migrateToLatest } from '../migrate.ts';
import { createMigrationProvider } from '../migrations/migrations.ts';
import { openStore } from '../open-store.ts';
import { freshDatabaseConfig, TEST_DIALECTS, TEST_ENCRYPTION_KEY } from '../../../test/support/test-databases.ts';

const TABLES = ['auth_creds', 'auth_keys', 'outbox_events', 'session_status_history', 'sessions'];

for (const dialect of TEST_DIALECTS) {
  describe(`database and migrations (${dialect})`, () => {
    const drops: Array<() => Promise<void>> = [];
    after(async () => {
      for (const drop of drops) await drop();
    });

    test('migrations create every table, and rerunning them changes nothing', async () => {
      const fresh = await freshDatabaseConfig(dialect);
      drops.push(fresh.drop);
      const first = await openStore({ database: fresh.config, encryptionKey: TEST_ENCRYPTION_KEY });
      try {
        const tables = await first.db.introspection.getTables();
        assert.deepEqual(
          tables
            .map((t) => t.name)
            .filter((n) => TABLES.includes(n))
            .sort(),
          TABLES,
        );
        assert.equal(first.dialect, dialect);
        await first.records.insert('survivor');
        assert.deepEqual(await migrateToLatest(first.db, dialect), []);
      } finally {
        await first.destroy();
      }
      // A second start on the same database: migrations are a no-op and the data is still there.
      const second = await openStore({ database: fresh.config, encryptionKey: TEST_ENCRYPTION_KEY });
      try {
        assert.deepEqual(await migrateToLatest(second.db, dialect), []);
        assert.equal((await second.records.find('survivor'))?.sessionId, 'survivor');
      } finally {
        await second.destroy();
      }
    });

    test('migrate: false leaves an empty database alone, and migrating reports what ran', async () => {
      const fresh = await freshDatabaseConfig(dialect);
      drops.push(fresh.drop);
      const database = await openStore(
        { database: fresh.config, encryptionKey: TEST_ENCRYPTION_KEY },
        { migrate: false },
      );
      try {
        const before = await database.db.introspection.getTables();
        assert.equal(before.filter((t) => TABLES.includes(t.name)).length, 0);
        const all = Object.keys(await createMigrationProvider(dialect).getMigrations()).sort();
        assert.equal(all[0], '0001_initial');
        assert.deepEqual(await migrateToLatest(database.db, dialect), all);
      } finally {
        await database.destroy();
      }
    });
  });
}

describe('SQLite specifics', () => {
  test("creates the file's directory and sets WAL, NORMAL sync, foreign keys and a busy timeout", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wagate-sqlite-'));
    const database = await openStore({
      database: { dialect: 'sqlite', filename: join(dir, 'a', 'b', 'x.sqlite') },
      encryptionKey: TEST_ENCRYPTION_KEY,
    });
    try {
      const pragma = async (name: string) => {
        const { rows } = await sql.raw<Record<string, unknown>>(`PRAGMA ${name}`).execute(database.db);
        return Object.values(rows[0] ?? {})[0];
      };
      assert.equal(await pragma('journal_mode'), 'wal');
      assert.equal(await pragma('synchronous'), 1); // NORMAL
      assert.equal(await pragma('foreign_keys'), 1);
      assert.equal(await pragma('busy_timeout'), 5000);
    } finally {
      await database.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('sqlite::memory: works for tests', async () => {
    const database = await openStore({
      database: { dialect: 'sqlite', filename: ':memory:' },
      encryptionKey: TEST_ENCRYPTION_KEY,
    });
    try {
      assert.equal((await database.records.insert('mem')).sessionId, 'mem');
    } finally {
      await database.destroy();
    }
  });
});
