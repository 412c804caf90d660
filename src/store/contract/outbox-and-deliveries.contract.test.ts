import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { GatewayEvent } from '../../events/event-types.ts';
import type { Store as Database } from '../store.ts';
import { installInsertFault, openTestDatabase, TEST_DIALECTS } from '../../../test/support/test-databases.ts';

let counter = 0;
const event = (
  sessionId: string,
  type: GatewayEvent['type'] = 'session.status',
  data: Record<string, unknown> = {},
): GatewayEvent => ({
  id: `evt_test_${++counter}_${Math.random().toString(16).slice(2)}`,
  type,
  sessionId,
  timestamp: new Date(Date.now() - 1_000).toISOString(),
  data,
});
const SECRET = `whsec_${Buffer.alloc(24, 1).toString('base64')}`;

for (const dialect of TEST_DIALECTS) {
  describe(`webhook outbox (${dialect})`, () => {
    let database: Database;
    const outbox = () => database.outbox;
    const endpoints = () => database.webhooks;
    const deliveries = () => database.deliveries;
    const appendEvents = async (events: GatewayEvent[]) => (await outbox().append(events)).events;

    before(async () => {
      database = await openTestDatabase(dialect);
    });
    after(async () => {
      await database?.destroy();
    });

    test('append stores events with growing sequences and a delivery per subscribed, enabled endpoint', async () => {
      await endpoints().syncGlobal({ url: 'http://127.0.0.1:9/global', secret: SECRET });
      await endpoints().putForSession('ob-a', { url: 'http://127.0.0.1:9/a', secret: SECRET, events: ['session.qr'] });
      await endpoints().putForSession('ob-b', { url: 'http://127.0.0.1:9/b', secret: SECRET, events: null });
      const appended = await outbox().append([
        event('ob-a', 'session.status', { n: 1 }),
        event('ob-a', 'session.qr', { qr: 'x' }),
        event('ob-b'),
      ]);
      const stored = appended.events;
      assert.deepEqual(appended.lanes.map((l) => `${l.endpointId}>${l.sessionId}`).sort(), [
        'global>ob-a',
        'global>ob-b',
        'session:ob-a>ob-a',
        'session:ob-b>ob-b',
      ]);
      assert.deepEqual(
        stored.map((e) => e.data),
        [{ n: 1 }, { qr: 'x' }, {}],
      );
      assert.ok(
        stored[0]!.sequence > 0 &&
          stored[1]!.sequence > stored[0]!.sequence &&
          stored[2]!.sequence > stored[1]!.sequence,
      );

      const rows = await deliveries().list({ limit: 100 });
      const pairs = rows.map((r) => `${r.eventId}>${r.endpointId}`).sort();
      assert.deepEqual(
        pairs,
        [
          `${stored[0]!.id}>global`,
          `${stored[1]!.id}>global`,
          `${stored[1]!.id}>session:ob-a`,
          `${stored[2]!.id}>global`,
          `${stored[2]!.id}>session:ob-b`,
        ].sort(),
        'ob-a only wants session.qr; ob-b wants everything; global gets all',
      );
      assert.ok(rows.every((r) => r.status === 'pending' && r.attempts === 0));
      assert.deepEqual(await outbox().after(stored[0]!.sequence, { limit: 10 }), stored.slice(1));
      assert.deepEqual(await outbox().after(0, { sessionId: 'ob-b', limit: 10 }), [stored[2]]);
      assert.equal(await outbox().lastSequence(), stored[2]!.sequence);
      await endpoints().syncGlobal(undefined);
      await endpoints().removeForSession('ob-a');
      await endpoints().removeForSession('ob-b');
      const failed = await deliveries().list({ status: 'failed', limit: 100 });
      assert.equal(failed.length, 5, 'removing endpoints fails their pending deliveries');
    });

    test('an event and its deliveries are one transaction: a failing delivery insert stores no event', async () => {
      await installInsertFault(database, dialect, {
        name: 'delivery_fault',
        table: 'webhook_deliveries',
        column: 'session_id',
        value: 'ob-fault',
        message: 'injected delivery fault',
      });
      await endpoints().putForSession('ob-fault', { url: 'http://127.0.0.1:9/f', secret: SECRET, events: null });
      const before = await outbox().lastSequence();
      await assert.rejects(appendEvents([event('ob-ok'), event('ob-fault')]), /injected delivery fault/);
      assert.equal(await outbox().lastSequence(), before, 'no event row survived the failed delivery insert');
      assert.equal(
        (await deliveries().list({ limit: 100 }))
          .filter((d) => d.sessionId.startsWith('ob-'))
          .every((d) => d.status === 'failed'),
        true,
      );
      await endpoints().removeForSession('ob-fault');
      const stored = await appendEvents([event('ob-fault')]);
      assert.equal(stored.length, 1, 'without an endpoint there is no delivery to fail');
    });

    test('a big batch keeps call order in its sequences; a disabled endpoint gets no deliveries', async () => {
      await endpoints().putForSession('ob-big', {
        url: 'http://127.0.0.1:9/big',
        secret: SECRET,
        events: ['message.received'],
      });
      await endpoints().putForSession('ob-off', { url: 'http://127.0.0.1:9/off', secret: SECRET, events: null });
      await deliveries().disableEndpoint('session:ob-off', 'test', new Date());
      const batch = Array.from({ length: 2_345 }, (_, i) =>
        event(i % 2 ? 'ob-big' : 'ob-off', i % 3 ? 'message.status' : 'message.received', { i }),
      );
      const appended = await outbox().append(batch);
      assert.deepEqual(
        appended.events.map((e) => e.id),
        batch.map((e) => e.id),
      );
      assert.ok(
        appended.events.every((e, i) => i === 0 || e.sequence > appended.events[i - 1]!.sequence),
        'sequences grow in call order',
      );
      assert.deepEqual(
        appended.lanes.map((l) => `${l.endpointId}>${l.sessionId}`),
        ['session:ob-big>ob-big'],
      );
      const wanted = batch
        .filter((e) => e.sessionId === 'ob-big' && e.type === 'message.received')
        .map((e) => e.id)
        .sort();
      const made = (await deliveries().list({ sessionId: 'ob-big', limit: 5_000 })).map((d) => d.eventId).sort();
      assert.deepEqual(made, wanted);
      assert.equal((await deliveries().list({ sessionId: 'ob-off', status: 'pending', limit: 5_000 })).length, 0);
      await endpoints().removeForSession('ob-big');
      await endpoints().removeForSession('ob-off');
    });

    test('due returns only lane heads, oldest first; failures keep order and back off', async () => {
      await endpoints().putForSession('lane-a', { url: 'http://127.0.0.1:9/a', secret: SECRET, events: null });
      await endpoints().putForSession('lane-b', { url: 'http://127.0.0.1:9/b', secret: SECRET, events: null });
      const [a1, b1, a2, a3] = await appendEvents([event('lane-a'), event('lane-b'), event('lane-a'), event('lane-a')]);
      const now = new Date();
      let due = await deliveries().due(now, 10);
      assert.deepEqual(
        due.map((j) => j.event.id),
        [a1!.id, b1!.id],
        'one head per lane, in sequence order',
      );
      assert.equal(due[0]!.secret, SECRET);
      assert.equal(due[0]!.url, 'http://127.0.0.1:9/a');

      const later = new Date(now.getTime() + 60_000);
      const streak = await deliveries().recordFailure(due[0]!, {
        at: now,
        attempts: 1,
        error: 'HTTP 500',
        statusCode: 500,
        nextAttemptAt: later,
      });
      assert.equal(streak.failureCount, 1);
      due = await deliveries().due(now, 10);
      assert.deepEqual(
        due.map((j) => j.event.id),
        [b1!.id],
        'a backing-off head blocks its lane; a2 is not sent before a1',
      );
      due = await deliveries().due(later, 10);
      assert.deepEqual(
        due.map((j) => j.event.id),
        [a1!.id, b1!.id],
      );
      assert.equal(due[0]!.attempts, 1);

      assert.deepEqual(
        await deliveries().laneBatch('session:lane-a', 'lane-a', now, 10),
        [],
        'the head is not due yet: no skipping ahead',
      );
      assert.deepEqual(
        (await deliveries().laneBatch('session:lane-a', 'lane-a', later, 10)).map((j) => j.event.id),
        [a1!.id, a2!.id, a3!.id],
      );
      assert.deepEqual(
        (await deliveries().laneBatch('session:lane-a', 'lane-a', later, 2)).map((j) => j.event.id),
        [a1!.id, a2!.id],
      );
      await deliveries().markDelivered([{ job: due[0]!, statusCode: 204 }], later);
      assert.deepEqual(
        (await deliveries().laneBatch('session:lane-a', 'lane-a', later, 10)).map((j) => j.event.id),
        [a2!.id, a3!.id],
      );
      due = await deliveries().due(later, 10);
      assert.deepEqual(
        due.map((j) => j.event.id),
        [b1!.id, a2!.id],
      );
      const second = await deliveries().recordFailure(due[1]!, {
        at: later,
        attempts: 15,
        error: 'HTTP 502',
        statusCode: 502,
        nextAttemptAt: null,
      });
      assert.equal(second.failureCount, 1, 'the success in between reset the streak');
      due = await deliveries().due(later, 10);
      assert.deepEqual(
        due.map((j) => j.event.id),
        [b1!.id, a3!.id],
        'a delivery that gave up lets its lane move on',
      );
      const [gaveUp] = await deliveries().list({ status: 'failed', sessionId: 'lane-a', limit: 10 });
      assert.equal(gaveUp?.eventId, a2!.id);
      assert.equal(gaveUp?.lastError, 'HTTP 502');
      assert.equal(gaveUp?.lastStatusCode, 502);
    });

    test('disable fails pending deliveries and stops the lane; retry re-enables and reschedules', async () => {
      await endpoints().putForSession('dis', { url: 'http://127.0.0.1:9/d', secret: SECRET, events: null });
      const [d1, d2] = await appendEvents([event('dis'), event('dis')]);
      const now = new Date();
      await deliveries().disableEndpoint('session:dis', '3 consecutive failures', now);
      const endpoint = await endpoints().findForSession('dis');
      assert.equal(endpoint?.enabled, false);
      assert.equal(endpoint?.disabledReason, '3 consecutive failures');
      assert.ok((await deliveries().due(now, 100)).every((j) => j.event.sessionId !== 'dis'));
      const failed = await deliveries().list({ status: 'failed', sessionId: 'dis', limit: 10 });
      assert.deepEqual(failed.map((d) => d.eventId).sort(), [d1!.id, d2!.id].sort());
      assert.match(failed[0]!.lastError ?? '', /endpoint disabled: 3 consecutive failures/);
      assert.equal((await appendEvents([event('dis')])).length, 1);
      assert.equal(
        (await deliveries().list({ sessionId: 'dis', limit: 10 })).length,
        2,
        'a disabled endpoint gets no new deliveries',
      );

      const target = failed.find((d) => d.eventId === d2!.id)!;
      const retried = await deliveries().retry(target.id, now);
      assert.equal(retried?.status, 'pending');
      assert.equal(retried?.attempts, 0);
      assert.equal((await endpoints().findForSession('dis'))?.enabled, true);
      assert.deepEqual(
        (await deliveries().due(now, 100)).filter((j) => j.event.sessionId === 'dis').map((j) => j.id),
        [target.id],
      );
      assert.equal(await deliveries().retry('dlv_00000000000000000000000000000000', now), undefined);
    });

    test('putForSession replaces settings and re-enables; list filters and limits', async () => {
      await endpoints().putForSession('put', { url: 'http://127.0.0.1:9/1', secret: SECRET, events: ['session.qr'] });
      await database.db
        .updateTable('webhook_endpoints')
        .set({ enabled: 0, disabled_reason: 'x' })
        .where('id', '=', 'session:put')
        .execute();
      const replaced = await endpoints().putForSession('put', {
        url: 'http://127.0.0.1:9/2',
        secret: SECRET,
        events: null,
      });
      assert.equal(replaced.url, 'http://127.0.0.1:9/2');
      assert.equal(replaced.events, null);
      assert.equal(replaced.enabled, true);
      assert.equal(replaced.disabledReason, null);
      assert.ok(replaced.updatedAt >= replaced.createdAt);
      await appendEvents([event('put'), event('put'), event('put')]);
      assert.equal((await deliveries().list({ sessionId: 'put', limit: 2 })).length, 2);
      const listed = await deliveries().list({ sessionId: 'put', status: 'pending', limit: 10 });
      assert.equal(listed.length, 3);
      assert.ok(listed[0]!.sequence > listed[1]!.sequence, 'newest first');
      assert.equal(listed[0]!.url, 'http://127.0.0.1:9/2');
      assert.equal(await endpoints().removeForSession('put'), true);
      assert.equal(await endpoints().removeForSession('put'), false);
    });
  });
}
