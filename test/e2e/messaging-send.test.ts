import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { startGateway, type GatewayProcess } from '../support/gateway-process.ts';
import { createAndLink } from '../support/link-session.ts';
import { freshDatabaseUrl, tempDir } from '../support/test-databases.ts';
import { startTestSimulator, type TestSimulator } from '../support/test-simulator.ts';

/**
 * Declares a body larger than any limit and writes only its first bytes: the gateway must refuse on the
 * declared length alone, before reading the body.
 */
function declareHugeBody(url: string, apiKey: string, declaredBytes: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${apiKey}`,
          'content-type': 'application/json',
          'content-length': String(declaredBytes),
        },
      },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
        req.destroy();
      },
    );
    req.on('error', (err) => reject(err));
    req.write('{"to":"1","image":{"base64":"');
  });
}

const ME = '6281400000001';
const CAROL = '6281400000002';
const STRANGER = '6281499999999';

describe('sending through the API arrives decrypted at the simulated contact', () => {
  let t: TestSimulator;
  let gateway: GatewayProcess;

  before(async () => {
    t = await startTestSimulator('messaging-send');
    t.sim.createPhone({ phoneNumber: ME, name: 'Sender', platform: 'android' });
    t.sim.createPhone({ phoneNumber: CAROL, name: 'Carol', platform: 'iphone' });
    gateway = await startGateway({
      databaseUrl: await freshDatabaseUrl('sqlite'),
      dataDir: tempDir(),
      env: t.gatewayEnv,
    });
    await createAndLink(gateway, t.sim, 'sender', ME);
  });
  after(async () => {
    await gateway?.kill('SIGKILL');
    await t?.sim.stop();
  });

  test('a text, by phone number with +, arrives with the exact text', async () => {
    const text = `Halo Carol 👋 ${Date.now()}`;
    const response = await gateway.request('POST', '/sessions/sender/messages', { to: `+${CAROL}`, text });
    assert.equal(response.status, 201, JSON.stringify(response.body));
    assert.equal(response.body.message, 'Message sent successfully');
    const { id, to, status, timestamp } = response.body.data;
    assert.match(id, /^[0-9A-F]{16,}$/);
    assert.equal(to, `${CAROL}@s.whatsapp.net`);
    assert.equal(status, 'sent');
    assert.equal(typeof timestamp, 'number');
    const got = await t.sim.phone(CAROL).waitForMessage((m) => m.id === id);
    assert.equal(got.message.extendedTextMessage?.text ?? got.message.conversation, text);
    assert.equal(got.from, `${ME}@s.whatsapp.net`);
  });

  test('a reply quotes the original message id', async () => {
    const first = await gateway.request('POST', '/sessions/sender/messages', {
      to: `${CAROL}@s.whatsapp.net`,
      text: 'original',
    });
    const reply = await gateway.request('POST', '/sessions/sender/messages', {
      to: CAROL,
      text: 'the reply',
      quotedMessageId: first.body.data.id,
    });
    assert.equal(reply.status, 201, JSON.stringify(reply.body));
    const got = await t.sim.phone(CAROL).waitForMessage((m) => m.id === reply.body.data.id);
    assert.equal(got.message.extendedTextMessage?.text, 'the reply');
    assert.equal(got.message.extendedTextMessage?.contextInfo?.stanzaId, first.body.data.id);
  });

  test('contact lookup says who is on WhatsApp, with JID and LID', async () => {
    const found = await gateway.request('GET', `/sessions/sender/contacts/+${CAROL}`);
    assert.equal(found.status, 200, JSON.stringify(found.body));
    assert.deepEqual(found.body.data, {
      phoneNumber: CAROL,
      exists: true,
      jid: `${CAROL}@s.whatsapp.net`,
      lid: `${t.sim.phone(CAROL).lid}@lid`,
    });
    const missing = await gateway.request('GET', `/sessions/sender/contacts/${STRANGER}`);
    assert.equal(missing.status, 200);
    assert.deepEqual(missing.body.data, { phoneNumber: STRANGER, exists: false, jid: null, lid: null });
    assert.equal((await gateway.request('GET', '/sessions/sender/contacts/not-a-number')).status, 400);
  });

  test('presence composing/paused is accepted; a bad state is 400', async () => {
    for (const state of ['composing', 'paused']) {
      const response = await gateway.request('POST', '/sessions/sender/presence', { to: CAROL, state });
      assert.equal(response.status, 200, JSON.stringify(response.body));
    }
    assert.equal(
      (await gateway.request('POST', '/sessions/sender/presence', { to: CAROL, state: 'dancing' })).status,
      400,
    );
  });

  test('bad input is a 4xx and sends nothing', async () => {
    const before = t.sim.phone(CAROL).received().length;
    const cases: Array<[unknown, number]> = [
      [{ to: 'not-a-number', text: 'x' }, 400],
      [{ to: '120363025246125486@g.us', text: 'x' }, 400],
      [{ to: CAROL }, 400],
      [{ to: CAROL, text: 'x', location: { latitude: 1, longitude: 2 } }, 400],
      [{ to: CAROL, text: '' }, 400],
      [{ to: CAROL, location: { latitude: 91, longitude: 0 } }, 400],
      [{ to: CAROL, image: { base64: '!!!' } }, 400],
      [{ to: CAROL, image: { url: 'ftp://example/x.png' } }, 400],
      [{ to: CAROL, image: {} }, 400],
      [{ to: CAROL, reaction: { messageId: 'NOPE', emoji: '👍' } }, 404],
      [{ to: CAROL, text: 'x', quotedMessageId: 'NOPE' }, 404],
      [{ to: CAROL, text: 'x', unknown: true }, 400],
    ];
    for (const [body, status] of cases) {
      const response = await gateway.request('POST', '/sessions/sender/messages', body);
      assert.equal(response.status, status, `${JSON.stringify(body).slice(0, 80)} → ${JSON.stringify(response.body)}`);
      assert.equal(response.body.success, false);
    }
    assert.equal((await gateway.request('POST', '/sessions/nobody/messages', { to: CAROL, text: 'x' })).status, 404);
    // Decoded media one byte over MEDIA_MAX_BYTES (16 MiB), inside the route's body limit: read, then refused.
    const tooBig = await gateway.request('POST', '/sessions/sender/messages', {
      to: CAROL,
      image: { base64: Buffer.alloc(16 * 1024 * 1024 + 1).toString('base64') },
    });
    assert.equal(tooBig.status, 413);
    assert.equal(tooBig.body.message, 'Media too large');
    // A body beyond the route's limit is refused on its declared length, before it is read.
    assert.equal(
      await declareHugeBody(`${gateway.url}/sessions/sender/messages`, gateway.apiKey, 64 * 1024 * 1024),
      413,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(t.sim.phone(CAROL).received().length, before, 'nothing was sent');
  });

  test('a session that is not AUTHENTICATED answers 409 with its state', async () => {
    await gateway.request('POST', '/sessions', { sessionId: 'notyet' });
    const response = await gateway.request('POST', '/sessions/notyet/messages', { to: CAROL, text: 'x' });
    assert.equal(response.status, 409);
    assert.equal(response.body.message, 'Session is not authenticated');
    assert.match(response.body.error, /session is (CONNECTING|QR_REQUIRED)/);
  });
});
