import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ApiKeyRecord } from '../../access/api-key-store.ts';
import type { Store as Database } from '../store.ts';
import { openTestDatabase, TEST_DIALECTS } from '../../../test/support/test-databases.ts';

const record = (id: string, overrides: Partial<ApiKeyRecord> = {}): ApiKeyRecord => ({
  id,
  name: `key ${id}`,
  sessions: ['acc1', 'acc2'],
  scopes: ['read', 'send'],
  rateLimitPerMinute: null,
  createdAt: new Date(`2026-01-01T00:00:0${id.at(-1)}.000Z`),
  secretHash: 'ab'.repeat(32),
  ...overrides,
});

for (const dialect of TEST_DIALECTS) {
  describe(`API key store (${dialect})`, () => {
    let database: Database;

    before(async () => {
      database = await openTestDatabase(dialect);
    });
    after(async () => {
      await database?.destroy();
    });

    test('insert and find round-trip every field; an unknown id is undefined', async () => {
      const keys = database.apiKeys;
      await keys.insert(record('00000000000000a1'));
      await keys.insert(record('00000000000000a2', { sessions: '*', scopes: ['manage'], rateLimitPerMinute: 30 }));
      assert.deepEqual(await keys.find('00000000000000a1'), record('00000000000000a1'));
      assert.deepEqual(
        await keys.find('00000000000000a2'),
        record('00000000000000a2', { sessions: '*', scopes: ['manage'], rateLimitPerMinute: 30 }),
      );
      assert.equal(await keys.find('00000000000000ff'), undefined);
    });

    test('a second key with the same id is refused', async () => {
      await assert.rejects(database.apiKeys.insert(record('00000000000000a1', { name: 'duplicate' })));
      assert.equal((await database.apiKeys.find('00000000000000a1'))?.name, 'key 00000000000000a1');
    });

    test('list is oldest first; remove says whether there was a key', async () => {
      const keys = database.apiKeys;
      await keys.insert(record('00000000000000a0'));
      assert.deepEqual(
        (await keys.list()).map((k) => k.id),
        ['00000000000000a0', '00000000000000a1', '00000000000000a2'],
      );
      assert.equal(await keys.remove('00000000000000a1'), true);
      assert.equal(await keys.remove('00000000000000a1'), false);
      assert.equal(await keys.find('00000000000000a1'), undefined);
      assert.deepEqual(
        (await keys.list()).map((k) => k.id),
        ['00000000000000a0', '00000000000000a2'],
      );
    });
  });
}
