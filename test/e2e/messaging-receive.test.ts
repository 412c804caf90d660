import assert from 'node:assert/strict';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { WebhookReceiver, type ReceivedWebhook } from '../events/webhook-receiver.ts';
import { startGateway, type GatewayProcess } from '../support/gateway-process.ts';
import { createAndLink } from '../support/link-session.ts';
import { freshDatabaseUrl, tempDir } from '../support/test-databases.ts';
import { startTestSimulator, type TestSimulator } from '../support/test-simulator.ts';

const ME = '6281600000001';
const CAROL = '6281600000002';
const SECRET = `whsec_${randomBytes(32).toString('base64')}`;

/** Standard Webhooks verification, written from the spec independently of the gateway's signer. */
function assertSigned(hook: ReceivedWebhook) {
  const id = String(hook.headers['webhook-id']);
  const timestamp = String(hook.headers['webhook-timestamp']);
  const key = Buffer.from(SECRET.slice('whsec_'.length), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${hook.body}`).digest();
  const signatures = String(hook.headers['webhook-signature'])
    .split(' ')
    .map((s) => Buffer.from(s.replace(/^v1,/, ''), 'base64'));
  assert.ok(
    signatures.some((s) => s.length === expected.length && timingSafeEqual(s, expected)),
    'valid v1 signature',
  );
  assert.equal(hook.json.id, id);
}

const ofType = (hooks: readonly ReceivedWebhook[], type: string) => hooks.filter((h) => h.json?.type === type);

describe('receiving: contact messages and receipts become signed webhook events', () => {
  let t: TestSimulator;
  let gateway: GatewayProcess;
  let receiver: WebhookReceiver;

  before(async () => {
    t = await startTestSimulator('messaging-receive');
    t.sim.createPhone({ phoneNumber: ME, name: 'Inbox', platform: 'smba' });
    t.sim.createPhone({ phoneNumber: CAROL, name: 'Carol', platform: 'android' });
    receiver = await new WebhookReceiver().start();
    gateway = await startGateway({
      databaseUrl: await freshDatabaseUrl('postgres'),
      dataDir: tempDir(),
      env: { ...t.gatewayEnv, WEBHOOK_URL: receiver.url(), WEBHOOK_SECRET: SECRET },
    });
    await createAndLink(gateway, t.sim, 'inbox', ME);
  });
  after(async () => {
    await gateway?.kill('SIGKILL');
    await receiver?.stop();
    await t?.sim.stop();
  });

  test('a text from a contact arrives as message.received with phone number and LID', async () => {
    const text = `Selamat pagi ${Date.now()}`;
    const sent = await t.sim.phone(CAROL).sendText(ME, text);
    await receiver.waitFor((hooks) => ofType(hooks, 'message.received').some((h) => h.json.data.text === text));
    const hook = ofType(receiver.accepted, 'message.received').find((h) => h.json.data.text === text);
    assert.ok(hook);
    assertSigned(hook);
    assert.equal(hook.json.sessionId, 'inbox');
    const data = hook.json.data;
    assert.equal(data.id, sent.id);
    assert.equal(data.type, 'text');
    assert.equal(data.fromMe, false);
    assert.equal(data.pushName, 'Carol');
    assert.equal(data.chatId, `${CAROL}@s.whatsapp.net`);
    assert.deepEqual(data.from, {
      phoneNumber: CAROL,
      jid: `${CAROL}@s.whatsapp.net`,
      lid: `${t.sim.phone(CAROL).lid}@lid`,
    });
    assert.equal(typeof data.timestamp, 'number');
  });

  test('a read receipt sent through the API reaches the contact', async () => {
    const sent = await t.sim.phone(CAROL).sendText(ME, 'please read me');
    await receiver.waitFor((hooks) => ofType(hooks, 'message.received').some((h) => h.json.data.id === sent.id));
    const response = await gateway.request('POST', `/sessions/inbox/messages/${sent.id}/read`);
    assert.equal(response.status, 200, JSON.stringify(response.body));
    const deadline = Date.now() + 10_000;
    while (
      t.sim
        .phone(CAROL)
        .sent()
        .find((m) => m.id === sent.id)?.status !== 'read'
    ) {
      assert.ok(
        Date.now() < deadline,
        `status ${
          t.sim
            .phone(CAROL)
            .sent()
            .find((m) => m.id === sent.id)?.status
        }`,
      );
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.equal((await gateway.request('POST', '/sessions/inbox/messages/UNKNOWNID/read')).status, 404);
  });

  test('delivery and read receipts from the contact become message.status events, in order', async () => {
    const response = await gateway.request('POST', '/sessions/inbox/messages', {
      to: CAROL,
      text: 'did you get this?',
    });
    const id = response.body.data.id as string;
    await t.sim.phone(CAROL).waitForMessage((m) => m.id === id);
    // No pause: a receipt that comes while Baileys still buffers its echo of the message is folded into
    // that echo, and must surface all the same.
    t.sim.phone(CAROL).sendReceipt(id, 'delivered');
    await receiver.waitFor((hooks) =>
      ofType(hooks, 'message.status').some((h) => h.json.data.messageId === id && h.json.data.status === 'delivered'),
    );
    t.sim.phone(CAROL).sendReceipt(id, 'read');
    await receiver.waitFor((hooks) =>
      ofType(hooks, 'message.status').some((h) => h.json.data.messageId === id && h.json.data.status === 'read'),
    );
    const statuses = ofType(receiver.accepted, 'message.status').filter((h) => h.json.data.messageId === id);
    for (const hook of statuses) assertSigned(hook);
    assert.deepEqual(
      statuses.map((h) => h.json.data.status),
      ['sent', 'delivered', 'read'],
    );
    assert.equal(statuses[0]?.json.data.chatId, `${CAROL}@s.whatsapp.net`);
  });

  test("a message the server refuses becomes message.status failed with WhatsApp's error code, after sent", async () => {
    const carol = t.sim.phone(CAROL);
    // Three paths through Baileys: an immediate nack comes as an update before the send is stored (held
    // back until `sent`); one after ~50 ms lands while Baileys buffers its echo of the message and is
    // folded into that echo; a late one is an update of its own. Each must surface once, after `sent`.
    for (const delayMs of [0, 50, 400]) {
      carol.refuseIncoming(479, delayMs);
      try {
        const response = await gateway.request('POST', '/sessions/inbox/messages', {
          to: CAROL,
          text: `the server says no (${delayMs} ms)`,
        });
        assert.equal(response.status, 201, 'WhatsApp answers after the send: the API accepted it');
        const id = response.body.data.id as string;
        await receiver.waitFor((hooks) =>
          ofType(hooks, 'message.status').some((h) => h.json.data.messageId === id && h.json.data.status === 'failed'),
        );
        const statuses = ofType(receiver.accepted, 'message.status').filter((h) => h.json.data.messageId === id);
        for (const hook of statuses) assertSigned(hook);
        assert.deepEqual(
          statuses.map((h) => [h.json.data.status, h.json.data.error]),
          [
            ['sent', undefined],
            ['failed', '479'],
          ],
          `nack after ${delayMs} ms`,
        );
        assert.ok(!carol.received().some((m) => m.id === id), 'the contact got nothing');
      } finally {
        carol.refuseIncoming(null);
      }
    }
  });
});
