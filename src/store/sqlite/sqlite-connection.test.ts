import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { migrateToLatest } from '../migrate.ts';
import { freshDatabaseConfig } from '../../../test/support/test-databases.ts';
import { openSqliteConnection, type SqliteConnection } from './sqlite-connection.ts';

describe('SQLite connection: Kysely and the raw connection on one file', () => {
  let connection: SqliteConnection;
  let drop = async () => {};
  const insertKey = 'insert into auth_keys (session_id, type, key_id, value) values (?, ?, ?, ?)';
  const valuesOf = async () =>
    (
      await connection.db
        .selectFrom('auth_keys')
        .select(['key_id', 'value'])
        .where('session_id', '=', 'raw')
        .orderBy('key_id')
        .execute()
    ).map((row) => `${row.key_id}=${row.value}`);

  before(async () => {
    const fresh = await freshDatabaseConfig('sqlite');
    if (fresh.config.dialect !== 'sqlite') throw new Error('expected SQLite');
    drop = fresh.drop;
    connection = openSqliteConnection(fresh.config.filename, {});
    await migrateToLatest(connection.db, 'sqlite');
    const now = new Date().toISOString();
    await connection.db
      .insertInto('sessions')
      .values({ session_id: 'raw', status: 'created', created_at: now, updated_at: now })
      .execute();
  });
  after(async () => {
    await connection?.close();
    await drop();
  });

  test('a raw transaction commits what it wrote; Kysely reads it back', async () => {
    const statement = connection.prepare(insertKey);
    assert.equal(await connection.transaction(() => statement.run('raw', 'session', 'a', '1').changes), 1);
    assert.deepEqual(await valuesOf(), ['a=1']);
  });

  test('a throwing transaction rolls back everything it wrote', async () => {
    const statement = connection.prepare(insertKey);
    await assert.rejects(
      connection.transaction(() => {
        statement.run('raw', 'session', 'b', '2');
        throw new Error('midway');
      }),
      /midway/,
    );
    assert.deepEqual(await valuesOf(), ['a=1']);
  });

  test('waits for a Kysely transaction in progress instead of joining it', async () => {
    const statement = connection.prepare(insertKey);
    const order: string[] = [];
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let wrote = () => {};
    const kyselyWrote = new Promise<void>((resolve) => (wrote = resolve));
    const kysely = connection.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('auth_keys')
        .values({ session_id: 'raw', type: 'session', key_id: 'k', value: 'kysely' })
        .execute();
      order.push('kysely wrote');
      wrote();
      await held;
      throw new Error('kysely rolls back');
    });
    await kyselyWrote;
    const raw = connection.transaction(() => {
      order.push('raw ran');
      statement.run('raw', 'session', 'r', 'raw');
    });
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(order, ['kysely wrote'], 'the raw transaction waits for the connection');
    release();
    await assert.rejects(kysely, /kysely rolls back/);
    await raw;
    assert.deepEqual(order, ['kysely wrote', 'raw ran']);
    // The raw write survived the other transaction's rollback, which it was never part of.
    assert.deepEqual(await valuesOf(), ['a=1', 'r=raw']);
  });
});
