import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { GatewayEvent } from '../../events/event-types.ts';
import type { Store as Database } from '../store.ts';
import { openTestDatabase, TEST_DIALECTS } from '../../../test/support/test-databases.ts';

const DAY = 86_400_000;
const SECRET = `whsec_${Buffer.alloc(24, 7).toString('base64')}`;
let counter = 0;
const event = (sessionId: string, ageMs: number): GatewayEvent => ({
  id: `evt_retention_${++counter}`,
  type: 'session.status',
  sessionId,
  timestamp: new Date(Date.now() - ageMs).toISOString(),
  data: { n: counter },
});

for (const dialect of TEST_DIALECTS) {
  describe(`retention of events, deliveries and status history (${dialect})`, () => {
    let database: Database;
    before(async () => {
      database = await openTestDatabase(dialect);
    });
    after(async () => {
      await database?.destroy();
    });

    test('finished deliveries and unreferenced events past the cutoff go; pending deliveries, their events and newer rows stay', async () => {
      const outbox = database.outbox;
      const endpoints = database.webhooks;
      await endpoints.putForSession('rt', { url: 'http://127.0.0.1:9/hook', secret: SECRET, events: null });
      const [delivered, failed, pending, recent] = (
        await outbox.append([event('rt', 10 * DAY), event('rt', 9 * DAY), event('rt', 8 * DAY), event('rt', 60_000)])
      ).events;
      const setStatus = (status: string, ids: string[]) =>
        database.db.updateTable('webhook_deliveries').set({ status }).where('event_id', 'in', ids).execute();
      await setStatus('delivered', [delivered!.id, recent!.id]);
      await setStatus('failed', [failed!.id]);
      // No endpoint wants events of this session: an old event without any delivery row.
      const [unsent] = (await outbox.append([event('rt-unsent', 7 * DAY)])).events;

      assert.deepEqual(await outbox.prune(new Date(Date.now() - DAY)), { deliveries: 2, events: 3 });
      assert.deepEqual(
        (await outbox.after(0, { sessionId: 'rt', limit: 10 })).map((e) => e.id),
        [pending!.id, recent!.id],
      );
      const left = await database.db
        .selectFrom('webhook_deliveries')
        .select(['event_id', 'status'])
        .where('session_id', '=', 'rt')
        .orderBy('event_seq')
        .execute();
      assert.deepEqual(left, [
        { event_id: pending!.id, status: 'pending' },
        { event_id: recent!.id, status: 'delivered' },
      ]);
      assert.ok(!(await outbox.after(0, { limit: 100 })).some((e) => e.id === unsent!.id));
      assert.deepEqual(
        await outbox.prune(new Date(Date.now() - DAY)),
        { deliveries: 0, events: 0 },
        'nothing more to do',
      );
      assert.ok((await outbox.lastSequence()) >= recent!.sequence);
    });

    test('a large backlog is deleted in bounded statements until none is left', async () => {
      const outbox = database.outbox;
      const old = Array.from({ length: 2_345 }, () => event('rt-bulk', 30 * DAY));
      await outbox.append(old);
      const kept = (await outbox.append([event('rt-bulk', 1_000)])).events;
      assert.deepEqual(await outbox.prune(new Date(Date.now() - DAY)), { deliveries: 0, events: 2_345 });
      assert.deepEqual(
        (await outbox.after(0, { sessionId: 'rt-bulk', limit: 10 })).map((e) => e.id),
        kept.map((e) => e.id),
      );
    });

    test("status history before the cutoff goes, except each session's newest 50", async () => {
      const records = database.records;
      const fill = async (sessionId: string, old: number, fresh: number) => {
        await records.insert(sessionId);
        for (let i = 0; i < old + fresh; i++) {
          const at = new Date(Date.now() - (i < old ? 20 * DAY : 60_000) + i * 1_000);
          await records.appendHistory(sessionId, {
            status: 'disconnected',
            connectionStatus: 'RECONNECTING',
            reason: `#${i}`,
            at,
          });
        }
      };
      await fill('rt-long', 60, 3);
      await fill('rt-short', 5, 0);
      await fill('rt-edge', 52, 0);

      assert.equal(await records.pruneHistory(new Date(Date.now() - DAY), 50), 13 + 0 + 2);
      const long = await records.history('rt-long', 100);
      assert.equal(long.length, 50);
      assert.deepEqual(
        long.map((e) => e.reason),
        Array.from({ length: 50 }, (_, i) => `#${62 - i}`),
        'the newest 50, newest first',
      );
      assert.equal((await records.history('rt-short', 100)).length, 5, 'fewer than 50: all kept however old');
      assert.deepEqual((await records.history('rt-edge', 100)).map((e) => e.reason).at(-1), '#2');
      assert.equal(await records.pruneHistory(new Date(Date.now() - DAY), 50), 0);
      assert.equal(
        await records.pruneHistory(new Date(), 2),
        48 + 3 + 48,
        'a later cutoff and a smaller keep take the rest',
      );
    });
  });
}
