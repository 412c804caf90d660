import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createHttpSender } from '../../src/events/webhook-sender.ts';
import { openEventsApp, TEST_KEY, type EventsApp } from './events-app.ts';

const auth = { authorization: `Bearer ${TEST_KEY}` };
const SECRET = `whsec_${Buffer.alloc(24, 7).toString('base64')}`;

describe('webhook targets: private addresses refused, failures shown as classes, credentials never shown', () => {
  let bait: Server;
  let baitPort = 0;
  let baitHits = 0;

  before(async () => {
    bait = createServer((_req, res) => {
      baitHits++;
      res.end();
    });
    await new Promise<void>((resolve) => bait.listen(0, '127.0.0.1', resolve));
    baitPort = (bait.address() as AddressInfo).port;
  });
  after(async () => {
    bait.closeAllConnections();
    await new Promise((resolve) => bait.close(resolve));
  });

  describe('ALLOW_PRIVATE_WEBHOOKS off (the default)', () => {
    let t: EventsApp;
    before(async () => {
      t = await openEventsApp('sqlite', 60_000, { allowPrivateWebhooks: false });
      await t.manager.create('guarded');
    });
    after(async () => t?.close());

    test('PUT refuses every loopback spelling with 400 and stores nothing', async () => {
      for (const host of [
        '127.0.0.1',
        'localhost',
        '[::1]',
        '0.0.0.0',
        '2130706433',
        '0x7f000001',
        '127.1',
        '[::ffff:127.0.0.1]',
        // Private and link-local ranges are checked in src/shared/outbound-address.test.ts without a socket:
        // a broken check here must never send traffic off the machine.
      ]) {
        const url = `http://${host}:${baitPort}/hook`;
        const response = await t.app.inject({
          method: 'PUT',
          url: '/sessions/guarded/webhook',
          headers: auth,
          payload: { url, secret: SECRET },
        });
        assert.equal(response.statusCode, 400, `${host}: ${response.body}`);
        assert.equal(response.json().success, false);
        assert.equal(response.json().code, 'WEBHOOK_URL_FORBIDDEN');
      }
      assert.equal((await t.database.db.selectFrom('webhook_endpoints').selectAll().execute()).length, 0);
      assert.equal(baitHits, 0);
    });

    test('at delivery the sender connects only to checked addresses (a name now resolving to loopback too)', async () => {
      const literal = createHttpSender({ addresses: { allowPrivate: false } });
      const rebound = createHttpSender({
        addresses: { allowPrivate: false, resolve: async () => [{ address: '127.0.0.1', family: 4 }] },
      });
      try {
        assert.deepEqual(await literal.send(`http://127.0.0.1:${baitPort}/`, '{}', {}, 2_000), {
          statusCode: null,
          error: 'blocked_address',
        });
        assert.deepEqual(await rebound.send(`http://hooks.example.test:${baitPort}/`, '{}', {}, 2_000), {
          statusCode: null,
          error: 'blocked_address',
        });
      } finally {
        literal.close();
        rebound.close();
      }
      assert.equal(baitHits, 0);
    });
  });

  describe('ALLOW_PRIVATE_WEBHOOKS on', () => {
    let t: EventsApp;
    before(async () => {
      t = await openEventsApp('sqlite');
      await t.manager.create('lan');
      t.events.worker.start();
    });
    after(async () => t?.close());

    test('a refused connection is listed as connection_refused; user:pass is redacted in every answer', async () => {
      const put = await t.app.inject({
        method: 'PUT',
        url: '/sessions/lan/webhook',
        headers: auth,
        payload: { url: 'http://crm:hunter2@127.0.0.1:1/in', secret: SECRET },
      });
      assert.equal(put.statusCode, 200, put.body);
      assert.equal(put.json().data.url, 'http://***:***@127.0.0.1:1/in');
      const shown = await t.app.inject({ method: 'GET', url: '/sessions/lan/webhook', headers: auth });
      assert.equal(shown.json().data.url, 'http://***:***@127.0.0.1:1/in');
      const event = await t.events.publisher.publish('lan', 'session.qr', { qr: 'ref,1' });
      let delivery: { lastError: string | null; endpoint: { url: string } } | undefined;
      const deadline = Date.now() + 10_000;
      while (!delivery?.lastError && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        const listed = await t.app.inject({ method: 'GET', url: '/webhooks/deliveries?sessionId=lan', headers: auth });
        delivery = listed.json().data.find((d: { eventId: string }) => d.eventId === event.id);
        assert.ok(!listed.body.includes('hunter2'), 'the password is never shown');
        assert.doesNotMatch(listed.body, /ECONNREFUSED|connect /, 'no raw socket error');
      }
      assert.equal(delivery?.lastError, 'connection_refused');
      assert.equal(delivery?.endpoint.url, 'http://***:***@127.0.0.1:1/in');
    });
  });
});
