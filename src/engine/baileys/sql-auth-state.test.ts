import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BufferJSON, type SignalDataTypeMap } from '@whiskeysockets/baileys';
import { SessionRecord } from 'libsignal';
import type { AuthStateStore } from '../auth-state-store.ts';
import type { Store as Database } from '../../store/store.ts';
import {
  installInsertFault,
  openTestDatabase,
  POISONED_KEY,
  TEST_DIALECTS,
} from '../../../test/support/test-databases.ts';
import { SignalKeyCache } from './signal-key-cache.ts';
import { loadAuthState, serialiseKey } from './sql-auth-state.ts';

/** The real store, counting key reads and optionally holding each read's answer until `release()`. */
function observedStore(store: AuthStateStore) {
  let held: Promise<void> | null = null;
  let release = () => {};
  const observed = {
    reads: 0,
    store: {
      ...store,
      async readKeys(sessionId: string, type: string, ids: readonly string[]) {
        observed.reads++;
        const rows = await store.readKeys(sessionId, type, ids);
        if (held) await held;
        return rows;
      },
    } satisfies AuthStateStore,
    holdReads() {
      held = new Promise((resolve) => (release = resolve));
    },
    release() {
      held = null;
      release();
    },
  };
  return observed;
}

const record = (tag: string) => ({
  _sessions: { [tag]: { registrationId: 7, rootKey: Buffer.from(tag) } },
  version: 'v1',
});
type SessionValue = SignalDataTypeMap['session'];

for (const dialect of TEST_DIALECTS) {
  describe(`SQL auth state keys (${dialect})`, () => {
    let database: Database;
    const open = async (sessionId: string) => {
      const observed = observedStore(database.auth);
      const auth = await loadAuthState(observed.store, sessionId, (err) => assert.fail(String(err)));
      return { observed, keys: auth.state.keys };
    };

    before(async () => {
      database = await openTestDatabase(dialect);
      await installInsertFault(database, dialect, POISONED_KEY);
      for (const id of ['cached', 'durable', 'failed', 'race']) await database.records.insert(id);
    });
    after(async () => {
      await database?.destroy();
    });

    test('a written key and a known-absent key are served without asking the database again', async () => {
      const { observed, keys } = await open('cached');
      await keys.set({ session: { 'alice.0': record('a1') as unknown as SessionValue } });
      const got = await keys.get('session', ['alice.0']);
      assert.deepEqual(got['alice.0'], record('a1'));
      assert.equal(observed.reads, 0);
      assert.deepEqual(await keys.get('tctoken', ['bob@lid']), {});
      assert.deepEqual(await keys.get('tctoken', ['bob@lid']), {});
      assert.equal(observed.reads, 1, 'the absent key was read once');
      await keys.set({ session: { 'alice.0': null } });
      assert.deepEqual(await keys.get('session', ['alice.0']), {});
      assert.equal(observed.reads, 1);
    });

    test('set resolves only once the keys are in the database; another connection reads them back', async () => {
      const first = await open('durable');
      await first.keys.set({
        session: {
          'carol.0': record('c1') as unknown as SessionValue,
          'carol.1': record('c2') as unknown as SessionValue,
        },
      });
      const second = await open('durable');
      const got = await second.keys.get('session', ['carol.0', 'carol.1', 'carol.2']);
      assert.equal(second.observed.reads, 1);
      assert.deepEqual(got, { 'carol.0': record('c1'), 'carol.1': record('c2') });
      assert.ok(
        Buffer.isBuffer((got['carol.0'] as unknown as ReturnType<typeof record>)._sessions.c1?.rootKey),
        'buffers revive',
      );
    });

    // A failed COMMIT (a dropped PostgreSQL connection) does not say whether it happened: only the database knows.
    test('after a failed write the next read of its keys asks the database, which kept the old values', async () => {
      const { observed, keys } = await open('failed');
      await keys.set({ session: { 'dave.0': record('d1') as unknown as SessionValue } });
      await assert.rejects(async () =>
        keys.set({
          session: {
            'dave.0': record('d2') as unknown as SessionValue,
            poison: record('p') as unknown as SessionValue,
          },
        }),
      );
      assert.deepEqual(await keys.get('session', ['dave.0']), { 'dave.0': record('d1') });
      assert.equal(observed.reads, 1, 'dave.0 was asked from the database');
      assert.deepEqual(await keys.get('session', ['poison']), {});
    });

    test('a read that raced a write does not leave its stale answer in the cache', async () => {
      const { observed, keys } = await open('race');
      await keys.set({ session: { 'erin.0': record('e1') as unknown as SessionValue } });
      const reader = await open('race');
      reader.observed.holdReads();
      const staleRead = reader.keys.get('session', ['erin.0']);
      await new Promise((resolve) => setTimeout(resolve, 20)); // the query has run and returned e1
      await reader.keys.set({ session: { 'erin.0': record('e2') as unknown as SessionValue } });
      reader.observed.release();
      assert.deepEqual((await staleRead)['erin.0'], record('e1'));
      assert.deepEqual((await reader.keys.get('session', ['erin.0']))['erin.0'], record('e2'));
      assert.equal(observed.reads, 0);
    });
  });
}

test('the key cache keeps the most recently used entries within its bound', () => {
  const cache = new SignalKeyCache(2);
  cache.committed([
    ['session', 'a', 1],
    ['session', 'b', 2],
  ]);
  assert.equal(cache.get('session', 'a'), 1); // a is now the most recent
  cache.committed([['session', 'c', 3]]);
  assert.equal(cache.get('session', 'b'), undefined);
  assert.equal(cache.get('session', 'a'), 1);
  assert.equal(cache.get('session', 'c'), 3);
  assert.equal(cache.size, 2);
  cache.committed([['tctoken', 'a', null]]);
  assert.equal(cache.get('tctoken', 'a'), null, 'absent is remembered as null');
  assert.equal(cache.get('session', 'a'), undefined, 'types do not share ids');
});

/** The parts of libsignal's session classes its bundled typings leave out. */
interface Chain {
  chainKey: { counter: number; key: Buffer };
  chainType: number;
  messageKeys: Record<number, Buffer>;
}
interface Entry {
  registrationId: number;
  currentRatchet: object;
  indexInfo: object;
  pendingPreKey: object;
  addChain(key: Buffer, chain: Chain): void;
  getChain(key: Buffer): Chain | undefined;
}
interface Record_ {
  setSession(entry: Entry): void;
  getOpenSession(): Entry | undefined;
  serialize(): unknown;
}
const Sessions = SessionRecord as unknown as {
  new (): Record_;
  createEntry(): Entry;
  deserialize(data: unknown): Record_;
};

test('a Signal session is stored as the exact text the Buffer replacer writes, and reads back whole', () => {
  // A session as libsignal builds it: Buffers everywhere, a sending and a receiving chain with a skipped
  // message key, and a pending pre-key.
  const bytes = (fill: number, length = 32) => Buffer.alloc(length, fill);
  const entry = Sessions.createEntry();
  entry.registrationId = 4242;
  entry.currentRatchet = {
    ephemeralKeyPair: { pubKey: bytes(1, 33), privKey: bytes(2) },
    lastRemoteEphemeralKey: bytes(3, 33),
    previousCounter: 7,
    rootKey: bytes(4),
  };
  entry.indexInfo = {
    baseKey: bytes(5, 33),
    baseKeyType: 1,
    closed: -1,
    used: 1_700_000_000_000,
    created: 1_690_000_000_000,
    remoteIdentityKey: bytes(6, 33),
  };
  entry.addChain(bytes(1, 33), { chainKey: { counter: 3, key: bytes(8) }, chainType: 1, messageKeys: {} });
  entry.addChain(bytes(3, 33), {
    chainKey: { counter: 9, key: bytes(9) },
    chainType: 2,
    messageKeys: { 5: bytes(10) },
  });
  entry.pendingPreKey = { signedKeyId: 1, preKeyId: 31, baseKey: bytes(11, 33) };
  const record = new Sessions();
  record.setSession(entry);
  const value = record.serialize();

  const text = serialiseKey('session', value);
  assert.equal(text, JSON.stringify(value, BufferJSON.replacer));
  const revived = Sessions.deserialize(JSON.parse(text, BufferJSON.reviver));
  assert.deepEqual(revived.serialize(), value);
  assert.deepEqual(revived.getOpenSession()?.getChain(bytes(3, 33))?.messageKeys[5], bytes(10));
  // A session value with a Buffer in it (not libsignal's, but possible) still round-trips.
  const withBuffer = { _sessions: { k: { rootKey: bytes(13, 2) } }, version: 'v1' };
  assert.deepEqual(JSON.parse(serialiseKey('session', withBuffer), BufferJSON.reviver), withBuffer);
  // Other key types may hold Buffers: they keep the replacer.
  assert.equal(serialiseKey('pre-key', { public: bytes(12, 4) }), '{"public":{"type":"Buffer","data":"DAwMDA=="}}');
});
