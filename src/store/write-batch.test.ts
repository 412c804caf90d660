import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { createDatabase, type Database, type StoreDialect } from './database.ts';
import type { DatabaseSchema } from './schema.ts';
import { createSessionRecordStore } from './session-record-store.ts';
import { freshDatabaseConfig, openTestDatabase, TEST_DIALECTS } from '../../test/support/test-databases.ts';
import type { SqliteHandle } from './sqlite-handle.ts';
import { createWriteBatch, type WriteWork } from './write-batch.ts';

/** Inserts one key row; for a session without a row it fails on the foreign key, a real database error. */
const insertKey = (sessionId: string, id: string, runs?: Map<string, number>): WriteWork => async (trx) => {
  runs?.set(id, (runs.get(id) ?? 0) + 1);
  await trx.insertInto('auth_keys').values({ session_id: sessionId, type: 'session', key_id: id, value: id }).execute();
};

const keyIds = async (db: Kysely<DatabaseSchema>, sessionId: string) =>
  (await db.selectFrom('auth_keys').select('key_id').where('session_id', '=', sessionId).orderBy('key_id').execute()).map((r) => r.key_id);

/**
 * A fresh database with these sessions, and a second Kysely on it (its own connection or pool) that
 * logs every statement it runs, begin and commit included.
 */
async function loggedDatabase(dialect: StoreDialect, sessionIds: readonly string[]) {
  const fresh = await freshDatabaseConfig(dialect);
  const database = await createDatabase({ database: fresh.config });
  for (const id of sessionIds) await createSessionRecordStore(database.db).insert(id);
  const statements: string[] = [];
  const { config } = fresh;
  const logged = new Kysely<DatabaseSchema>({
    dialect: config.dialect === 'sqlite'
      ? new SqliteDialect({ database: new SqliteDatabase(config.filename) })
      : new PostgresDialect({ pool: new pg.Pool({ connectionString: config.url, max: 2 }) }),
    log: (event) => {
      statements.push(event.query.sql);
    },
  });
  const close = async () => {
    await logged.destroy();
    await database.destroy();
    await fresh.drop();
  };
  return { database, logged, statements, close };
}

for (const dialect of TEST_DIALECTS) {
  describe(`write batch (${dialect})`, () => {
    let database: Database;
    before(async () => {
      database = await openTestDatabase(dialect);
      for (const id of ['together', 'isolated']) await createSessionRecordStore(database.db).insert(id);
    });
    after(async () => {
      await database?.destroy();
    });

    test('concurrent writes are all in the database when they resolve', async () => {
      const batch = createWriteBatch(database.db);
      const ids = Array.from({ length: 20 }, (_, i) => `k${String(i).padStart(2, '0')}`);
      await Promise.all(ids.map((id) => batch.write(insertKey('together', id)).then(async () => {
        assert.ok((await keyIds(database.db, 'together')).includes(id), `${id} committed before its write resolved`);
      })));
      assert.deepEqual(await keyIds(database.db, 'together'), ids);
    });

    test('a failing write rejects alone; the writes queued with it commit', async () => {
      const batch = createWriteBatch(database.db);
      const results = await Promise.allSettled([
        batch.write(insertKey('isolated', 'a')),
        batch.write(insertKey('no-such-session', 'bad'), { statement: true }),
        batch.write(insertKey('isolated', 'b')),
      ]);
      assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
      assert.deepEqual(await keyIds(database.db, 'isolated'), ['a', 'b']);
      assert.deepEqual(await keyIds(database.db, 'no-such-session'), []);
    });
  });
}

describe('write batch on SQLite: group commit', () => {
  let database: Database;
  let logged: Kysely<DatabaseSchema>;
  let statements: string[] = [];
  let close = async () => {};
  before(async () => {
    ({ database, logged, statements, close } = await loggedDatabase('sqlite', ['grouped']));
  });
  after(() => close());

  test('writes queued in one event-loop turn share one transaction, in call order', async () => {
    const batch = createWriteBatch(logged);
    statements.length = 0;
    await Promise.all(['x1', 'x2', 'x3', 'x4', 'x5'].map((id) => batch.write(insertKey('grouped', id))));
    assert.deepEqual(statements.filter((s) => s === 'begin' || s === 'commit'), ['begin', 'commit']);
    assert.deepEqual(await keyIds(database.db, 'grouped'), ['x1', 'x2', 'x3', 'x4', 'x5']);
    const setValue = (value: string): WriteWork => async (trx) => {
      await trx.updateTable('auth_keys').set({ value }).where('session_id', '=', 'grouped').where('key_id', '=', 'x1').execute();
    };
    await Promise.all(['v1', 'v2', 'v3'].map((value) => batch.write(setValue(value))));
    const row = await database.db.selectFrom('auth_keys').select('value').where('session_id', '=', 'grouped').where('key_id', '=', 'x1').executeTakeFirst();
    assert.equal(row?.value, 'v3', 'the last call wins');
  });

  test('after a failed shared transaction each write runs again in its own; a lone failure is not retried', async () => {
    const batch = createWriteBatch(logged);
    const runs = new Map<string, number>();
    const shared = await Promise.allSettled([
      batch.write(insertKey('grouped', 'y1', runs)),
      batch.write(insertKey('no-such-session', 'bad', runs)),
    ]);
    assert.deepEqual(shared.map((r) => r.status), ['fulfilled', 'rejected']);
    assert.deepEqual(Object.fromEntries(runs), { y1: 2, bad: 2 });
    runs.clear();
    await assert.rejects(batch.write(insertKey('no-such-session', 'lone', runs)));
    assert.deepEqual(Object.fromEntries(runs), { lone: 1 });
  });
});

describe('write batch on SQLite: the synchronous form', () => {
  let database: Database;
  before(async () => {
    database = await openTestDatabase('sqlite');
    await createSessionRecordStore(database.db).insert('sync');
  });
  after(async () => {
    await database?.destroy();
  });

  /** A key insert in both forms, counting which form ran how often. */
  const both = (sessionId: string, id: string, runs: Map<string, number>) => ({
    work: async (trx: Kysely<DatabaseSchema>) => {
      runs.set(`kysely ${id}`, (runs.get(`kysely ${id}`) ?? 0) + 1);
      await trx.insertInto('auth_keys').values({ session_id: sessionId, type: 'session', key_id: id, value: id }).execute();
    },
    sqlite: (sqlite: SqliteHandle) => {
      runs.set(`sqlite ${id}`, (runs.get(`sqlite ${id}`) ?? 0) + 1);
      sqlite.statement('insert into auth_keys (session_id, type, key_id, value) values (?, ?, ?, ?)').run(sessionId, 'session', id, id);
    },
  });

  test('when every work has one, a group runs synchronously in one transaction; a failure is retried alone', async () => {
    const batch = createWriteBatch(database.db);
    const runs = new Map<string, number>();
    const works = [both('sync', 's1', runs), both('no-such-session', 'bad', runs), both('sync', 's2', runs)];
    const results = await Promise.allSettled(works.map(({ work, sqlite }) => batch.write(work, { sqlite })));
    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
    // s1 and bad ran in the shared transaction, which bad's failure ended (s2 never started) and rolled
    // back; then each ran alone. Kysely never ran.
    assert.deepEqual(Object.fromEntries(runs), { 'sqlite s1': 2, 'sqlite bad': 2, 'sqlite s2': 1 });
    assert.deepEqual(await keyIds(database.db, 'sync'), ['s1', 's2']);
  });

  test('a group with a work that has no synchronous form runs through Kysely', async () => {
    const batch = createWriteBatch(database.db);
    const runs = new Map<string, number>();
    const withForm = both('sync', 'm1', runs);
    await Promise.all([batch.write(withForm.work, { sqlite: withForm.sqlite }), batch.write(both('sync', 'm2', runs).work)]);
    assert.deepEqual(Object.fromEntries(runs), { 'kysely m1': 1, 'kysely m2': 1 });
    assert.deepEqual(await keyIds(database.db, 'sync'), ['m1', 'm2', 's1', 's2']);
  });
});

describe('write batch on PostgreSQL: mergeable writes', () => {
  let database: Database;
  let logged: Kysely<DatabaseSchema>;
  let statements: string[] = [];
  let close = async () => {};
  before(async () => {
    ({ database, logged, statements, close } = await loggedDatabase('postgres', ['m1', 'm2']));
  });
  after(() => close());

  /** A key upsert in its three forms, counting which ran. */
  const key = (sessionId: string, id: string, value: string, runs: Map<string, number>) => {
    const row = { session_id: sessionId, type: 'session', key_id: id, value };
    const upsert = (qb: Kysely<DatabaseSchema>, rows: readonly (typeof row)[]) =>
      qb.insertInto('auth_keys').values(rows).onConflict((oc) => oc.columns(['session_id', 'type', 'key_id']).doUpdateSet((eb) => ({ value: eb.ref('excluded.value') })));
    return {
      work: async (trx: Kysely<DatabaseSchema>) => {
        runs.set(`alone ${id}`, (runs.get(`alone ${id}`) ?? 0) + 1);
        await upsert(trx, [row]).execute();
      },
      options: {
        statement: true,
        merge: {
          kind: 'auth_keys',
          rows: [row],
          run: async (qb: Kysely<DatabaseSchema>, rows: readonly unknown[]) => {
            runs.set('merged', (runs.get('merged') ?? 0) + 1);
            const last = new Map((rows as (typeof row)[]).map((r) => [`${r.session_id}/${r.key_id}`, r]));
            await upsert(qb, [...last.values()]).execute();
          },
        },
      },
    };
  };
  const valuesOf = async (sessionId: string) =>
    (await database.db.selectFrom('auth_keys').select(['key_id', 'value']).where('session_id', '=', sessionId).orderBy('key_id').execute())
      .map((r) => `${r.key_id}=${r.value}`);

  test('the rows of one turn go in one statement, across sessions; a later row for the same key wins', async () => {
    const batch = createWriteBatch(logged);
    const runs = new Map<string, number>();
    statements.length = 0;
    const writes = [key('m1', 'a', '1', runs), key('m2', 'a', '1', runs), key('m1', 'b', '1', runs), key('m1', 'a', '2', runs)];
    await Promise.all(writes.map(({ work, options }) => batch.write(work, options)));
    assert.deepEqual(Object.fromEntries(runs), { merged: 1 });
    assert.equal(statements.filter((sql) => sql.startsWith('insert into "auth_keys"')).length, 1);
    assert.deepEqual(await valuesOf('m1'), ['a=2', 'b=1']);
    assert.deepEqual(await valuesOf('m2'), ['a=1']);
  });

  test('when the shared statement fails, each write runs alone and only the bad one rejects', async () => {
    const batch = createWriteBatch(logged);
    const runs = new Map<string, number>();
    const writes = [key('m2', 'c', '1', runs), key('no-such-session', 'bad', '1', runs), key('m2', 'd', '1', runs)];
    const results = await Promise.allSettled(writes.map(({ work, options }) => batch.write(work, options)));
    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
    assert.deepEqual(Object.fromEntries(runs), { merged: 1, 'alone c': 1, 'alone bad': 1, 'alone d': 1 });
    assert.deepEqual(await valuesOf('m2'), ['a=1', 'c=1', 'd=1']);
  });

  test('a turn with a write that cannot merge runs every write alone, in call order', async () => {
    const batch = createWriteBatch(logged);
    const runs = new Map<string, number>();
    const merged = key('m2', 'e', '1', runs);
    const plain = key('m2', 'e', '2', runs);
    await Promise.all([batch.write(merged.work, merged.options), batch.write(plain.work, { statement: true })]);
    assert.deepEqual(Object.fromEntries(runs), { 'alone e': 2 });
    assert.deepEqual((await valuesOf('m2')).filter((v) => v.startsWith('e=')), ['e=2']);
  });
});
