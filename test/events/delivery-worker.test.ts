import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import pino from 'pino';
import { AppError } from '../../src/errors/app-error.ts';
import type { DeliveryOutcome } from '../../src/events/delivery-worker.ts';
import { createEventPipeline, type EventPipeline } from '../../src/events/event-pipeline.ts';
import type { StoredEvent, WebhookEndpointStore } from '../../src/events/event-store.ts';
import type { Store as Database } from '../../src/store/store.ts';
import { openTestDatabase, TEST_DIALECTS } from '../support/test-databases.ts';
import { eventually } from '../support/eventually.ts';
import { verifyStandardWebhook, WebhookReceiver } from './webhook-receiver.ts';

const SECRET = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;
const KNOWN_SESSIONS = new Set(['w-sign', 'w-order-a', 'w-order-b', 'w-dis', 'w-410', 'w-poison', 'w-list']);

for (const dialect of TEST_DIALECTS) {
  describe(`delivery worker with a real receiver (${dialect})`, () => {
    let database: Database;
    let endpoints: WebhookEndpointStore;
    let events: EventPipeline;
    let receiver: WebhookReceiver;

    before(async () => {
      database = await openTestDatabase(dialect);
      endpoints = database.webhooks;
    });
    after(async () => {
      await database?.destroy();
    });
    beforeEach(async () => {
      receiver = await new WebhookReceiver().start();
      events = createEventPipeline({
        outbox: database.outbox,
        endpoints,
        deliveries: database.deliveries,
        logger: pino({ level: 'silent' }),
        // The receiver is on loopback: what ALLOW_PRIVATE_WEBHOOKS=true sets in a gateway.
        addresses: { allowPrivate: true },
        requireSession: async (id) => {
          if (!KNOWN_SESSIONS.has(id)) throw new AppError('SESSION_NOT_FOUND');
        },
        worker: {
          timeoutMs: 2_000,
          pollIntervalMs: 20,
          retry: { baseMs: 20, maxMs: 100, maxAttempts: 50 },
          disable: { afterFailures: 12, afterMs: 0 },
        },
      });
      events.worker.start();
    });
    afterEach(async () => {
      await events.worker.stop();
      await receiver.stop();
    });

    test('the receiver gets the envelope with a valid Standard Webhooks signature', async () => {
      const { endpoint, generatedSecret } = await events.webhooks.put('w-sign', { url: receiver.url() });
      assert.ok(generatedSecret, 'a secret is generated on creation');
      assert.equal(endpoint.secret, generatedSecret);
      const published = await events.publisher.publish('w-sign', 'session.qr', { qr: '2@abc' });
      await receiver.waitFor((hooks) => hooks.length === 1);
      const hook = receiver.accepted[0]!;
      assert.equal(hook.headers['content-type'], 'application/json');
      assert.equal(hook.headers['webhook-id'], published.id);
      assert.ok(verifyStandardWebhook(generatedSecret, hook), 'signature verifies with the returned secret');
      assert.equal(verifyStandardWebhook(SECRET, hook), false, 'and not with another secret');
      assert.equal(
        verifyStandardWebhook(generatedSecret, { ...hook, body: hook.body.replace('2@abc', '2@abd') }),
        false,
      );
      assert.deepEqual(hook.json, {
        id: published.id,
        type: 'session.qr',
        sessionId: 'w-sign',
        timestamp: published.timestamp,
        data: { qr: '2@abc' },
      });
      const delivery = await eventually(async () => {
        const [found] = await events.webhooks.listDeliveries({ sessionId: 'w-sign', limit: 10 });
        return found?.status === 'delivered' ? found : undefined;
      }, 'the delivery to be marked delivered');
      assert.equal(delivery?.attempts, 1);
      assert.equal(delivery?.lastStatusCode, 200);
    });

    test('receiver down, then up: nothing is lost and each session keeps its order', async () => {
      await events.webhooks.put('w-order-a', { url: receiver.url('/a'), secret: SECRET });
      await events.webhooks.put('w-order-b', { url: receiver.url('/b'), secret: SECRET });
      await receiver.stop();
      const published: StoredEvent[] = [];
      for (let i = 0; i < 15; i++) {
        published.push(await events.publisher.publish('w-order-a', 'session.status', { i }));
        published.push(await events.publisher.publish('w-order-b', 'session.status', { i }));
      }
      await eventually(async () => {
        const failing = await events.webhooks.listDeliveries({ sessionId: 'w-order-a', status: 'pending', limit: 100 });
        return failing.some((d) => d.attempts >= 2 && d.lastError !== null) ? true : undefined;
      }, 'failed attempts while the receiver is down');
      await receiver.start();
      await receiver.waitFor((hooks) => hooks.length >= published.length, 20_000, 'all 30 events');
      for (const sessionId of ['w-order-a', 'w-order-b']) {
        const sent = published.filter((e) => e.sessionId === sessionId).map((e) => e.id);
        const got = receiver.accepted.filter((h) => h.json.sessionId === sessionId).map((h) => h.json.id as string);
        assert.deepEqual(got, sent, `${sessionId}: every event once, in publish order`);
      }
      assert.ok(receiver.accepted.every((hook) => verifyStandardWebhook(SECRET, hook)));
      await eventually(
        async () =>
          (await events.webhooks.listDeliveries({ status: 'pending', sessionId: 'w-order-a', limit: 100 })).length === 0
            ? true
            : undefined,
        'no pending deliveries',
      );
    });

    test('an endpoint that keeps failing is disabled with the reason; PUT re-enables; retry replays', async () => {
      receiver.respond = () => 500;
      await events.webhooks.put('w-dis', { url: receiver.url(), secret: SECRET });
      const first = await events.publisher.publish('w-dis', 'session.status', { n: 1 });
      const second = await events.publisher.publish('w-dis', 'session.status', { n: 2 });
      const disabled = await eventually(async () => {
        const endpoint = await endpoints.findForSession('w-dis');
        return endpoint && !endpoint.enabled ? endpoint : undefined;
      }, 'the endpoint to be disabled');
      assert.match(disabled.disabledReason ?? '', /^12 consecutive failures since .*; last: http_5xx$/);
      assert.ok(
        receiver.received.every((hook) => hook.json.id === first.id),
        'the second event never overtook the first',
      );
      const failed = await events.webhooks.listDeliveries({ sessionId: 'w-dis', status: 'failed', limit: 10 });
      assert.deepEqual(failed.map((d) => d.eventId).sort(), [first.id, second.id].sort());
      assert.equal((await events.webhooks.get('w-dis')).enabled, false);

      const skipped = await events.publisher.publish('w-dis', 'session.status', { n: 3 });
      assert.equal(
        (await events.webhooks.listDeliveries({ sessionId: 'w-dis', limit: 10 })).length,
        2,
        'no delivery for a disabled endpoint',
      );

      receiver.respond = () => 204;
      const reenabled = await events.webhooks.put('w-dis', { url: receiver.url() });
      assert.equal(reenabled.endpoint.enabled, true);
      assert.equal(reenabled.generatedSecret, null, 'an existing webhook keeps its secret');
      const fourth = await events.publisher.publish('w-dis', 'session.status', { n: 4 });
      await receiver.waitFor((hooks) => hooks.some((h) => h.json.id === fourth.id));
      const retried = await events.webhooks.retryDelivery(failed.find((d) => d.eventId === second.id)!.id);
      assert.equal(retried.status, 'pending');
      await receiver.waitFor((hooks) => hooks.some((h) => h.json.id === second.id));
      assert.ok(!receiver.accepted.some((h) => h.json.id === skipped.id));
      const replayed = receiver.accepted.find((h) => h.json.id === second.id)!;
      assert.ok(verifyStandardWebhook(SECRET, replayed));
      assert.deepEqual(replayed.json.data, { n: 2 });
    });

    test('410 Gone disables the endpoint at once', async () => {
      receiver.respond = () => 410;
      await events.webhooks.put('w-410', { url: receiver.url(), secret: SECRET });
      await events.publisher.publish('w-410', 'session.status', {});
      const endpoint = await eventually(async () => {
        const found = await endpoints.findForSession('w-410');
        return found && !found.enabled ? found : undefined;
      }, '410 to disable');
      assert.equal(endpoint.disabledReason, 'the endpoint answered 410 Gone');
      assert.equal(receiver.received.length, 1);
    });

    test('a delivery out of attempts fails alone and its lane moves on', async () => {
      events.worker.stop();
      const poisonWorker = createEventPipeline({
        outbox: database.outbox,
        endpoints,
        deliveries: database.deliveries,
        logger: pino({ level: 'silent' }),
        // The receiver is on loopback: what ALLOW_PRIVATE_WEBHOOKS=true sets in a gateway.
        addresses: { allowPrivate: true },
        requireSession: async () => undefined,
        worker: {
          pollIntervalMs: 20,
          retry: { baseMs: 5, maxMs: 10, maxAttempts: 3 },
          disable: { afterFailures: 1_000, afterMs: 0 },
        },
      });
      poisonWorker.worker.start();
      try {
        receiver.respond = (hook) => (hook.json.data.poison ? 500 : 200);
        await events.webhooks.put('w-poison', { url: receiver.url(), secret: SECRET });
        const poison = await poisonWorker.publisher.publish('w-poison', 'session.status', { poison: true });
        const next = await poisonWorker.publisher.publish('w-poison', 'session.status', { poison: false });
        await receiver.waitFor((hooks) => hooks.some((h) => h.json.id === next.id));
        assert.equal(receiver.received.filter((h) => h.json.id === poison.id).length, 3);
        const [failed] = await events.webhooks.listDeliveries({ sessionId: 'w-poison', status: 'failed', limit: 10 });
        assert.equal(failed?.eventId, poison.id);
        assert.equal(failed?.attempts, 3);
        assert.equal(failed?.lastError, 'http_5xx');
        assert.equal((await endpoints.findForSession('w-poison'))?.enabled, true);
      } finally {
        await poisonWorker.worker.stop();
      }
    });

    test('every attempt is reported to the outcome listener: retry, then failed for good, then delivered', async () => {
      await events.worker.stop();
      const outcomes: DeliveryOutcome[] = [];
      const counted = createEventPipeline({
        outbox: database.outbox,
        endpoints,
        deliveries: database.deliveries,
        logger: pino({ level: 'silent' }),
        // The receiver is on loopback: what ALLOW_PRIVATE_WEBHOOKS=true sets in a gateway.
        addresses: { allowPrivate: true },
        requireSession: async () => undefined,
        worker: {
          pollIntervalMs: 20,
          retry: { baseMs: 5, maxMs: 10, maxAttempts: 2 },
          disable: { afterFailures: 1_000, afterMs: 0 },
          onOutcome: (outcome) => outcomes.push(outcome),
        },
      });
      counted.worker.start();
      try {
        receiver.respond = (hook) => (hook.json.data.ok ? 201 : 503);
        const { endpoint } = await counted.webhooks.put('w-outcome', { url: receiver.url(), secret: SECRET });
        const bad = await counted.publisher.publish('w-outcome', 'session.status', { ok: false });
        const good = await counted.publisher.publish('w-outcome', 'session.status', { ok: true });
        await receiver.waitFor((hooks) => hooks.some((h) => h.json.id === good.id));
        await eventually(async () => (outcomes.length >= 3 ? true : undefined), 'three outcomes');
        const deliveries = await counted.webhooks.listDeliveries({ sessionId: 'w-outcome', limit: 10 });
        const idOf = (eventId: string) => deliveries.find((d) => d.eventId === eventId)?.id;
        const seen = outcomes.map(({ deliveryId, endpointId, sessionId, result, statusCode, attempts }) => ({
          deliveryId,
          endpointId,
          sessionId,
          result,
          statusCode,
          attempts,
        }));
        const lane = { endpointId: endpoint.id, sessionId: 'w-outcome' };
        assert.deepEqual(seen, [
          { deliveryId: idOf(bad.id), ...lane, result: 'retrying', statusCode: 503, attempts: 1 },
          { deliveryId: idOf(bad.id), ...lane, result: 'failed', statusCode: 503, attempts: 2 },
          { deliveryId: idOf(good.id), ...lane, result: 'delivered', statusCode: 201, attempts: 1 },
        ]);
        for (const outcome of outcomes) {
          assert.ok(Number.isFinite(outcome.requestMs) && Number.isFinite(outcome.sinceEventMs), 'durations set');
        }
      } finally {
        await counted.worker.stop();
      }
    });

    test('deliveries list filters by status and session, newest first, and carries no secret', async () => {
      receiver.respond = (hook) => (hook.json.data.ok ? 200 : 410);
      await events.webhooks.put('w-list', { url: receiver.url(), secret: SECRET });
      const ok = await events.publisher.publish('w-list', 'session.status', { ok: true });
      await receiver.waitFor((hooks) => hooks.some((h) => h.json.id === ok.id));
      const bad = await events.publisher.publish('w-list', 'session.status', { ok: false });
      await eventually(
        async () => ((await endpoints.findForSession('w-list'))?.enabled === false ? true : undefined),
        'disable',
      );
      const all = await events.webhooks.listDeliveries({ sessionId: 'w-list', limit: 10 });
      assert.deepEqual(
        all.map((d) => d.eventId),
        [bad.id, ok.id],
      );
      assert.deepEqual(
        (await events.webhooks.listDeliveries({ sessionId: 'w-list', status: 'delivered', limit: 10 })).map(
          (d) => d.eventId,
        ),
        [ok.id],
      );
      assert.deepEqual(
        (await events.webhooks.listDeliveries({ sessionId: 'w-list', status: 'failed', limit: 10 })).map(
          (d) => d.eventId,
        ),
        [bad.id],
      );
      assert.equal((await events.webhooks.listDeliveries({ sessionId: 'w-list', limit: 1 })).length, 1);
      assert.ok(!JSON.stringify(all).includes(SECRET.slice(6, 20)), 'no secret in the listing');
    });
  });
}
