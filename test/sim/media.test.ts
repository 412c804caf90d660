import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { type AnyMessageContent, downloadMediaMessage, type WAMessage } from '@whiskeysockets/baileys';
import { pino } from 'pino';
import { startSimulator, type Simulator } from '../../src/sim/simulator.ts';
import { waitForBaileysEvent } from './support/baileys-events.ts';
import { linkAndOpen, type OpenDevice } from './support/linked-device.ts';
import { type MediaTrust, trustSimMedia } from './support/media-trust.ts';
import { silenceConsole } from './support/silence-console.ts';

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
// A valid 1×1 PNG, so Baileys' thumbnail step (sharp) has a real image to read.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

describe('media through the simulator media host against the real Baileys client', () => {
  let sim: Simulator;
  let trust: MediaTrust;
  let restoreConsole: () => void;
  let alice: OpenDevice;
  const ALICE = '15550008001';
  const CAROL = '15550008002';
  const carolJid = `${CAROL}@s.whatsapp.net`;

  const send = async (content: AnyMessageContent, options = {}) => {
    const sent = await alice.client.sock.sendMessage(carolJid, content, options);
    assert.ok(sent?.key.id);
    return { sent, got: await sim.phone(CAROL).waitForMessage((m) => m.id === sent.key.id) };
  };

  before(async () => {
    restoreConsole = silenceConsole();
    sim = await startSimulator({ port: 0, rootSeed: 'media-test' });
    trust = await trustSimMedia(sim);
    sim.createPhone({ phoneNumber: ALICE, name: 'Alice' });
    sim.createPhone({ phoneNumber: CAROL, name: 'Carol' });
    alice = await linkAndOpen(sim, ALICE, { fetchAgent: trust.agent });
  });
  after(async () => {
    alice.client.end();
    await trust.close();
    await sim.stop();
    restoreConsole();
  });

  it('an image with a caption: the contact downloads, MAC-checks and decrypts the identical bytes', async () => {
    const { got } = await send({ image: PNG, caption: 'a pixel ✓', mimetype: 'image/png' });
    assert.equal(got.type, 'image');
    assert.equal(got.text, 'a pixel ✓');
    assert.equal(got.media?.mimetype, 'image/png');
    assert.equal(got.media?.error, undefined);
    assert.deepEqual(got.media?.bytes, { length: PNG.length, sha256: sha256(PNG) });
    assert.ok(got.media?.directPath?.startsWith('/v/t62.7118-24/'));
    assert.deepEqual(sim.phone(CAROL).downloadMedia(got.id).bytes, PNG);
  });

  it('a document keeps its file name and bytes; a voice note arrives as ptt audio; a video opens too', async () => {
    const pdf = randomBytes(50_000);
    const doc = await send({ document: pdf, fileName: 'report.pdf', mimetype: 'application/pdf' });
    assert.equal(doc.got.type, 'document');
    assert.equal(doc.got.media?.fileName, 'report.pdf');
    assert.deepEqual(doc.got.media?.bytes, { length: pdf.length, sha256: sha256(pdf) });

    const ogg = randomBytes(3_000);
    const voice = await send({ audio: ogg, ptt: true, mimetype: 'audio/ogg; codecs=opus' });
    assert.equal(voice.got.type, 'audio');
    assert.equal(voice.got.media?.ptt, true);
    assert.deepEqual(sim.phone(CAROL).downloadMedia(voice.got.id).bytes, ogg);

    const mp4 = randomBytes(20_000);
    const clip = await send({ video: mp4, caption: 'clip', mimetype: 'video/mp4' });
    assert.equal(clip.got.type, 'video');
    assert.equal(clip.got.text, 'clip');
    assert.deepEqual(clip.got.media?.bytes, { length: mp4.length, sha256: sha256(mp4) });
  });

  it('location, contact card, reaction and a quoted reply arrive with the exact content', async () => {
    const place = await send({
      location: { degreesLatitude: 52.520008, degreesLongitude: 13.404954, name: 'Alexanderplatz', address: 'Berlin' },
    });
    assert.equal(place.got.type, 'location');
    assert.deepEqual(place.got.location, {
      latitude: 52.520008,
      longitude: 13.404954,
      name: 'Alexanderplatz',
      address: 'Berlin',
    });

    const vcard = 'BEGIN:VCARD\nVERSION:3.0\nFN:Dora Ü\nTEL;type=CELL;waid=15550008009:+15550008009\nEND:VCARD';
    const card = await send({ contacts: { contacts: [{ displayName: 'Dora Ü', vcard }] } });
    assert.equal(card.got.type, 'contact');
    assert.deepEqual(card.got.contact, { displayName: 'Dora Ü', vcard });

    const reaction = await send({ react: { key: place.sent.key, text: '🎉' } });
    assert.equal(reaction.got.type, 'reaction');
    assert.deepEqual(reaction.got.reaction, { targetId: place.sent.key.id, emoji: '🎉' });

    const reply = await send({ text: 'see you there' }, { quoted: place.sent });
    assert.equal(reply.got.type, 'text');
    assert.equal(reply.got.text, 'see you there');
    assert.equal(reply.got.quotedId, place.sent.key.id);
  });

  it('the contact sends an image → messages.upsert → downloadMediaMessage returns the identical bytes through the seam', async () => {
    const photo = Buffer.concat([PNG, randomBytes(1_000)]);
    const upsert = waitForBaileysEvent(alice.client.sock, 'messages.upsert', ({ messages }) =>
      messages.find((m): m is WAMessage => m.message?.imageMessage?.caption === 'from Carol'),
    );
    const result = await sim
      .phone(CAROL)
      .sendMedia(ALICE, { kind: 'image', bytes: photo, caption: 'from Carol', mimetype: 'image/png' });
    const message = await upsert;
    assert.equal(message.key.id, result.id);
    const image = message.message?.imageMessage;
    assert.equal(image?.mimetype, 'image/png');
    assert.equal(Number(image?.fileLength), photo.length);
    assert.ok(image?.url?.startsWith(sim.media.origin));
    const bytes = await downloadMediaMessage(message, 'buffer', { options: { dispatcher: trust.dispatcher } });
    assert.deepEqual(bytes, photo);
  });

  it('control API: a contact sends a document as base64; the received list shows media metadata and hashes', async () => {
    const bytes = randomBytes(2_048);
    const upsert = waitForBaileysEvent(alice.client.sock, 'messages.upsert', ({ messages }) =>
      messages.find((m) => m.message?.documentMessage?.fileName === 'notes.txt'),
    );
    const post = await fetch(`${sim.controlUrl}/phones/${CAROL}/messages`, {
      method: 'POST',
      body: JSON.stringify({
        to: ALICE,
        document: { base64: bytes.toString('base64'), fileName: 'notes.txt', mimetype: 'text/plain' },
      }),
    });
    assert.equal(post.status, 201);
    const downloaded = await downloadMediaMessage(await upsert, 'buffer', {
      options: { dispatcher: trust.dispatcher },
    });
    assert.deepEqual(downloaded, bytes);

    const { got } = await send({ image: PNG, caption: 'listed', mimetype: 'image/png' });
    const list = (await (await fetch(`${sim.controlUrl}/phones/${CAROL}/messages`)).json()) as {
      messages: Record<string, unknown>[];
    };
    const listed = list.messages.find((m) => m.id === got.id);
    assert.equal(listed?.type, 'image');
    assert.equal(listed?.text, 'listed');
    assert.equal(listed?.message, undefined, 'no protobuf (media keys) on the wire');
    assert.deepEqual((listed?.media as { bytes?: unknown }).bytes, { length: PNG.length, sha256: sha256(PNG) });
    const media = (await (await fetch(`${sim.controlUrl}/phones/${CAROL}/messages/${got.id}/media`)).json()) as {
      media: { base64: string };
    };
    assert.deepEqual(Buffer.from(media.media.base64, 'base64'), PNG);
  });

  it('control API: bad media input gets a 4xx and sends nothing', async () => {
    const post = (body: unknown) =>
      fetch(`${sim.controlUrl}/phones/${CAROL}/messages`, { method: 'POST', body: JSON.stringify(body) });
    const before = sim.phone(CAROL).sent().length;
    const stored = sim.media.store.size;
    assert.equal((await post({ to: ALICE, image: 'not an object' })).status, 400);
    assert.equal((await post({ to: ALICE, image: { base64: '' } })).status, 400);
    assert.equal((await post({ to: ALICE, document: { base64: 'AAAA', fileName: 7 } })).status, 400);
    assert.equal((await post({ to: '19999999999', image: { base64: PNG.toString('base64') } })).status, 404);
    assert.equal(sim.phone(CAROL).sent().length, before);
    assert.equal(sim.media.store.size, stored, 'a refused send uploads nothing');
    const text = await send({ text: 'no media here' });
    assert.equal((await fetch(`${sim.controlUrl}/phones/${CAROL}/messages/${text.got.id}/media`)).status, 400);
    assert.equal((await fetch(`${sim.controlUrl}/phones/${CAROL}/messages/UNKNOWN/media`)).status, 404);
  });

  it('a client that does not trust the media host cannot upload (the TLS check is real)', async () => {
    const bob = await linkAndOpen(sim, sim.createPhone({ phoneNumber: '15550008003', name: 'Bob' }).phoneNumber, {
      logger: pino({ level: 'silent' }),
    });
    try {
      await assert.rejects(bob.client.sock.sendMessage(carolJid, { image: PNG }), /Media upload failed on all hosts/);
    } finally {
      bob.client.end();
    }
  });
});
