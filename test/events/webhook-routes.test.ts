import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { openEventsApp, TEST_KEY, type EventsApp } from './events-app.ts';
import { verifyStandardWebhook, WebhookReceiver } from './webhook-receiver.ts';

const auth = { authorization: `Bearer ${TEST_KEY}` };
const GOOD_SECRET = `whsec_${Buffer.alloc(24, 3).toString('base64')}`;

describe('webhook and delivery routes (real SQLite, real receiver)', () => {
  let t: EventsApp;
  let receiver: WebhookReceiver;

  const inject = (
    method: 'GET' | 'PUT' | 'POST' | 'DELETE',
    url: string,
    payload?: unknown,
    headers: Record<string, string> = auth,
  ) => t.app.inject({ method, url, headers, ...(payload !== undefined && { payload: payload as object }) });
  const webhookRows = async () => t.database.db.selectFrom('webhook_endpoints').selectAll().execute();
  const assertRefused = (response: { statusCode: number; json(): unknown }, status: number, code?: string) => {
    assert.equal(response.statusCode, status, JSON.stringify(response.json()));
    const body = response.json() as { success: unknown; message: unknown; code: unknown };
    assert.equal(body.success, false);
    assert.equal(typeof body.message, 'string');
    if (code) assert.equal(body.code, code);
  };

  before(async () => {
    t = await openEventsApp('sqlite');
    receiver = await new WebhookReceiver().start();
    await t.manager.create('hooked');
    t.events.worker.start();
  });
  after(async () => {
    await t?.close();
    await receiver?.stop();
  });

  test('bad input gets a 4xx in the envelope and stores nothing', async () => {
    const cases: Array<[string, unknown, number, string]> = [
      ['/sessions/hooked/webhook', { url: 'ftp://example.test/x' }, 400, 'INVALID_WEBHOOK_URL'],
      ['/sessions/hooked/webhook', { url: 'not a url' }, 400, 'INVALID_WEBHOOK_URL'],
      ['/sessions/hooked/webhook', { url: 'javascript:alert(1)' }, 400, 'INVALID_WEBHOOK_URL'],
      [
        '/sessions/hooked/webhook',
        { url: receiver.url(), events: ['message.received', 'session.nope'] },
        400,
        'VALIDATION_FAILED',
      ],
      ['/sessions/hooked/webhook', { url: receiver.url(), events: [] }, 400, 'VALIDATION_FAILED'],
      ['/sessions/hooked/webhook', { url: receiver.url(), secret: 'too-weak' }, 400, 'INVALID_WEBHOOK_SECRET'],
      ['/sessions/hooked/webhook', { url: receiver.url(), extra: 1 }, 400, 'VALIDATION_FAILED'],
      ['/sessions/hooked/webhook', { events: ['session.qr'] }, 400, 'VALIDATION_FAILED'],
      ['/sessions/hooked/webhook', { url: 42 }, 400, 'VALIDATION_FAILED'],
      ['/sessions/nobody/webhook', { url: receiver.url() }, 404, 'SESSION_NOT_FOUND'],
    ];
    for (const [url, body, status, code] of cases) assertRefused(await inject('PUT', url, body), status, code);
    assertRefused(
      await t.app.inject({
        method: 'PUT',
        url: '/sessions/hooked/webhook',
        headers: { ...auth, 'content-type': 'application/json' },
        payload: '{"url":',
      }),
      400,
      'MALFORMED_JSON',
    );
    assertRefused(await inject('PUT', '/sessions/hooked/webhook', { url: receiver.url() }, {}), 401, 'INVALID_API_KEY');
    assert.deepEqual(await webhookRows(), [], 'no webhook was stored');
    assertRefused(await inject('GET', '/sessions/hooked/webhook'), 404, 'WEBHOOK_NOT_FOUND');
    assertRefused(await inject('DELETE', '/sessions/hooked/webhook'), 404, 'WEBHOOK_NOT_FOUND');
    assertRefused(await inject('GET', '/sessions/nobody/webhook'), 404, 'SESSION_NOT_FOUND');

    for (const query of ['status=broken', 'limit=0', 'limit=1001', 'limit=ten', 'sessionId=bad%20id', 'unknown=1']) {
      assertRefused(await inject('GET', `/webhooks/deliveries?${query}`), 400, 'VALIDATION_FAILED');
    }
    assertRefused(await inject('POST', '/webhooks/deliveries/not-an-id/retry'), 400, 'VALIDATION_FAILED');
    assertRefused(await inject('POST', `/webhooks/deliveries/dlv_${'0'.repeat(32)}/retry`), 404, 'DELIVERY_NOT_FOUND');
    assertRefused(await inject('GET', '/webhooks/deliveries', undefined, {}), 401, 'INVALID_API_KEY');
    assert.equal((await t.database.db.selectFrom('webhook_deliveries').selectAll().execute()).length, 0);
  });

  test('PUT creates with a generated secret shown once; GET never shows it; re-PUT keeps it; DELETE removes', async () => {
    const created = await inject('PUT', '/sessions/hooked/webhook', {
      url: receiver.url(),
      events: ['session.status'],
    });
    assert.equal(created.statusCode, 200);
    const body = created.json();
    assert.equal(body.success, true);
    assert.equal(body.message, 'Webhook saved successfully');
    assert.equal(body.data.url, receiver.url());
    assert.deepEqual(body.data.events, ['session.status']);
    assert.equal(body.data.enabled, true);
    assert.match(body.data.secret, /^whsec_[A-Za-z0-9+/]+=*$/);
    const secret: string = body.data.secret;

    const read = (await inject('GET', '/sessions/hooked/webhook')).json();
    assert.equal(read.data.secret, undefined);
    assert.equal(read.data.url, receiver.url());
    assert.ok(!JSON.stringify(read).includes(secret.slice(6)));

    const replaced = (await inject('PUT', '/sessions/hooked/webhook', { url: receiver.url('/v2') })).json();
    assert.equal(replaced.data.secret, undefined, 'no new secret on update');
    assert.deepEqual(replaced.data.events, ['message.received', 'message.status', 'session.status', 'session.qr']);

    const event = await t.events.publisher.publish('hooked', 'session.status', { connectionStatus: 'AUTHENTICATED' });
    await receiver.waitFor((hooks) => hooks.some((h) => h.json.id === event.id));
    const hook = receiver.accepted.find((h) => h.json.id === event.id)!;
    assert.ok(verifyStandardWebhook(secret, hook), 'signed with the secret the PUT returned');

    const own = (await inject('PUT', '/sessions/hooked/webhook', { url: receiver.url(), secret: GOOD_SECRET })).json();
    assert.equal(own.data.secret, undefined, 'a supplied secret is never echoed');
    const deleted = await inject('DELETE', '/sessions/hooked/webhook');
    assert.equal(deleted.statusCode, 200);
    assert.deepEqual(deleted.json(), { success: true, message: 'Webhook deleted successfully' });
    assert.deepEqual(await webhookRows(), []);
  });

  test('deliveries are listed with filters and replayed through the API', async () => {
    receiver.respond = () => 503;
    const put = await inject('PUT', '/sessions/hooked/webhook', { url: receiver.url('/flaky'), secret: GOOD_SECRET });
    assert.equal(put.statusCode, 200);
    const event = await t.events.publisher.publish('hooked', 'session.qr', { qr: 'ref,1' });
    await receiver.waitFor(
      () => receiver.received.some((h) => h.json.id === event.id && h.headers['webhook-id'] === event.id),
      10_000,
    );
    await inject('DELETE', '/sessions/hooked/webhook');

    const listed = await inject('GET', '/webhooks/deliveries?status=failed&sessionId=hooked&limit=5');
    assert.equal(listed.statusCode, 200);
    const list = listed.json();
    assert.equal(list.success, true);
    assert.equal(list.count, list.data.length);
    const failed = list.data.find((d: { eventId: string }) => d.eventId === event.id);
    assert.ok(failed, 'the failed delivery is listed');
    assert.equal(failed.status, 'failed');
    assert.equal(failed.lastError, 'webhook deleted');
    assert.equal(failed.endpoint.id, 'session:hooked');
    assert.equal(failed.endpoint.url, null, 'its endpoint is gone');
    assert.ok(!JSON.stringify(list).includes('whsec_'), 'never a secret');
    assert.equal(
      (await inject('GET', '/webhooks/deliveries?status=delivered&sessionId=hooked'))
        .json()
        .data.every((d: { status: string }) => d.status === 'delivered'),
      true,
    );

    assertRefused(await inject('POST', `/webhooks/deliveries/${failed.id}/retry`), 409, 'DELIVERY_ENDPOINT_GONE');
    receiver.respond = () => 200;
    await inject('PUT', '/sessions/hooked/webhook', { url: receiver.url('/flaky'), secret: GOOD_SECRET });
    const retried = await inject('POST', `/webhooks/deliveries/${failed.id}/retry`);
    assert.equal(retried.statusCode, 200);
    assert.equal(retried.json().data.status, 'pending');
    assert.equal(retried.json().data.attempts, 0);
    await receiver.waitFor((hooks) => hooks.some((h) => h.json.id === event.id));
    const replayed = receiver.accepted.find((h) => h.json.id === event.id)!;
    assert.ok(verifyStandardWebhook(GOOD_SECRET, replayed));
    assert.deepEqual(replayed.json.data, { qr: 'ref,1' });
  });
});
