import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { isAppError } from '../errors/app-error.ts';
import type { Store } from '../store/store.ts';
import { openTestDatabase } from '../../test/support/test-databases.ts';
import { ApiKeys } from './api-keys.ts';

const ADMIN = 'wag_admin_key_0123456789';

describe('ApiKeys (real SQLite)', () => {
  let database: Store;
  let keys: ApiKeys;

  before(async () => {
    database = await openTestDatabase('sqlite');
    keys = new ApiKeys({
      store: database.apiKeys,
      verifyAdminKey: (presented) => presented === ADMIN,
      defaultRateLimitPerMinute: 600,
      adminRateLimitPerMinute: null,
    });
  });
  after(async () => {
    await database?.destroy();
  });

  test('the admin key answers at once; a wrong key is undefined', async () => {
    const admin = keys.authenticate(ADMIN);
    assert.ok(!(admin instanceof Promise));
    assert.equal(admin?.admin, true);
    assert.equal(await keys.authenticate('wag_admin_key_0123456780'), undefined);
  });

  test('a created key authenticates with its grant; only its hash is stored', async () => {
    const created = await keys.create({ name: 'crm', sessions: ['a', 'a', 'b'], scopes: ['read', 'send'] });
    assert.deepEqual(created.sessions, ['a', 'b']);
    const principal = await keys.authenticate(created.key);
    assert.ok(principal && !principal.admin);
    assert.deepEqual(principal.sessions === '*' ? '*' : [...principal.sessions], ['a', 'b']);
    assert.deepEqual([...principal.scopes], ['read', 'send']);
    assert.equal(principal.rateLimitPerMinute, 600, 'the default');
    const row = await database.db
      .selectFrom('api_keys')
      .selectAll()
      .where('id', '=', created.id)
      .executeTakeFirstOrThrow();
    assert.ok(!JSON.stringify(row).includes(created.key.slice(-43)), 'the secret is not in the row');
    // Cached now: answered without a promise, and the same secret check applies.
    assert.ok(!(keys.authenticate(created.key) instanceof Promise));
    const tampered = `${created.key.slice(0, -1)}${created.key.endsWith('A') ? 'B' : 'A'}`;
    assert.equal(keys.authenticate(tampered), undefined);
  });

  test('revoke drops the cached key at once; revoking twice is API_KEY_NOT_FOUND', async () => {
    const created = await keys.create({ name: 'temp', sessions: '*', scopes: ['manage'], rateLimitPerMinute: 5 });
    assert.equal((await keys.authenticate(created.key))?.rateLimitPerMinute, 5);
    await keys.revoke(created.id);
    assert.equal(await keys.authenticate(created.key), undefined);
    await assert.rejects(keys.revoke(created.id), (err) => isAppError(err) && err.code === 'API_KEY_NOT_FOUND');
    assert.equal(
      (await keys.list()).some((key) => key.id === created.id),
      false,
    );
  });

  test('a lookup that raced a revocation does not put the key back in the cache', async () => {
    const created = await keys.create({ name: 'race', sessions: ['a'], scopes: ['read'] });
    const lookup = keys.authenticate(created.key);
    await keys.revoke(created.id);
    await lookup;
    assert.equal(await keys.authenticate(created.key), undefined);
  });
});
