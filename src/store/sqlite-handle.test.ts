import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Database } from './database.ts';
import type { DatabaseSchema } from './schema.ts';
import { createSessionRecordStore } from './session-record-store.ts';
import { compileRowStatement, sqliteHandleOf, type SqliteHandle } from './sqlite-handle.ts';
import { openTestDatabase } from '../../test/support/test-databases.ts';

type KeyRow = { session_id: string; type: string; key_id: string; value: string };

describe('raw SQLite handle', () => {
  let database: Database;
  let handle: SqliteHandle;
  before(async () => {
    database = await openTestDatabase('sqlite');
    await createSessionRecordStore(database.db).insert('raw');
    const found = sqliteHandleOf(database.db);
    assert.ok(found, 'createDatabase registers the raw handle of a SQLite database');
    handle = found;
  });
  after(async () => {
    await database?.destroy();
  });

  const insertKey = (db: Database['db']) =>
    compileRowStatement<KeyRow>(['session_id', 'type', 'key_id', 'value'], (row) => db.insertInto('auth_keys').values(row));
  const valuesOf = async () =>
    (await database.db.selectFrom('auth_keys').select(['key_id', 'value']).where('session_id', '=', 'raw').orderBy('key_id').execute())
      .map((row) => `${row.key_id}=${row.value}`);

  test('a row statement binds each column where the compiled SQL expects it', async () => {
    const statement = insertKey(database.db);
    assert.match(statement.sql, /^insert into "auth_keys"/);
    assert.deepEqual(statement.bind({ value: 'v', key_id: 'k', type: 't', session_id: 's' }), ['s', 't', 'k', 'v']);
    await handle.transaction(() => handle.statement(statement.sql).run(statement.bind({ session_id: 'raw', type: 'session', key_id: 'a', value: '1' })));
    assert.deepEqual(await valuesOf(), ['a=1']);
  });

  test('a literal in the statement is refused: it would be frozen into the compiled text', () => {
    assert.throws(
      () => compileRowStatement<{ session_id: string }>(['session_id'], (row) =>
        database.db.deleteFrom('auth_keys').where('session_id', '=', row.session_id).where('type', '=', 'session')),
      /parameter session is not a column/,
    );
  });

  test('a throwing transaction rolls back everything it wrote', async () => {
    const statement = insertKey(database.db);
    await assert.rejects(handle.transaction(() => {
      handle.statement(statement.sql).run(statement.bind({ session_id: 'raw', type: 'session', key_id: 'b', value: '2' }));
      throw new Error('midway');
    }), /midway/);
    assert.deepEqual(await valuesOf(), ['a=1']);
  });

  test('waits for a Kysely transaction in progress instead of joining it', async () => {
    const statement = insertKey(database.db);
    const order: string[] = [];
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const kysely = database.db.transaction().execute(async (trx) => {
      await trx.insertInto('auth_keys').values({ session_id: 'raw', type: 'session', key_id: 'k', value: 'kysely' }).execute();
      order.push('kysely wrote');
      await held;
      throw new Error('kysely rolls back');
    });
    // Give the Kysely transaction time to begin and write before the raw one is asked for.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const raw = handle.transaction(() => {
      order.push('raw ran');
      handle.statement(statement.sql).run(statement.bind({ session_id: 'raw', type: 'session', key_id: 'r', value: 'raw' }));
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(order, ['kysely wrote'], 'the raw transaction waits for the connection');
    release();
    await assert.rejects(kysely, /kysely rolls back/);
    await raw;
    assert.deepEqual(order, ['kysely wrote', 'raw ran']);
    // The raw write survived the other transaction's rollback, which it was never part of.
    assert.deepEqual(await valuesOf(), ['a=1', 'r=raw']);
  });

  test('PostgreSQL and Kysely instances made elsewhere have no handle', async () => {
    const pgDatabase = await openTestDatabase('postgres');
    try {
      assert.equal(sqliteHandleOf(pgDatabase.db), undefined);
      await database.db.transaction().execute(async (trx) => {
        assert.equal(sqliteHandleOf<DatabaseSchema>(trx), undefined);
      });
    } finally {
      await pgDatabase.destroy();
    }
  });
});
