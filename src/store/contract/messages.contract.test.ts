import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Store as Database } from '../store.ts';
import { openTestDatabase, TEST_DIALECTS } from '../../../test/support/test-databases.ts';

for (const dialect of TEST_DIALECTS) {
  describe(`message store (${dialect})`, () => {
    let database: Database;

    before(async () => {
      database = await openTestDatabase(dialect);
      await database.records.insert('m1');
      await database.records.insert('m2');
    });
    after(async () => {
      await database?.destroy();
    });

    test('save, find and upsert are per session', async () => {
      const store = database.messages;
      const message = {
        id: '3EB0AA',
        chatJid: '628111@s.whatsapp.net',
        fromMe: true,
        type: 'text',
        payload: '{"a":1}',
      };
      await store.save('m1', message);
      await store.save('m1', { ...message, payload: '{"a":2}' });
      const found = await store.find('m1', '3EB0AA');
      assert.equal(found?.payload, '{"a":2}');
      assert.equal(found?.fromMe, true);
      assert.equal(found?.chatJid, '628111@s.whatsapp.net');
      assert.ok(found?.createdAt instanceof Date);
      assert.equal(await store.find('m2', '3EB0AA'), undefined);
    });

    test('saves of one turn, from several sessions, land as if one after the other', async () => {
      const store = database.messages;
      const message = { id: '3EB0BB', chatJid: '628111@s.whatsapp.net', fromMe: false, type: 'text', payload: 'first' };
      await Promise.all([
        store.save('m1', message),
        store.save('m2', message),
        store.save('m1', { ...message, payload: 'second' }),
      ]);
      assert.equal((await store.find('m1', '3EB0BB'))?.payload, 'second');
      assert.equal((await store.find('m2', '3EB0BB'))?.payload, 'first');
    });

    test('prune removes only old messages; deleting the session removes its messages', async () => {
      const store = database.messages;
      await store.save('m2', { id: 'OLD', chatJid: 'x@s.whatsapp.net', fromMe: false, type: 'text', payload: '{}' });
      assert.equal(await store.prune(new Date(Date.now() - 60_000)), 0);
      assert.ok((await store.prune(new Date(Date.now() + 1000))) >= 2);
      assert.equal(await store.find('m2', 'OLD'), undefined);
      await store.save('m1', { id: 'KEEP', chatJid: 'x@s.whatsapp.net', fromMe: false, type: 'text', payload: '{}' });
      await database.records.remove('m1');
      assert.equal(await store.find('m1', 'KEEP'), undefined);
    });
  });
}
