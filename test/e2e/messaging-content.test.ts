import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { WebhookReceiver } from '../events/webhook-receiver.ts';
import { startGateway, type GatewayProcess } from '../support/gateway-process.ts';
import { createAndLink } from '../support/link-session.ts';
import { freshDatabaseUrl, tempDir } from '../support/test-databases.ts';
import { startTestSimulator, type TestSimulator } from '../support/test-simulator.ts';

const ME = '6281700000001';
const DINA = '6281700000002';
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('every content type arrives at the contact with the exact content; media both ways', () => {
  let t: TestSimulator;
  let gateway: GatewayProcess;
  let receiver: WebhookReceiver;

  before(async () => {
    t = await startTestSimulator('messaging-content');
    t.sim.createPhone({ phoneNumber: ME, name: 'Shop', platform: 'smba' });
    t.sim.createPhone({ phoneNumber: DINA, name: 'Dina', platform: 'android' });
    receiver = await new WebhookReceiver().start();
    gateway = await startGateway({
      databaseUrl: await freshDatabaseUrl('sqlite'),
      dataDir: tempDir(),
      env: {
        ...t.gatewayEnv,
        WEBHOOK_URL: receiver.url(),
        WEBHOOK_SECRET: `whsec_${randomBytes(32).toString('base64')}`,
      },
    });
    await createAndLink(gateway, t.sim, 'shop', ME);
  });
  after(async () => {
    await gateway?.kill('SIGKILL');
    await receiver?.stop();
    await t?.sim.stop();
  });

  async function send(body: Record<string, unknown>) {
    const response = await gateway.request('POST', '/sessions/shop/messages', { to: DINA, ...body });
    assert.equal(response.status, 201, JSON.stringify(response.body));
    return t.sim.phone(DINA).waitForMessage((m) => m.id === response.body.data.id, 15_000);
  }

  const media = [
    ['image', { mimetype: 'image/png', caption: 'our new catalogue' }],
    ['video', { mimetype: 'video/mp4', caption: 'a short clip' }],
    ['audio', { mimetype: 'audio/ogg; codecs=opus', ptt: true }],
    ['document', { mimetype: 'application/pdf', fileName: 'invoice-042.pdf', caption: 'your invoice' }],
  ] as const;
  for (const [kind, extra] of media) {
    test(`${kind}: the contact decrypts identical bytes`, async () => {
      const bytes = randomBytes(20_000 + Math.floor(Math.random() * 5000));
      const got = await send({ [kind]: { base64: bytes.toString('base64'), ...extra } });
      assert.equal(got.type, kind);
      assert.ok(got.media?.bytes, `opened: ${JSON.stringify(got.media)}`);
      assert.equal(got.media.bytes.length, bytes.length);
      assert.equal(got.media.bytes.sha256, sha256(bytes));
      assert.equal(got.media.mimetype, extra.mimetype);
      if ('caption' in extra) assert.equal(got.text, extra.caption);
      if ('fileName' in extra) assert.equal(got.media.fileName, extra.fileName);
      if ('ptt' in extra) assert.equal(got.media.ptt, true);
    });
  }

  test('media by URL is fetched by the gateway; a URL that fails is 422 and sends nothing', async () => {
    const bytes = randomBytes(12_345);
    const server = createServer((request, response) => {
      if (request.url === '/photo.png') response.writeHead(200, { 'content-type': 'image/png' }).end(bytes);
      else response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const got = await send({ image: { url: `${base}/photo.png`, mimetype: 'image/png' } });
      assert.equal(got.media?.bytes?.sha256, sha256(bytes));
      const before = t.sim.phone(DINA).received().length;
      const missing = await gateway.request('POST', '/sessions/shop/messages', {
        to: DINA,
        image: { url: `${base}/missing.png` },
      });
      assert.equal(missing.status, 422);
      assert.equal(missing.body.message, 'Media could not be fetched');
      assert.equal(t.sim.phone(DINA).received().length, before);
    } finally {
      server.close();
    }
  });

  test('location', async () => {
    const got = await send({
      location: { latitude: -6.1754, longitude: 106.8272, name: 'Monas', address: 'Jakarta Pusat' },
    });
    assert.equal(got.type, 'location');
    assert.deepEqual(got.location, { latitude: -6.1754, longitude: 106.8272, name: 'Monas', address: 'Jakarta Pusat' });
  });

  test('contact, as a vCard with the number', async () => {
    const got = await send({ contact: { name: 'Budi Santoso', phoneNumber: '+6281234567890' } });
    assert.equal(got.type, 'contact');
    assert.equal(got.contact?.displayName, 'Budi Santoso');
    assert.match(got.contact?.vcard ?? '', /FN:Budi Santoso/);
    assert.match(got.contact?.vcard ?? '', /waid=6281234567890:\+6281234567890/);
  });

  test('reaction to a message, and a quoted reply', async () => {
    const original = await send({ text: 'react to me' });
    const reaction = await send({ reaction: { messageId: original.id, emoji: '🙏' } });
    assert.equal(reaction.type, 'reaction');
    assert.deepEqual(reaction.reaction, { targetId: original.id, emoji: '🙏' });
    const reply = await send({ text: 'a reply', quotedMessageId: original.id });
    assert.equal(reply.quotedId, original.id);
  });

  test('an image from the contact arrives as message.received with media metadata, downloadable through the API', async () => {
    const bytes = randomBytes(30_000);
    const sent = await t.sim
      .phone(DINA)
      .sendMedia(ME, { kind: 'image', bytes, mimetype: 'image/jpeg', caption: 'is this in stock?' });
    await receiver.waitFor((hooks) =>
      hooks.some((h) => h.json?.type === 'message.received' && h.json.data.id === sent.id),
    );
    const data = receiver.accepted.find((h) => h.json?.data?.id === sent.id)?.json.data;
    assert.equal(data.type, 'image');
    assert.equal(data.text, 'is this in stock?');
    assert.equal(data.media.mimetype, 'image/jpeg');
    assert.equal(data.media.fileLength, bytes.length);
    assert.equal(Buffer.from(data.media.sha256, 'base64').toString('hex'), sha256(bytes));
    const download = await gateway.request('GET', `/sessions/shop/messages/${sent.id}/media`);
    assert.equal(download.status, 200, String(download.body));
    assert.equal(download.headers.get('content-type'), 'image/jpeg');
    assert.equal(sha256(download.body as Buffer), sha256(bytes));
  });

  test('media of a text message or an unknown id is refused', async () => {
    const text = await t.sim.phone(DINA).sendText(ME, 'plain');
    await receiver.waitFor((hooks) => hooks.some((h) => h.json?.data?.id === text.id));
    assert.equal((await gateway.request('GET', `/sessions/shop/messages/${text.id}/media`)).status, 409);
    assert.equal((await gateway.request('GET', '/sessions/shop/messages/NOSUCHID/media')).status, 404);
  });
});
