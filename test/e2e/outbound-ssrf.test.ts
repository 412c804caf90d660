import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { startGateway, type GatewayProcess } from '../support/gateway-process.ts';
import { createAndLink } from '../support/link-session.ts';
import { freshDatabaseUrl, tempDir } from '../support/test-databases.ts';
import { startTestSimulator, type TestSimulator } from '../support/test-simulator.ts';

const ME = '6281700000041';
const DINA = '6281700000042';

/**
 * A gateway with ALLOW_PRIVATE_MEDIA_URLS and ALLOW_PRIVATE_WEBHOOKS off (the defaults), real Baileys on the
 * wire: no spelling of loopback, as a media URL or a webhook target, ever reaches the bait server.
 */
describe('SSRF: media URLs and webhook targets cannot reach the gateway host', () => {
  let t: TestSimulator;
  let gateway: GatewayProcess;
  let bait: Server;
  let baitHits = 0;
  let port = 0;

  before(async () => {
    bait = createServer((_req, res) => {
      baitHits++;
      res.end('the gateway host answered');
    });
    await new Promise<void>((resolve) => bait.listen(0, '127.0.0.1', resolve));
    port = (bait.address() as AddressInfo).port;
    t = await startTestSimulator('outbound-ssrf');
    t.sim.createPhone({ phoneNumber: ME, name: 'Shop', platform: 'smba' });
    t.sim.createPhone({ phoneNumber: DINA, name: 'Dina', platform: 'android' });
    gateway = await startGateway({
      databaseUrl: await freshDatabaseUrl('sqlite'),
      dataDir: tempDir(),
      env: { ...t.gatewayEnv, ALLOW_PRIVATE_MEDIA_URLS: 'false', ALLOW_PRIVATE_WEBHOOKS: 'false' },
    });
  });
  after(async () => {
    await gateway?.kill('SIGKILL');
    await t?.sim.stop();
    bait?.closeAllConnections();
    await new Promise((resolve) => bait?.close(resolve));
  });

  const loopbackForms = () => [
    `http://127.0.0.1:${port}/`,
    `http://localhost:${port}/`,
    `http://[::1]:${port}/`,
    `http://0.0.0.0:${port}/`,
    `http://2130706433:${port}/`,
    `http://0x7f000001:${port}/`,
    `http://127.1:${port}/`,
    `http://[::ffff:127.0.0.1]:${port}/`,
    `https://localhost:${port}/`,
  ];

  test('an unlinked session answers its 409 before any media URL is fetched', async () => {
    assert.equal((await gateway.request('POST', '/sessions', { sessionId: 'cold' })).status, 201);
    const response = await gateway.request('POST', '/sessions/cold/messages', {
      to: DINA,
      image: { url: `http://127.0.0.1:${port}/` },
    });
    assert.equal(response.status, 409, JSON.stringify(response.body));
    assert.equal(response.body.success, false);
    assert.equal(baitHits, 0);
  });

  test('a linked session refuses every loopback spelling with 422 and sends nothing', async () => {
    await createAndLink(gateway, t.sim, 'shop', ME);
    for (const url of loopbackForms()) {
      for (const kind of ['image', 'document']) {
        const response = await gateway.request('POST', '/sessions/shop/messages', { to: DINA, [kind]: { url } });
        assert.equal(response.status, 422, `${kind} ${url}: ${JSON.stringify(response.body)}`);
        assert.equal(response.body.success, false);
        assert.equal(response.body.code, 'MEDIA_URL_FORBIDDEN');
      }
    }
    assert.equal(baitHits, 0);
    assert.equal(t.sim.phone(DINA).received().length, 0, 'nothing reached the contact');
  });

  test('a webhook target on loopback is refused with 400', async () => {
    for (const url of loopbackForms()) {
      const response = await gateway.request('PUT', '/sessions/shop/webhook', { url });
      assert.equal(response.status, 400, `${url}: ${JSON.stringify(response.body)}`);
      assert.equal(response.body.code, 'WEBHOOK_URL_FORBIDDEN');
    }
    assert.equal((await gateway.request('GET', '/sessions/shop/webhook')).status, 404, 'nothing was stored');
    assert.equal(baitHits, 0);
  });
});
