import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type proto, type WAMessage } from '@whiskeysockets/baileys';
import { startSimulator, type Simulator } from '../../src/sim/simulator.ts';
import { connectClient } from './support/baileys-client.ts';
import { waitForBaileysEvent } from './support/baileys-events.ts';
import { linkAndOpen, type OpenDevice } from './support/linked-device.ts';
import { silenceConsole } from './support/silence-console.ts';

const textOf = (message: proto.IMessage | null | undefined): string | undefined =>
  message?.conversation ?? message?.extendedTextMessage?.text ?? undefined;

function upsertWith(
  device: OpenDevice,
  text: string,
  timeoutMs?: number,
): Promise<{ type: string; message: WAMessage }> {
  return waitForBaileysEvent(
    device.client.sock,
    'messages.upsert',
    ({ messages, type }) => {
      const message = messages.find((m) => textOf(m.message) === text);
      return message ? { type, message } : undefined;
    },
    timeoutMs,
  );
}

function statusOf(device: OpenDevice, id: string, status: number): Promise<number> {
  return waitForBaileysEvent(device.client.sock, 'messages.update', (updates) =>
    updates.find((u) => u.key.id === id && u.update.status === status) ? status : undefined,
  );
}

const request = (sim: Simulator, method: string, path: string, body?: unknown) =>
  fetch(`${sim.controlUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

describe('1:1 messaging with real Signal encryption against the real Baileys client', () => {
  let sim: Simulator;
  let restoreConsole: () => void;
  let alice: OpenDevice;
  const ALICE = '15550004001';
  const CAROL = '15550004002';
  const carolJid = `${CAROL}@s.whatsapp.net`;

  before(async () => {
    restoreConsole = silenceConsole();
    sim = await startSimulator({ port: 0, rootSeed: 'messaging-test' });
    sim.createPhone({ phoneNumber: ALICE, name: 'Alice' });
    sim.createPhone({ phoneNumber: CAROL, name: 'Carol' });
    alice = await linkAndOpen(sim, ALICE);
  });
  after(async () => {
    alice.client.end();
    await sim.stop();
    restoreConsole();
  });

  it('onWhatsApp: a simulated number is on WhatsApp, an unknown one is not', async () => {
    const results = await alice.client.sock.onWhatsApp(CAROL, '19999999999');
    assert.deepEqual(
      results?.map((r) => [r.jid, r.exists]),
      [[carolJid, true]],
    );
  });

  it('sendMessage → the contact decrypts the exact text', async () => {
    const carol = sim.phone(CAROL);
    const sent = await alice.client.sock.sendMessage(carolJid, { text: 'Hello Carol — ünïcødé ✓' });
    const got = await carol.waitForMessage((m) => m.id === sent?.key.id);
    assert.equal(got.text, 'Hello Carol — ünïcødé ✓');
    assert.equal(got.from, `${ALICE}@s.whatsapp.net`);
    assert.equal(got.fromDevice, alice.jid);
  });

  it('read and delivery receipts from the contact → messages.update status 3 then 4', async () => {
    const carol = sim.phone(CAROL);
    // Baileys folds a receipt that arrives before its own 'append' upsert is flushed (~100 ms) into
    // that upsert; wait for the upsert so the receipts surface as messages.update (fact sheet §8).
    const own = upsertWith(alice, 'did you get this?');
    const sent = await alice.client.sock.sendMessage(carolJid, { text: 'did you get this?' });
    const id = sent?.key.id;
    assert.ok(id);
    assert.equal((await own).message.key.fromMe, true);
    await carol.waitForMessage((m) => m.id === id);
    const delivered = statusOf(alice, id, 3);
    carol.sendReceipt(id, 'delivered');
    assert.equal(await delivered, 3);
    const read = statusOf(alice, id, 4);
    carol.sendReceipt(id, 'read');
    assert.equal(await read, 4);
  });

  it('the contact sends → Baileys emits messages.upsert with the exact text', async () => {
    const carol = sim.phone(CAROL);
    const upsert = upsertWith(alice, 'Hi Alice, Carol here');
    const result = await carol.sendText(ALICE, 'Hi Alice, Carol here');
    assert.deepEqual([result.delivered, result.queued], [1, 0]);
    const { type, message } = await upsert;
    assert.equal(type, 'notify');
    assert.equal(message.key.fromMe, false);
    assert.equal(message.key.id, result.id);
    assert.equal(message.pushName, 'Carol');
    // A second text rides the established session (type msg once Baileys has replied, pkmsg before).
    const second = upsertWith(alice, 'and a second one');
    await carol.sendText(`${ALICE}@s.whatsapp.net`, 'and a second one');
    assert.equal((await second).type, 'notify');
  });

  it("receipts from the device raise the contact's sent status: delivered, then read after readMessages", async () => {
    const carol = sim.phone(CAROL);
    const upsert = upsertWith(alice, 'please read me');
    const { id } = await carol.sendText(ALICE, 'please read me');
    const { message } = await upsert;
    const status = () => carol.sent().find((m) => m.id === id)?.status;
    const until = async (wanted: string): Promise<void> => {
      for (let i = 0; i < 250 && status() !== wanted; i++) await new Promise((r) => setTimeout(r, 20));
      assert.equal(status(), wanted);
    };
    await until('delivered');
    await alice.client.sock.readMessages([message.key]);
    await until('read');
  });

  it('queues texts for an offline device and delivers them as append after the next login', async () => {
    const carol = sim.phone(CAROL);
    alice.client.end();
    await sim.waitForOffline(alice.jid);
    const result = await carol.sendText(ALICE, 'sent while you were away');
    assert.deepEqual([result.delivered, result.queued], [0, 1]);
    const client = connectClient(sim, alice.auth);
    alice = { ...alice, client };
    const { type } = await upsertWith(alice, 'sent while you were away');
    assert.equal(type, 'append');
  });

  it("companion to companion: another account's device gets it, and so does the sender's second device", async () => {
    const BOB = '15550004003';
    sim.createPhone({ phoneNumber: BOB, name: 'Bob' });
    const bob = await linkAndOpen(sim, BOB);
    const aliceTwo = await linkAndOpen(sim, ALICE);
    try {
      const atBob = upsertWith(bob, 'hi Bob, from Alice');
      const onMySecondDevice = upsertWith(aliceTwo, 'hi Bob, from Alice');
      await alice.client.sock.sendMessage(`${BOB}@s.whatsapp.net`, { text: 'hi Bob, from Alice' });
      const received = await atBob;
      assert.equal(received.message.key.fromMe, false);
      assert.equal(received.message.pushName, 'Alice');
      const mirrored = await onMySecondDevice;
      assert.equal(mirrored.message.key.fromMe, true, 'the copy for our own device is marked fromMe');
      assert.equal(mirrored.message.key.remoteJid, `${BOB}@s.whatsapp.net`);
    } finally {
      bob.client.end();
      aliceTwo.client.end();
    }
  });

  /** The first ERROR status Baileys reports: a messages.update, or folded into the own-message upsert. */
  function firstError(
    device: OpenDevice,
  ): Promise<{ id: string | null | undefined; stub: string[] | null | undefined }> {
    return new Promise((resolve) => {
      const { ev } = device.client.sock;
      const done = (found: { id: string | null | undefined; stub: string[] | null | undefined }) => {
        ev.off('messages.update', onUpdate);
        ev.off('messages.upsert', onUpsert);
        resolve(found);
      };
      const onUpdate = (updates: Array<{ key: proto.IMessageKey; update: Partial<WAMessage> }>) => {
        const hit = updates.find((u) => u.update.status === 0);
        if (hit) done({ id: hit.key.id, stub: hit.update.messageStubParameters });
      };
      const onUpsert = ({ messages }: { messages: WAMessage[] }) => {
        const hit = messages.find((m) => m.key.fromMe && m.status === 0);
        if (hit) done({ id: hit.key.id, stub: hit.messageStubParameters });
      };
      ev.on('messages.update', onUpdate);
      ev.on('messages.upsert', onUpsert);
    });
  }

  it('a refusing server acks with error: Baileys marks the message ERROR and the contact gets nothing', async () => {
    try {
      for (const delayMs of [0, 400]) {
        const refused = await request(sim, 'PUT', `/phones/${CAROL}/refusal`, { error: 479, delayMs });
        assert.equal(refused.status, 200);
        // Listen first: the ack can beat sendMessage's own resolution.
        const failed = firstError(alice);
        const sent = await alice.client.sock.sendMessage(carolJid, {
          text: `refused by the server after ${delayMs} ms`,
        });
        assert.deepEqual(await failed, { id: sent?.key.id, stub: ['479'] });
        assert.ok(
          !sim
            .phone(CAROL)
            .received()
            .some((m) => m.id === sent?.key.id),
          'nothing routed to the contact',
        );
      }
    } finally {
      assert.equal((await request(sim, 'DELETE', `/phones/${CAROL}/refusal`)).status, 200);
    }
    const again = await alice.client.sock.sendMessage(carolJid, { text: 'accepted again' });
    await sim.phone(CAROL).waitForMessage((m) => m.id === again?.key.id);
    for (const body of [
      { error: 399 },
      { error: 600 },
      { error: 479.5 },
      { error: '479' },
      { delayMs: -1 },
      { delayMs: 10_001 },
    ]) {
      assert.equal((await request(sim, 'PUT', `/phones/${CAROL}/refusal`, body)).status, 400, JSON.stringify(body));
    }
    assert.equal((await request(sim, 'PUT', '/phones/19999999999/refusal', {})).status, 404);
  });

  it('control API: send, list, receipts and bad input', async () => {
    const arrived = upsertWith(alice, 'via the control API');
    const ok = await request(sim, 'POST', `/phones/${CAROL}/messages`, { to: ALICE, text: 'via the control API' });
    assert.equal(ok.status, 201);
    assert.equal(((await ok.json()) as { message?: { delivered?: number } }).message?.delivered, 1);
    await arrived;

    await alice.client.sock.sendMessage(carolJid, { text: 'listed?' });
    await sim.phone(CAROL).waitForMessage((m) => m.text === 'listed?');
    const list = await request(sim, 'GET', `/phones/${CAROL}/messages`);
    assert.equal(list.status, 200);
    const body = (await list.json()) as { messages: { text: string; from: string }[] };
    assert.ok(body.messages.some((m) => m.text === 'listed?' && m.from === `${ALICE}@s.whatsapp.net`));

    assert.equal((await request(sim, 'POST', '/phones/19999999999/messages', { to: ALICE, text: 'x' })).status, 404);
    assert.equal((await request(sim, 'POST', `/phones/${CAROL}/messages`, { to: ALICE })).status, 400);
    assert.equal(
      (await request(sim, 'POST', `/phones/${CAROL}/messages`, { to: '19999999999', text: 'x' })).status,
      404,
    );
    assert.equal(
      (await request(sim, 'POST', `/phones/${ALICE}/messages`, { to: CAROL, text: 'x' })).status,
      409,
      'Carol has no linked device',
    );
    assert.equal((await request(sim, 'GET', '/phones/19999999999/messages')).status, 404);
    assert.equal((await request(sim, 'POST', `/phones/${CAROL}/receipts`, { messageId: 'nope' })).status, 404);
    assert.equal(
      (await request(sim, 'POST', `/phones/${CAROL}/receipts`, { messageId: 'x', type: 'seen' })).status,
      400,
    );
  });
});
