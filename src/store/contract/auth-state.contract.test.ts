import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { KeyWrite } from '../../engine/auth-state-store.ts';
import type { Store as Database } from '../store.ts';
import {
  installInsertFault,
  openTestDatabase,
  POISONED_KEY,
  TEST_DIALECTS,
} from '../../../test/support/test-databases.ts';

const preKeys = (count: number, tag = 'v'): KeyWrite[] =>
  Array.from({ length: count }, (_, i) => ({ type: 'pre-key', id: String(i + 1), value: `${tag}-${i + 1}` }));

for (const dialect of TEST_DIALECTS) {
  describe(`auth state store (${dialect})`, () => {
    let database: Database;
    const auth = () => database.auth;
    const newSession = (id: string) => database.records.insert(id);

    before(async () => {
      database = await openTestDatabase(dialect);
      await installInsertFault(database, dialect, POISONED_KEY);
    });
    after(async () => {
      await database?.destroy();
    });

    test('creds: missing, written, overwritten', async () => {
      await newSession('creds');
      assert.equal(await auth().readCreds('creds'), undefined);
      await auth().writeCreds('creds', '{"a":1}');
      assert.equal(await auth().readCreds('creds'), '{"a":1}');
      await auth().writeCreds('creds', '{"a":2}');
      assert.equal(await auth().readCreds('creds'), '{"a":2}');
    });

    test('keys: upsert, delete, and the last write per key in a batch wins', async () => {
      await newSession('keys');
      await auth().writeKeys('keys', [
        { type: 'session', id: 'alice.0', value: 's1' },
        { type: 'session', id: 'bob.0', value: 'b1' },
        { type: 'sender-key', id: 'alice.0', value: 'other type, same id' },
      ]);
      await auth().writeKeys('keys', [
        { type: 'session', id: 'alice.0', value: 's2' },
        { type: 'session', id: 'bob.0', value: null },
        { type: 'session', id: 'carol.0', value: 'c1' },
        { type: 'session', id: 'carol.0', value: null },
        { type: 'session', id: 'dave.0', value: null },
        { type: 'session', id: 'dave.0', value: 'd1' },
        { type: 'session', id: 'never.0', value: null },
      ]);
      const read = await auth().readKeys('keys', 'session', ['alice.0', 'bob.0', 'carol.0', 'dave.0', 'never.0']);
      assert.deepEqual(Object.fromEntries(read), { 'alice.0': 's2', 'dave.0': 'd1' });
      const other = await auth().readKeys('keys', 'sender-key', ['alice.0']);
      assert.equal(other.get('alice.0'), 'other type, same id');
      await auth().writeKeys('keys', []);
      assert.equal((await auth().readKeys('keys', 'session', [])).size, 0);
    });

    test('key writes of one turn, from several sessions, land as if one after the other', async () => {
      const store = auth(); // one store, one write batch: the three writes share its turn
      for (const id of ['turn-a', 'turn-b']) await newSession(id);
      await Promise.all([
        store.writeKeys('turn-a', [
          { type: 'session', id: 'x.0', value: 'a1' },
          { type: 'session', id: 'y.0', value: 'a1' },
        ]),
        store.writeKeys('turn-b', [{ type: 'session', id: 'x.0', value: 'b1' }]),
        store.writeKeys('turn-a', [{ type: 'session', id: 'x.0', value: 'a2' }]),
      ]);
      assert.deepEqual(Object.fromEntries(await store.readKeys('turn-a', 'session', ['x.0', 'y.0'])), {
        'x.0': 'a2',
        'y.0': 'a1',
      });
      assert.deepEqual(Object.fromEntries(await store.readKeys('turn-b', 'session', ['x.0'])), { 'x.0': 'b1' });
    });

    test('first login: 812 pre-keys in one call, read back in chunks past 1,000 ids', async () => {
      await newSession('many');
      await auth().writeKeys('many', preKeys(812));
      await auth().writeKeys('many', preKeys(1200, 'w'));
      const ids = [...Array.from({ length: 1300 }, (_, i) => String(i + 1)), '5', '5'];
      const read = await auth().readKeys('many', 'pre-key', ids);
      assert.equal(read.size, 1200);
      assert.equal(read.get('1'), 'w-1');
      assert.equal(read.get('1200'), 'w-1200');
      assert.equal(read.has('1201'), false);
    });

    test('a batch that fails midway leaves nothing behind', async () => {
      await newSession('atomic');
      await auth().writeKeys('atomic', [
        { type: 'pre-key', id: '1', value: 'old-1' },
        { type: 'session', id: 'x.0', value: 'old-session' },
      ]);
      // The poisoned row comes after 699 upserts that its transaction (SQLite: one statement each;
      // PostgreSQL: one statement for all) already wrote; the delete comes last.
      const batch: KeyWrite[] = [
        ...preKeys(699, 'new'),
        { type: 'pre-key', id: 'poison', value: 'boom' },
        { type: 'session', id: 'x.0', value: null },
      ];
      await assert.rejects(auth().writeKeys('atomic', batch), /poisoned key/);
      const after = await auth().readKeys(
        'atomic',
        'pre-key',
        batch.map((w) => w.id),
      );
      assert.deepEqual(Object.fromEntries(after), { 1: 'old-1' });
      assert.equal((await auth().readKeys('atomic', 'session', ['x.0'])).get('x.0'), 'old-session');
    });

    test('clear removes creds and every key of that session only', async () => {
      await newSession('wipe');
      await newSession('bystander');
      for (const id of ['wipe', 'bystander']) {
        await auth().writeCreds(id, `creds-${id}`);
        await auth().writeKeys(id, [...preKeys(3), { type: 'app-state-sync-key', id: 'AAA', value: 'k' }]);
      }
      await auth().clear('wipe');
      assert.equal(await auth().readCreds('wipe'), undefined);
      assert.equal((await auth().readKeys('wipe', 'pre-key', ['1', '2', '3'])).size, 0);
      assert.equal((await auth().readKeys('wipe', 'app-state-sync-key', ['AAA'])).size, 0);
      assert.equal(await auth().readCreds('bystander'), 'creds-bystander');
      assert.equal((await auth().readKeys('bystander', 'pre-key', ['1', '2', '3'])).size, 3);
      await auth().clear('wipe'); // idempotent
    });

    test('many sessions logging in at once each get all their keys', async () => {
      const ids = Array.from({ length: 25 }, (_, i) => `burst-${i}`);
      for (const id of ids) await newSession(id);
      await Promise.all(ids.map((id) => auth().writeKeys(id, preKeys(812, id))));
      for (const id of ids) {
        const read = await auth().readKeys(
          id,
          'pre-key',
          preKeys(812).map((w) => w.id),
        );
        assert.equal(read.size, 812);
        assert.equal(read.get('812'), `${id}-812`);
      }
    });

    test('auth state needs its session row', async () => {
      await assert.rejects(auth().writeCreds('no-such-session', '{}'));
      await assert.rejects(auth().writeKeys('no-such-session', preKeys(1)));
    });
  });
}
