import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { createGroupedWrites } from '../common/grouped-writes.ts';
import { createPostgresHotWrites } from '../postgres/postgres-hot-writes.ts';
import { openSqliteConnection } from '../sqlite/sqlite-connection.ts';
import { createSqliteHotWrites } from '../sqlite/sqlite-hot-writes.ts';
import { openStore } from '../open-store.ts';
import type { Store as Database } from '../store.ts';
import { keyIdentity } from '../common/sealed-columns.ts';
import { createRowCipher } from '../row-cipher.ts';
import {
  freshDatabaseConfig,
  openTestDatabase,
  TEST_DIALECTS,
  TEST_ENCRYPTION_KEY,
} from '../../../test/support/test-databases.ts';

const key = (id: string, value: string | null = id) => ({ type: 'session', id, value });
const message = (id: string, payload: string) => ({
  id,
  chatJid: 'c@s.whatsapp.net',
  fromMe: true,
  type: 'text',
  payload,
});

const cipher = createRowCipher(TEST_ENCRYPTION_KEY);
/** The rows as stored, opened (the values are sealed at rest). */
const keyValues = async (database: Database, sessionId: string) =>
  (
    await database.db
      .selectFrom('auth_keys')
      .select(['key_id', 'type', 'value'])
      .where('session_id', '=', sessionId)
      .orderBy('key_id')
      .execute()
  ).map((row) => `${row.key_id}=${cipher.open(keyIdentity(sessionId, row.type, row.key_id), row.value)}`);

for (const dialect of TEST_DIALECTS) {
  describe(`hot writes' group commit (${dialect})`, () => {
    let database: Database;
    before(async () => {
      database = await openTestDatabase(dialect);
      for (const id of ['together', 'isolated', 'ordered']) await database.records.insert(id);
    });
    after(async () => {
      await database?.destroy();
    });

    test('concurrent writes are all in the database when they resolve', async () => {
      const ids = Array.from({ length: 20 }, (_, i) => `k${String(i).padStart(2, '0')}`);
      await Promise.all(
        ids.map((id) =>
          database.auth.writeKeys('together', [key(id)]).then(async () => {
            assert.ok(
              (await keyValues(database, 'together')).includes(`${id}=${id}`),
              `${id} committed before its write resolved`,
            );
          }),
        ),
      );
      assert.equal((await keyValues(database, 'together')).length, 20);
    });

    test('a failing write rejects alone; the writes queued with it commit', async () => {
      const results = await Promise.allSettled([
        database.auth.writeKeys('isolated', [key('a')]),
        database.auth.writeKeys('no-such-session', [key('bad')]),
        database.messages.save('isolated', message('m1', 'p1')),
        database.messages.save('no-such-session', message('m2', 'p2')),
        database.auth.writeKeys('isolated', [key('b')]),
      ]);
      assert.deepEqual(
        results.map((r) => r.status),
        ['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled'],
      );
      assert.deepEqual(await keyValues(database, 'isolated'), ['a=a', 'b=b']);
      assert.equal((await database.messages.find('isolated', 'm1'))?.payload, 'p1');
      assert.equal(await database.messages.find('no-such-session', 'm2'), undefined);
    });

    test('the writes of one turn land as if one after the other: the last write of a key or message wins', async () => {
      await database.auth.writeKeys('ordered', [key('gone', 'old'), key('kept', 'old')]);
      await Promise.all([
        database.auth.writeKeys('ordered', [key('x', '1'), key('gone', null)]),
        database.messages.save('ordered', message('same', 'first')),
        database.auth.writeKeys('ordered', [key('x', '2'), key('kept', null)]),
        database.messages.save('ordered', message('same', 'second')),
        database.auth.writeKeys('ordered', [key('kept', 'new')]),
      ]);
      assert.deepEqual(await keyValues(database, 'ordered'), ['kept=new', 'x=2']);
      assert.equal((await database.messages.find('ordered', 'same'))?.payload, 'second');
    });
  });
}

for (const dialect of TEST_DIALECTS) {
  test(`destroy waits for the hot writes still queued (${dialect})`, async () => {
    const fresh = await freshDatabaseConfig(dialect);
    try {
      const first = await openStore({ database: fresh.config, encryptionKey: TEST_ENCRYPTION_KEY });
      await first.records.insert('closing');
      const queued = [
        first.auth.writeKeys('closing', [key('late')]),
        first.messages.save('closing', message('late', 'p')),
      ];
      await first.destroy();
      await Promise.all(queued);
      const second = await openStore({ database: fresh.config, encryptionKey: TEST_ENCRYPTION_KEY });
      try {
        assert.deepEqual(await keyValues(second, 'closing'), ['late=late']);
        assert.equal((await second.messages.find('closing', 'late'))?.payload, 'p');
      } finally {
        await second.destroy();
      }
    } finally {
      await fresh.drop();
    }
  });
}

describe('grouped writes: the fallback after a failed shared commit', () => {
  test('each work commits again alone, so only the failing one rejects; a lone failure is not retried', async () => {
    const commits: string[][] = [];
    const grouped = createGroupedWrites<string>(async (works) => {
      commits.push([...works]);
      if (works.includes('bad')) throw new Error('refused');
    });
    const shared = await Promise.allSettled(['w1', 'bad', 'w2'].map((work) => grouped.write(work)));
    assert.deepEqual(
      shared.map((r) => r.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
    assert.deepEqual(commits, [['w1', 'bad', 'w2'], ['w1'], ['bad'], ['w2']]);
    commits.length = 0;
    await assert.rejects(grouped.write('bad'), /refused/);
    assert.deepEqual(commits, [['bad']]);
  });
});

/** A store on a fresh database, and the config it was opened with (for a second connection or pool on it). */
async function openWithConfig(dialect: 'sqlite' | 'postgres', sessionIds: readonly string[]) {
  const fresh = await freshDatabaseConfig(dialect);
  const database = await openStore({ database: fresh.config, encryptionKey: TEST_ENCRYPTION_KEY });
  for (const id of sessionIds) await database.records.insert(id);
  return { database, config: fresh.config, close: async () => (await database.destroy(), await fresh.drop()) };
}

describe('SQLite hot writes: one transaction per turn', () => {
  let opened: Awaited<ReturnType<typeof openWithConfig>>;
  before(async () => {
    opened = await openWithConfig('sqlite', ['grouped']);
  });
  after(() => opened?.close());

  test('writes queued in one event-loop turn, keys and messages, share one transaction, in call order', async () => {
    const { database, config } = opened;
    if (config.dialect !== 'sqlite') throw new Error('expected SQLite');
    // A second connection on the same file, whose transactions the test counts.
    const connection = openSqliteConnection(config.filename, {});
    let transactions = 0;
    const counted = { ...connection, transaction: <T>(fn: () => T) => (transactions++, connection.transaction(fn)) };
    const hot = createSqliteHotWrites(counted, cipher);
    try {
      await Promise.all([
        hot.writeKeys('grouped', [key('x1', 'a')]),
        hot.saveMessage('grouped', message('g1', 'p')),
        hot.writeKeys('grouped', [key('x2')]),
        hot.writeKeys('grouped', [key('x1', 'b')]),
      ]);
      assert.equal(transactions, 1);
      assert.deepEqual(await keyValues(database, 'grouped'), ['x1=b', 'x2=x2']);
      assert.equal((await database.messages.find('grouped', 'g1'))?.payload, 'p');
    } finally {
      await connection.close();
    }
  });
});

describe('PostgreSQL hot writes: merged statements', () => {
  let opened: Awaited<ReturnType<typeof openWithConfig>>;
  let pool: pg.Pool;
  /** Every statement the logged pool ran, begin and commit included. */
  const statements: string[] = [];
  const kinds = () => statements.map((text) => text.match(/^(insert into|delete from) \w+/)?.[0] ?? text);
  before(async () => {
    opened = await openWithConfig('postgres', ['m1', 'm2']);
    if (opened.config.dialect !== 'postgres') throw new Error('expected PostgreSQL');
    pool = new pg.Pool({ connectionString: opened.config.url, max: 2 });
    pool.on('connect', (client) => {
      const query = client.query.bind(client) as (...args: unknown[]) => unknown;
      (client as { query: unknown }).query = (...args: unknown[]) => {
        const [first] = args;
        statements.push(typeof first === 'string' ? first : (first as { text: string }).text);
        return query(...args);
      };
    });
  });
  after(async () => {
    await pool?.end();
    await opened?.close();
  });

  test('the rows of one turn go in one statement per kind, across sessions, in one transaction; the last write wins', async () => {
    const hot = createPostgresHotWrites(pool, cipher);
    statements.length = 0;
    await Promise.all([
      hot.writeKeys('m1', [key('a', '1')]),
      hot.writeKeys('m2', [key('a', '1')]),
      hot.saveMessage('m1', message('x', 'first')),
      hot.writeKeys('m1', [key('b', '1'), key('a', '2')]),
      hot.saveMessage('m1', message('x', 'second')),
    ]);
    assert.deepEqual(kinds(), ['begin', 'insert into auth_keys', 'insert into messages', 'commit']);
    assert.deepEqual(await keyValues(opened.database, 'm1'), ['a=2', 'b=1']);
    assert.deepEqual(await keyValues(opened.database, 'm2'), ['a=1']);
    assert.equal((await opened.database.messages.find('m1', 'x'))?.payload, 'second');
  });

  test('a turn of one kind is one statement, without BEGIN and COMMIT; deletes merge too', async () => {
    const hot = createPostgresHotWrites(pool, cipher);
    statements.length = 0;
    await Promise.all([hot.writeKeys('m2', [key('c', '1')]), hot.writeKeys('m2', [key('d', '1')])]);
    assert.deepEqual(kinds(), ['insert into auth_keys']);
    statements.length = 0;
    await Promise.all([hot.writeKeys('m2', [key('c', null)]), hot.writeKeys('m2', [key('d', null)])]);
    assert.deepEqual(kinds(), ['delete from auth_keys']);
    assert.deepEqual(await keyValues(opened.database, 'm2'), ['a=1']);
  });

  test('when the shared statement fails, each write runs alone and only the bad one rejects', async () => {
    const hot = createPostgresHotWrites(pool, cipher);
    statements.length = 0;
    const results = await Promise.allSettled([
      hot.writeKeys('m2', [key('e', '1')]),
      hot.writeKeys('no-such-session', [key('bad', '1')]),
      hot.writeKeys('m2', [key('f', '1')]),
    ]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
    assert.deepEqual(kinds(), Array(4).fill('insert into auth_keys'), 'the merged statement, then each alone');
    assert.deepEqual(await keyValues(opened.database, 'm2'), ['a=1', 'e=1', 'f=1']);
  });
});
