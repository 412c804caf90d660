import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { isAppError } from '../../errors/app-error.ts';
import type { UserInfo } from '../../sessions/session-state.ts';
import type { Store as Database } from '../store.ts';
import { openTestDatabase, TEST_DIALECTS } from '../../../test/support/test-databases.ts';

const user: UserInfo = {
  phoneNumber: '6283876013551',
  name: 'Popeye',
  jid: '6283876013551:12@s.whatsapp.net',
  lid: null,
  platform: 'android',
  registered: false,
};

for (const dialect of TEST_DIALECTS) {
  describe(`session record store (${dialect})`, () => {
    let database: Database;
    const records = () => database.records;

    before(async () => {
      database = await openTestDatabase(dialect);
    });
    after(async () => {
      await database?.destroy();
    });

    test('insert, find and list', async () => {
      const first = await records().insert('rec-a');
      const second = await records().insert('rec-b');
      assert.equal(first.sessionId, 'rec-a');
      assert.equal(first.status, 'created');
      assert.equal(typeof first.id, 'number');
      assert.ok(second.id > first.id);
      assert.ok(first.createdAt instanceof Date && !Number.isNaN(first.createdAt.getTime()));
      assert.deepEqual(first.updatedAt, first.createdAt);
      assert.equal(first.userInfo, null);
      assert.equal(first.lastSeenAt, null);
      assert.equal(first.lastDisconnect, null);

      assert.deepEqual(await records().find('rec-a'), first);
      assert.equal(await records().find('missing'), undefined);
      const listed = (await records().list()).filter((r) => r.sessionId.startsWith('rec-'));
      assert.deepEqual(
        listed.map((r) => r.sessionId),
        ['rec-a', 'rec-b'],
      );
    });

    test('update stores every field, bumps updatedAt and leaves unpatched fields alone', async () => {
      const created = await records().insert('upd');
      const seen = new Date('2026-01-02T03:04:05.678Z');
      const disconnect = { code: 428, reason: 'Connection Closed', at: '2026-01-02T03:04:06.000Z' };
      const updated = await records().update('upd', {
        status: 'connected',
        userInfo: user,
        lastSeenAt: seen,
        lastDisconnect: disconnect,
      });
      assert.ok(updated);
      assert.equal(updated.status, 'connected');
      assert.deepEqual(updated.userInfo, user);
      assert.deepEqual(updated.lastSeenAt, seen);
      assert.deepEqual(updated.lastDisconnect, disconnect);
      assert.deepEqual(updated.createdAt, created.createdAt);
      assert.ok(updated.updatedAt.getTime() >= created.updatedAt.getTime());

      const again = await records().update('upd', { status: 'disconnected' });
      assert.equal(again?.status, 'disconnected');
      assert.deepEqual(again?.userInfo, user, 'last known userInfo is kept');
      const cleared = await records().update('upd', { lastSeenAt: null, lastDisconnect: null });
      assert.equal(cleared?.lastSeenAt, null);
      assert.equal(cleared?.lastDisconnect, null);
      assert.deepEqual(await records().find('upd'), cleared);
      assert.equal(await records().update('missing', { status: 'failed' }), undefined);
    });

    test('concurrent inserts of one id: exactly one wins, the rest get SESSION_EXISTS', async () => {
      const attempts = await Promise.allSettled(Array.from({ length: 20 }, () => records().insert('dupe')));
      const won = attempts.filter((a) => a.status === 'fulfilled');
      const lost = attempts.filter((a): a is PromiseRejectedResult => a.status === 'rejected');
      assert.equal(won.length, 1);
      assert.equal(lost.length, 19);
      for (const { reason } of lost) assert.ok(isAppError(reason) && reason.code === 'SESSION_EXISTS', String(reason));
      await assert.rejects(records().insert('dupe'), (err) => isAppError(err) && err.status === 409);
    });

    test('history is newest first and limited', async () => {
      await records().insert('hist');
      const base = Date.parse('2026-03-01T00:00:00.000Z');
      const statuses = ['created', 'qr', 'authenticated', 'connected'] as const;
      for (const [i, status] of statuses.entries()) {
        await records().appendHistory('hist', {
          status,
          connectionStatus: status === 'connected' ? 'AUTHENTICATED' : 'CONNECTING',
          reason: i === 0 ? null : `step ${i}`,
          at: new Date(base + i * 1000),
        });
      }
      const entries = await records().history('hist', 10);
      assert.deepEqual(
        entries.map((e) => e.status),
        ['connected', 'authenticated', 'qr', 'created'],
      );
      assert.deepEqual(entries[0], {
        status: 'connected',
        connectionStatus: 'AUTHENTICATED',
        reason: 'step 3',
        at: new Date(base + 3000),
      });
      assert.equal(entries[3]?.reason, null);
      assert.deepEqual(
        (await records().history('hist', 2)).map((e) => e.status),
        ['connected', 'authenticated'],
      );
      assert.deepEqual(await records().history('missing', 10), []);
    });

    test('entries with the same timestamp keep insertion order (newest first)', async () => {
      await records().insert('same-ms');
      const at = new Date('2026-03-02T00:00:00.000Z');
      for (const status of ['created', 'qr', 'stopped'] as const) {
        await records().appendHistory('same-ms', { status, connectionStatus: 'STOPPED', reason: null, at });
      }
      assert.deepEqual(
        (await records().history('same-ms', 5)).map((e) => e.status),
        ['stopped', 'qr', 'created'],
      );
    });

    test('remove cascades to history and auth state, and only for that session', async () => {
      const auth = database.auth;
      for (const id of ['gone', 'kept']) {
        await records().insert(id);
        await records().appendHistory(id, {
          status: 'qr',
          connectionStatus: 'QR_REQUIRED',
          reason: null,
          at: new Date(),
        });
        await auth.writeCreds(id, `{"creds":"${id}"}`);
        await auth.writeKeys(id, [{ type: 'pre-key', id: '1', value: `k-${id}` }]);
      }
      assert.equal(await records().remove('gone'), true);
      assert.equal(await records().remove('gone'), false);
      assert.equal(await records().find('gone'), undefined);
      assert.deepEqual(await records().history('gone', 10), []);
      assert.equal(await auth.readCreds('gone'), undefined);
      assert.equal((await auth.readKeys('gone', 'pre-key', ['1'])).size, 0);

      assert.equal((await records().history('kept', 10)).length, 1);
      assert.equal(await auth.readCreds('kept'), '{"creds":"kept"}');
      assert.equal((await auth.readKeys('kept', 'pre-key', ['1'])).get('1'), 'k-kept');
    });

    test("remove deletes the session webhook and its deliveries, not the global endpoint's", async () => {
      await database.webhooks.syncGlobal({ url: 'http://127.0.0.1:9/global', secret: 'global-secret-0123456789' });
      for (const id of ['hooked', 'other']) {
        await records().insert(id);
        const settings = { url: `http://127.0.0.1:9/${id}`, secret: 'session-secret-0123456789', events: null };
        await database.webhooks.putForSession(id, settings);
      }
      const now = new Date().toISOString();
      const delivery = (id: string, sessionId: string, endpointId: string, status: string) => ({
        id,
        event_seq: 1,
        event_id: `ev-${id}`,
        session_id: sessionId,
        type: 'session.status',
        endpoint_id: endpointId,
        status,
        next_attempt_at: now,
        created_at: now,
      });
      await database.db
        .insertInto('webhook_deliveries')
        .values([
          delivery('d1', 'hooked', 'session:hooked', 'pending'),
          delivery('d2', 'hooked', 'session:hooked', 'delivered'),
          delivery('d3', 'hooked', 'global', 'pending'),
          delivery('d4', 'other', 'session:other', 'pending'),
        ])
        .execute();

      assert.equal(await records().remove('hooked'), true);
      assert.equal(await database.webhooks.findForSession('hooked'), undefined);
      const left = await database.db.selectFrom('webhook_deliveries').select('id').orderBy('id').execute();
      // The global endpoint still gets the session's last events.
      assert.deepEqual(
        left.map((row) => row.id),
        ['d3', 'd4'],
      );
      assert.ok(await database.webhooks.findForSession('other'));
      await records().insert('hooked');
      assert.equal(await database.webhooks.findForSession('hooked'), undefined, 'the same id starts clean');
    });

    test('history for a deleted session is dropped quietly', async () => {
      await records().appendHistory('never-existed', {
        status: 'failed',
        connectionStatus: 'FAILED',
        reason: 'x',
        at: new Date(),
      });
      assert.deepEqual(await records().history('never-existed', 10), []);
    });

    test('ids are never reused after a delete', async () => {
      const first = await records().insert('reuse-1');
      await records().remove('reuse-1');
      const second = await records().insert('reuse-2');
      assert.ok(second.id > first.id);
    });
  });
}
