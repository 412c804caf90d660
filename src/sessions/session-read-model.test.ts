import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TEST_DIALECTS } from '../../test/support/test-databases.ts';
import { openTestStores, type TestStores } from '../../test/support/test-stores.ts';
import { SessionReadModel, type LiveSessions } from './session-read-model.ts';
import type { SessionRecordStore } from './session-record-store.ts';
import type { SessionView } from './session-view.ts';

/** Counts the reads that reach the database. */
function counting(inner: SessionRecordStore) {
  const reads = { find: 0, list: 0 };
  const store: SessionRecordStore = {
    ...inner,
    find: (id) => (reads.find++, inner.find(id)),
    list: () => (reads.list++, inner.list()),
  };
  return { store, reads };
}

/** No session held in memory: the read model answers from the rows alone. */
const nothingLive: LiveSessions = { get: () => undefined, allSettled: () => true };
const cachedRecordStore = (store: SessionRecordStore) => new SessionReadModel(store, nothingLive);

for (const dialect of TEST_DIALECTS) {
  describe(`session read model: the row cache (${dialect})`, () => {
    let stores: TestStores;
    before(async () => {
      stores = await openTestStores(dialect);
    });
    after(async () => {
      await stores?.close();
    });

    test('reads come from memory after the first; writes through it are seen at once and stored', async () => {
      const { store, reads } = counting(stores.records);
      const cache = cachedRecordStore(store);
      const created = await cache.insert('c-1');
      assert.deepEqual(cache.peek('c-1')?.record, created, 'peek answers from memory');
      assert.equal(cache.peek('c-1'), cache.peek('c-1'), 'the same view while nothing changed');
      assert.equal(cache.peekAll(), undefined, 'no full list yet: memory may not hold every row');
      assert.deepEqual(await cache.find('c-1'), created);
      assert.equal(reads.find, 0, 'an insert fills the cache');
      const updated = await cache.update('c-1', { status: 'connected' });
      assert.equal((await cache.find('c-1'))?.status, 'connected');
      assert.deepEqual(await stores.records.find('c-1'), updated, 'the database has the write');

      await cache.insert('c-2');
      const listed = await cache.list();
      const again = await cache.list();
      assert.equal(reads.list, 1, 'the second list is served from memory');
      assert.deepEqual(again, listed);
      assert.deepEqual(
        listed.map((r) => r.sessionId).filter((id) => id.startsWith('c-')),
        ['c-1', 'c-2'],
      );
      assert.deepEqual(listed, await stores.records.list(), 'same rows, same order as the database');
      assert.deepEqual(
        cache.peekAll()?.map((view) => view.record),
        listed,
      );
      await cache.update('c-2', { status: 'stopped' });
      assert.equal(
        cache.peekAll()?.find((v) => v.record.sessionId === 'c-2')?.record.status,
        'stopped',
        'a write reorders nothing and shows at once',
      );
      assert.deepEqual(
        cache.peekAll()?.map((view) => view.record),
        await stores.records.list(),
      );

      assert.equal(await cache.remove('c-1'), true);
      assert.equal(await cache.find('c-1'), undefined);
      assert.ok(!(await cache.list()).some((r) => r.sessionId === 'c-1'));
      assert.equal(cache.peek('c-1'), undefined);
      assert.ok(!cache.peekAll()?.some((v) => v.record.sessionId === 'c-1'));
    });

    test('a failed write drops the entry; unknown ids are not cached', async () => {
      const cache = cachedRecordStore(stores.records);
      await cache.insert('c-3');
      await assert.rejects(cache.insert('c-3'));
      assert.equal((await cache.find('c-3'))?.sessionId, 'c-3', 'read back from the database after the failure');
      assert.equal(await cache.find('c-missing'), undefined);
      await stores.records.insert('c-missing');
      assert.equal((await cache.find('c-missing'))?.sessionId, 'c-missing');
    });

    test('overlapping writes to one id leave no guess behind: the next read goes to the database', async () => {
      const { store, reads } = counting(stores.records);
      const cache = cachedRecordStore(store);
      await cache.insert('c-4');
      await Promise.all([cache.update('c-4', { status: 'qr' }), cache.update('c-4', { status: 'connected' })]);
      const before = reads.find;
      const record = await cache.find('c-4');
      assert.equal(reads.find, before + 1);
      assert.deepEqual(record, await stores.records.find('c-4'));
    });

    test('a view keeps its texts until its row changes; a stale view keeps none', async () => {
      const reads = cachedRecordStore(stores.records);
      await reads.insert('c-5');
      let made = 0;
      const make = (view: SessionView) => (made++, `${view.record.sessionId}:${view.record.status}`);
      const first = reads.peek('c-5')!;
      assert.equal(reads.text(first, 'basic', make), 'c-5:created');
      assert.equal(reads.text(reads.peek('c-5')!, 'basic', make), 'c-5:created');
      assert.equal(made, 1, 'made once for the unchanged view');
      assert.equal(reads.text(first, 'other', make), 'c-5:created');
      assert.equal(made, 2, 'each kind of text is its own');
      await reads.update('c-5', { status: 'stopped' });
      const second = reads.peek('c-5')!;
      assert.notEqual(second, first, 'the write invalidated the view');
      assert.equal(reads.text(second, 'basic', make), 'c-5:stopped');
      assert.equal(reads.text(first, 'basic', make), 'c-5:created', 'a stale view is answered, not kept');
      assert.equal(reads.text(first, 'basic', make), 'c-5:created');
      assert.equal(made, 5);
      assert.equal(reads.text(second, 'basic', make), 'c-5:stopped');
      assert.equal(made, 5);
    });

    test('a list text is kept while the list shows the same views, and remade when one changes', async () => {
      const reads = cachedRecordStore(stores.records);
      await reads.insert('l-1');
      await reads.insert('l-2');
      await reads.list();
      let made = 0;
      const make = (views: readonly SessionView[]) => (
        made++,
        views.map((v) => `${v.record.sessionId}:${v.record.status}`).join(',')
      );
      const mine = (views: SessionView[]) => views.filter((v) => v.record.sessionId.startsWith('l-'));
      assert.equal(reads.listText(mine(reads.peekAll()!), 'all', make), 'l-1:created,l-2:created');
      assert.equal(reads.listText(mine(reads.peekAll()!), 'all', make), 'l-1:created,l-2:created');
      assert.equal(made, 1, 'the same views: the kept text');
      const onlyFirst = mine(reads.peekAll()!).slice(0, 1);
      assert.equal(reads.listText(onlyFirst, 'all', make), 'l-1:created', 'another list of the same kind');
      assert.equal(made, 2);
      await reads.update('l-2', { status: 'stopped' });
      assert.equal(reads.listText(mine(reads.peekAll()!), 'all', make), 'l-1:created,l-2:stopped');
      assert.equal(made, 3, 'a changed view makes the text again');
    });
  });
}
