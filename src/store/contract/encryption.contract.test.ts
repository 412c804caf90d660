import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { AppError } from '../../errors/app-error.ts';
import { IdempotentSends } from '../../messages/idempotent-sends.ts';
import { openStore } from '../open-store.ts';
import { EncryptionKeyMismatchError } from '../encryption-at-rest.ts';
import type { Store } from '../store.ts';
import { freshDatabaseConfig, TEST_DIALECTS } from '../../../test/support/test-databases.ts';
import type { DatabaseConfig } from '../../config/config.ts';

const key = randomBytes(32);
const now = new Date().toISOString();

for (const dialect of TEST_DIALECTS) {
  describe(`encryption at rest and idempotency claims (${dialect})`, () => {
    let config: DatabaseConfig;
    let drop = async () => {};
    let store: Store;

    before(async () => {
      const fresh = await freshDatabaseConfig(dialect);
      config = fresh.config;
      drop = fresh.drop;
      store = await openStore({ database: config, encryptionKey: key });
    });
    after(async () => {
      await store?.destroy();
      await drop();
    });

    test('plaintext rows of an older install are sealed on the next start and read back through the ports', async () => {
      await store.records.insert('old');
      // What the code before encryption wrote: plain text in every secret column.
      await store.db
        .insertInto('auth_creds')
        .values({ session_id: 'old', creds: '{"advSecretKey":"plain"}', updated_at: now })
        .execute();
      await store.db
        .insertInto('auth_keys')
        .values({ session_id: 'old', type: 'pre-key', key_id: '1', value: '{"k":1}' })
        .execute();
      await store.db
        .insertInto('messages')
        .values({
          session_id: 'old',
          message_id: 'M1',
          chat_jid: 'c@s.whatsapp.net',
          from_me: 1,
          type: 'text',
          payload: 'cGxhaW4=',
          created_at: now,
        })
        .execute();
      await store.db
        .insertInto('webhook_endpoints')
        .values({
          id: 'session:old',
          session_id: 'old',
          url: 'http://127.0.0.1:9/',
          secret: 'whsec_plainplainplainplainplain',
          events: null,
          enabled: 1,
          disabled_reason: null,
          disabled_at: null,
          failing_since: null,
          created_at: now,
          updated_at: now,
        })
        .execute();
      await store.db.deleteFrom('store_meta').where('name', '=', 'plaintext_sealed').execute();
      await store.destroy();

      store = await openStore({ database: config, encryptionKey: key });
      const creds = await store.db
        .selectFrom('auth_creds')
        .select('creds')
        .where('session_id', '=', 'old')
        .executeTakeFirstOrThrow();
      const keyRow = await store.db
        .selectFrom('auth_keys')
        .select('value')
        .where('session_id', '=', 'old')
        .executeTakeFirstOrThrow();
      const message = await store.db
        .selectFrom('messages')
        .select('payload')
        .where('message_id', '=', 'M1')
        .executeTakeFirstOrThrow();
      const hook = await store.db
        .selectFrom('webhook_endpoints')
        .select('secret')
        .where('id', '=', 'session:old')
        .executeTakeFirstOrThrow();
      for (const stored of [creds.creds, keyRow.value, message.payload, hook.secret])
        assert.match(stored, /^wgc1:[0-9a-f]{16}:/);
      assert.equal(await store.auth.readCreds('old'), '{"advSecretKey":"plain"}');
      assert.equal((await store.auth.readKeys('old', 'pre-key', ['1'])).get('1'), '{"k":1}');
      assert.equal((await store.messages.find('old', 'M1'))?.payload, 'cGxhaW4=');
      assert.equal((await store.webhooks.findForSession('old'))?.secret, 'whsec_plainplainplainplainplain');
    });

    test('a sealed value moved to another row does not open', async () => {
      await store.records.insert('other');
      await store.auth.writeCreds('other', '{"mine":true}');
      const sealed = await store.db
        .selectFrom('auth_creds')
        .select('creds')
        .where('session_id', '=', 'old')
        .executeTakeFirstOrThrow();
      await store.db.updateTable('auth_creds').set({ creds: sealed.creds }).where('session_id', '=', 'other').execute();
      await assert.rejects(store.auth.readCreds('other'), /failed authentication/);
    });

    test('another key is refused before any row is touched', async () => {
      await store.destroy();
      await assert.rejects(
        openStore({ database: config, encryptionKey: randomBytes(32) }),
        (err) => err instanceof EncryptionKeyMismatchError && /does not decrypt this database/.test(err.message),
      );
      store = await openStore({ database: config, encryptionKey: key });
    });

    test('Idempotency-Key: one send, the first answer replayed, 409 while in flight, 422 for another body', async () => {
      const sends = new IdempotentSends(store.idempotency);
      let sent = 0;
      let release = () => {};
      const held = new Promise<void>((resolve) => (release = resolve));
      let claimed = () => {};
      const sending = new Promise<void>((resolve) => (claimed = resolve));
      const send = async () => {
        sent++;
        claimed(); // the claim is committed before the send is called
        await held;
        return { statusCode: 201, body: '{"success":true}' };
      };
      const first = sends.run('old', 'k1', { text: 'a' }, send);
      await sending;
      await assert.rejects(
        sends.run('old', 'k1', { text: 'a' }, send),
        (err) => err instanceof AppError && err.code === 'IDEMPOTENCY_KEY_IN_FLIGHT',
      );
      release();
      assert.deepEqual(await first, { statusCode: 201, body: '{"success":true}', replayed: false });
      assert.deepEqual(await sends.run('old', 'k1', { text: 'a' }, send), {
        statusCode: 201,
        body: '{"success":true}',
        replayed: true,
      });
      await assert.rejects(
        sends.run('old', 'k1', { text: 'b' }, send),
        (err) => err instanceof AppError && err.code === 'IDEMPOTENCY_KEY_REUSED',
      );
      assert.equal(sent, 1);
      await assert.rejects(
        sends.run('old', 'k2', {}, async () => {
          throw new Error('engine down');
        }),
        /engine down/,
      );
      assert.deepEqual(
        await sends.run('old', 'k2', {}, async () => ({ statusCode: 201, body: '{}' })),
        { statusCode: 201, body: '{}', replayed: false },
        'a failed request gave its key up',
      );
      assert.equal(await store.idempotency.prune(new Date(Date.now() + 1_000)), 2);
    });
  });
}
