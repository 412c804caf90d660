import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { inflateSync } from 'node:zlib';
import {
  type BinaryNode,
  decodeBinaryNode,
  encodeBinaryNode,
  encodeWAMessage,
  parseAndInjectE2ESessions,
  proto,
  unpadRandomMax16,
} from '@whiskeysockets/baileys';
import { generateX25519KeyPair } from '../pairing/x25519.ts';
import { createBaileysDevice } from '../signal/fixtures/baileys-device.ts';
import { muteLibsignalConsole } from '../signal/quiet-libsignal.ts';
import type { HubAccount, MessagingPort } from './hub-context.ts';
import { createMessagingHub } from './messaging-hub.ts';
import { MessagingError } from './phone-actions.ts';

const roundTrip = (node: BinaryNode): Promise<BinaryNode> => decodeBinaryNode(encodeBinaryNode(node));
const kids = (node: BinaryNode | undefined): BinaryNode[] => (Array.isArray(node?.content) ? node.content : []);
const iq = (attrs: Record<string, string>, content: BinaryNode[]): BinaryNode => ({
  tag: 'iq',
  attrs: { to: '@s.whatsapp.net', ...attrs },
  content,
});

let unmute: () => void;
before(() => {
  unmute = muteLibsignalConsole();
});
after(() => unmute());

/** Account A (with linked device 5, driven by Baileys' real Signal repository) and contact C. */
async function world() {
  const alice: HubAccount = {
    phoneNumber: '15550001111',
    lidUser: '111000111',
    pushName: 'Alice',
    identity: generateX25519KeyPair(),
    deviceIds: [5],
  };
  const carol: HubAccount = {
    phoneNumber: '15550002222',
    lidUser: '222000222',
    pushName: 'Carol',
    identity: generateX25519KeyPair(),
    deviceIds: [],
  };
  const accounts = [alice, carol];
  const online = new Set<string>(['15550001111:5']);
  const inbox: BinaryNode[] = [];
  const port: MessagingPort = {
    accountByPhone: (phone) => accounts.find((a) => a.phoneNumber === phone),
    accountByLid: (lid) => accounts.find((a) => a.lidUser === lid),
    deliver(phone, deviceId, node) {
      if (!online.has(`${phone}:${deviceId}`)) return false;
      inbox.push(node);
      return true;
    },
  };
  const hub = createMessagingHub(port);
  const device = createBaileysDevice();
  const me = { phoneNumber: alice.phoneNumber, deviceId: 5 };
  const upload = await roundTrip({
    ...(await device.preKeyUpload(10)),
    attrs: { id: 'up1', xmlns: 'encrypt', type: 'set' },
  });
  assert.equal(hub.answerIq(me, upload)?.attrs.type, 'result');
  return { hub, device, me, alice, carol, online, inbox };
}

type World = Awaited<ReturnType<typeof world>>;

/** Does what Baileys' relayMessage does for a 1:1 text: usync, key fetch, encrypt, <message>. */
async function deviceSends({ hub, device, me }: World, text: string): Promise<BinaryNode> {
  const usync = hub.answerIq(
    me,
    await roundTrip(
      iq({ id: 'u1', xmlns: 'usync', type: 'get' }, [
        {
          tag: 'usync',
          attrs: { sid: 's', context: 'message', mode: 'query', last: 'true', index: '0' },
          content: [
            {
              tag: 'query',
              attrs: {},
              content: [
                { tag: 'devices', attrs: { version: '2' } },
                { tag: 'lid', attrs: {} },
              ],
            },
            { tag: 'list', attrs: {}, content: [{ tag: 'user', attrs: { jid: '15550002222@s.whatsapp.net' } }] },
          ],
        },
      ]),
    ),
  );
  const user = kids(kids(kids(usync)[0]).find((c) => c.tag === 'list'))[0];
  const lid = kids(user).find((c) => c.tag === 'lid')?.attrs.val;
  assert.equal(lid, '222000222@lid');
  const keys = hub.answerIq(
    me,
    await roundTrip(
      iq({ id: 'k1', xmlns: 'encrypt', type: 'get' }, [
        { tag: 'key', attrs: {}, content: [{ tag: 'user', attrs: { jid: lid, reason: 'identity' } }] },
      ]),
    ),
  );
  assert.ok(keys);
  await parseAndInjectE2ESessions(await roundTrip(keys), device.repository);
  const enc = await device.repository.encryptMessage({
    jid: lid,
    data: encodeWAMessage({ extendedTextMessage: { text } }),
  });
  return roundTrip({
    tag: 'message',
    attrs: { id: `3EB0${text.length}`, to: '15550002222@s.whatsapp.net', type: 'text' },
    content: [
      {
        tag: 'participants',
        attrs: {},
        content: [
          {
            tag: 'to',
            attrs: { jid: '15550002222@s.whatsapp.net' },
            content: [{ tag: 'enc', attrs: { v: '2', type: enc.type }, content: enc.ciphertext }],
          },
        ],
      },
    ],
  });
}

/** Decrypts a delivered `<message>` the way Baileys does (learning the LID from sender_lid). */
async function deviceReads({ device }: World, node: BinaryNode): Promise<string | undefined> {
  const wire = await roundTrip(node);
  const { from, sender_lid: senderLid } = wire.attrs;
  assert.ok(from && senderLid);
  await device.repository.lidMapping.storeLIDPNMappings([{ lid: senderLid, pn: from }]);
  const enc = kids(wire).find((c) => c.tag === 'enc');
  const type = enc?.attrs.type;
  assert.ok(enc?.content instanceof Uint8Array && (type === 'pkmsg' || type === 'msg'));
  const plain = await device.repository.decryptMessage({ jid: from, type, ciphertext: enc.content });
  const message = proto.Message.decode(unpadRandomMax16(plain));
  return message.conversation ?? message.extendedTextMessage?.text ?? undefined;
}

describe('messaging hub with a Baileys Signal repository as the linked device', () => {
  it('answers count and digest from the uploaded pre-keys', async () => {
    const { hub, me } = await world();
    const count = hub.answerIq(me, iq({ id: 'c', xmlns: 'encrypt', type: 'get' }, [{ tag: 'count', attrs: {} }]));
    assert.equal(kids(count)[0]?.attrs.value, '10');
    const digest = hub.answerIq(me, iq({ id: 'd', xmlns: 'encrypt', type: 'get' }, [{ tag: 'digest', attrs: {} }]));
    assert.equal(kids(digest)[0]?.tag, 'digest');
    assert.equal(hub.answerIq(me, iq({ id: 'x', xmlns: 'w:p', type: 'get' }, [{ tag: 'ping', attrs: {} }])), undefined);
    const tokens = hub.answerIq(me, iq({ id: 't', xmlns: 'privacy', type: 'set' }, [{ tag: 'tokens', attrs: {} }]));
    assert.equal(tokens?.attrs.type, 'result');
  });

  it('device → contact: the contact decrypts the exact text, the ack names the chat', async () => {
    const w = await world();
    const node = await deviceSends(w, 'hello Carol ✓');
    const waiting = w.hub.waitForMessage('15550002222', (m) => m.text === 'hello Carol ✓', 2000);
    const { ack, issues } = await w.hub.routeMessage(w.me, node);
    assert.deepEqual(issues, []);
    assert.equal(ack.attrs.class, 'message');
    assert.equal(ack.attrs.id, node.attrs.id);
    assert.equal(ack.attrs.from, '15550002222@s.whatsapp.net');
    const got = await waiting;
    assert.equal(got.from, '15550001111@s.whatsapp.net');
    assert.equal(got.fromDevice, '15550001111:5@s.whatsapp.net');
    assert.deepEqual(
      w.hub.received('15550002222').map((m) => m.text),
      ['hello Carol ✓'],
    );
  });

  it('contact → device, then receipts both ways', async () => {
    const w = await world();
    const sent = await w.hub.sendText('15550002222', '15550001111@s.whatsapp.net', 'hi Alice');
    assert.deepEqual([sent.delivered, sent.queued], [1, 0]);
    const message = w.inbox.shift();
    assert.ok(message);
    assert.equal(message.attrs.notify, 'Carol');
    assert.equal(await deviceReads(w, message), 'hi Alice');

    w.hub.routeReceipt(w.me, {
      tag: 'receipt',
      attrs: { id: sent.id, to: '15550002222@s.whatsapp.net', type: 'read' },
    });
    assert.equal(w.hub.sent('15550002222')[0]?.status, 'read');

    await w.hub.routeMessage(w.me, await deviceSends(w, 'reply'));
    const reply = w.hub.received('15550002222')[0];
    assert.ok(reply);
    w.hub.sendReceipt('15550002222', reply.id, 'read');
    const receipt = w.inbox.shift();
    assert.deepEqual(receipt?.attrs.type, 'read');
    assert.equal(receipt?.attrs.from, '15550002222@s.whatsapp.net');
    assert.equal(receipt?.attrs.id, reply.id);
  });

  it('queues for an offline device and drains with offline="1"', async () => {
    const w = await world();
    w.online.clear();
    const sent = await w.hub.sendText('15550002222', '15550001111', 'while you were out');
    assert.deepEqual([sent.delivered, sent.queued], [0, 1]);
    assert.equal(w.inbox.length, 0);
    const queued = w.hub.drainOffline(w.me);
    assert.equal(queued.length, 1);
    assert.equal(queued[0]?.attrs.offline, '1');
    assert.equal(await deviceReads(w, queued[0] as BinaryNode), 'while you were out');
    assert.equal(w.hub.drainOffline(w.me).length, 0);
  });

  it('sends the initial history sync as a peer message Baileys can decrypt and inflate', async () => {
    const w = await world();
    await w.hub.sendHistorySync(w.me);
    const node = w.inbox.shift();
    assert.ok(node);
    assert.equal(node.attrs.category, 'peer');
    assert.equal(node.attrs.from, '15550001111@s.whatsapp.net');
    await w.device.repository.lidMapping.storeLIDPNMappings([
      { lid: '111000111@lid', pn: '15550001111@s.whatsapp.net' },
    ]);
    const enc = kids(node).find((c) => c.tag === 'enc');
    assert.ok(enc?.content instanceof Uint8Array && enc.attrs.type === 'pkmsg');
    const plain = await w.device.repository.decryptMessage({
      jid: '15550001111@s.whatsapp.net',
      type: 'pkmsg',
      ciphertext: enc.content,
    });
    const notification = proto.Message.decode(unpadRandomMax16(plain)).protocolMessage?.historySyncNotification;
    assert.equal(notification?.progress, 100);
    const inline = notification?.initialHistBootstrapInlinePayload;
    assert.ok(inline);
    const history = proto.HistorySync.decode(inflateSync(inline));
    assert.equal(history.syncType, proto.HistorySync.HistorySyncType.INITIAL_BOOTSTRAP);
  });

  it('acks a message it cannot fully route and reports why, without throwing', async () => {
    const w = await world();
    const node: BinaryNode = {
      tag: 'message',
      attrs: { id: 'BAD1', to: '15550002222@s.whatsapp.net', type: 'text' },
      content: [
        {
          tag: 'participants',
          attrs: {},
          content: [
            {
              tag: 'to',
              attrs: { jid: '15550002222@s.whatsapp.net' },
              content: [{ tag: 'enc', attrs: { v: '2', type: 'pkmsg' }, content: Buffer.from([0x33, 1, 2, 3]) }],
            },
            {
              tag: 'to',
              attrs: { jid: '19999999999@s.whatsapp.net' },
              content: [{ tag: 'enc', attrs: { v: '2', type: 'msg' }, content: Buffer.from([1]) }],
            },
          ],
        },
      ],
    };
    const { ack, issues } = await w.hub.routeMessage(w.me, node);
    assert.equal(ack.attrs.id, 'BAD1');
    assert.deepEqual(
      issues.map((i) => i.jid),
      ['15550002222@s.whatsapp.net', '19999999999@s.whatsapp.net'],
    );
    assert.equal(w.hub.received('15550002222').length, 0);
  });

  it('refuses bad phone actions with a reason', async () => {
    const { hub } = await world();
    const reason = (r: string) => (err: unknown) => err instanceof MessagingError && err.reason === r;
    await assert.rejects(hub.sendText('19999999999', '15550001111', 'x'), reason('unknown-phone'));
    await assert.rejects(hub.sendText('15550002222', '19999999999', 'x'), reason('unknown-recipient'));
    await assert.rejects(hub.sendText('15550001111', '15550002222', 'x'), reason('no-linked-devices'));
    await assert.rejects(hub.sendText('15550002222', '15550001111', ''), reason('bad-input'));
    assert.throws(() => hub.sendReceipt('15550002222', 'nope', 'read'), reason('unknown-message'));
    await assert.rejects(
      hub.waitForMessage('15550002222', () => true, 10),
      /no matching message/,
    );
  });
});
