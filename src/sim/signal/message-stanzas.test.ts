import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type BinaryNode,
  decodeBinaryNode,
  encodeBinaryNode,
  encodeWAMessage,
  proto,
  unpadRandomMax16,
} from '@whiskeysockets/baileys';
import { createBaileysDevice } from './fixtures/baileys-device.ts';
import { decodeMessage, encodeTextMessage, messageText, padMessage, unpadMessage } from './message-codec.ts';
import {
  buildDeviceMessage,
  buildMessageAck,
  buildReceipt,
  parseDeviceReceipt,
  parseOutgoingMessage,
} from './message-stanzas.ts';
import { signalAddress } from './signal-address.ts';

const roundTrip = (node: BinaryNode): Promise<BinaryNode> => decodeBinaryNode(encodeBinaryNode(node));

describe('message stanzas', () => {
  it('parses a 1:1 message with participants and device identity', async () => {
    const node = await roundTrip({
      tag: 'message',
      attrs: { id: '3EB0AA', to: '15550002222@s.whatsapp.net', type: 'text' },
      content: [
        {
          tag: 'participants',
          attrs: {},
          content: [
            {
              tag: 'to',
              attrs: { jid: '15550001111@s.whatsapp.net' },
              content: [{ tag: 'enc', attrs: { v: '2', type: 'pkmsg' }, content: Buffer.from([1, 2]) }],
            },
            {
              tag: 'to',
              attrs: { jid: '15550002222:3@s.whatsapp.net' },
              content: [{ tag: 'enc', attrs: { v: '2', type: 'msg' }, content: Buffer.from([3]) }],
            },
          ],
        },
        { tag: 'device-identity', attrs: {}, content: Buffer.from([9, 9]) },
      ],
    });
    const parsed = parseOutgoingMessage(node);
    assert.equal(parsed.id, '3EB0AA');
    assert.equal(parsed.to, '15550002222@s.whatsapp.net');
    assert.deepEqual(
      parsed.copies.map((c) => [c.jid, c.type, [...c.ciphertext]]),
      [
        ['15550001111@s.whatsapp.net', 'pkmsg', [1, 2]],
        ['15550002222:3@s.whatsapp.net', 'msg', [3]],
      ],
    );
    assert.deepEqual([...(parsed.deviceIdentity ?? [])], [9, 9]);
  });

  it('parses a peer message with a bare <enc>', async () => {
    const parsed = parseOutgoingMessage(
      await roundTrip({
        tag: 'message',
        attrs: { id: 'P1', to: '15550001111@s.whatsapp.net', type: 'text', category: 'peer' },
        content: [{ tag: 'enc', attrs: { v: '2', type: 'msg' }, content: Buffer.from([5]) }],
      }),
    );
    assert.equal(parsed.category, 'peer');
    assert.deepEqual(
      parsed.copies.map((c) => c.jid),
      ['15550001111@s.whatsapp.net'],
    );
  });

  it('rejects a message without id or with an unknown enc type', () => {
    assert.throws(() => parseOutgoingMessage({ tag: 'message', attrs: { to: 'x@s.whatsapp.net' } }));
    assert.throws(() =>
      parseOutgoingMessage({
        tag: 'message',
        attrs: { id: '1', to: 'x@s.whatsapp.net' },
        content: [{ tag: 'enc', attrs: { type: 'frank' }, content: Buffer.from([1]) }],
      }),
    );
  });

  it('builds the device-bound message, ack and receipts with string attributes', async () => {
    const message = await roundTrip(
      buildDeviceMessage({
        id: 'M1',
        from: '15550002222@s.whatsapp.net',
        enc: { type: 'pkmsg', ciphertext: Buffer.from([7]) },
        t: 1700000000,
        notify: 'Bob',
        senderLid: '222000222@lid',
        offline: true,
      }),
    );
    assert.deepEqual(message.attrs, {
      from: '15550002222@s.whatsapp.net',
      id: 'M1',
      t: '1700000000',
      type: 'text',
      notify: 'Bob',
      sender_lid: '222000222@lid',
      offline: '1',
    });
    const enc = Array.isArray(message.content) ? message.content[0] : undefined;
    assert.deepEqual(enc?.attrs, { v: '2', type: 'pkmsg' });
    assert.deepEqual(buildMessageAck('M1', '15550002222@s.whatsapp.net', 5).attrs, {
      class: 'message',
      id: 'M1',
      from: '15550002222@s.whatsapp.net',
      t: '5',
    });
    assert.equal(buildReceipt('M1', 'c@s.whatsapp.net', 'delivered').attrs.type, undefined);
    assert.equal(buildReceipt('M1', 'c@s.whatsapp.net', 'read').attrs.type, 'read');
  });

  it('parses device receipts including <list> items', () => {
    const receipt = parseDeviceReceipt({
      tag: 'receipt',
      attrs: { id: 'A', to: '15550002222@s.whatsapp.net', type: 'read' },
      content: [{ tag: 'list', attrs: {}, content: [{ tag: 'item', attrs: { id: 'B' } }] }],
    });
    assert.deepEqual(receipt, { ids: ['A', 'B'], to: '15550002222@s.whatsapp.net', type: 'read' });
  });
});

describe('message codec and Signal addresses', () => {
  it('pads like Baileys and unpads what Baileys pads', () => {
    for (let i = 0; i < 50; i++) {
      const body = Buffer.from([1, 2, 3]);
      const padded = padMessage(body);
      const pad = padded.length - body.length;
      assert.ok(pad >= 1 && pad <= 16);
      assert.ok(padded.subarray(body.length).every((b) => b === pad));
      assert.deepEqual([...unpadRandomMax16(padded)], [1, 2, 3]);
    }
    const fromBaileys = encodeWAMessage({ extendedTextMessage: { text: 'via baileys' } });
    assert.equal(messageText(decodeMessage(fromBaileys)), 'via baileys');
    assert.equal(proto.Message.decode(unpadRandomMax16(encodeTextMessage('plain'))).conversation, 'plain');
    assert.throws(() => unpadMessage(Buffer.from([1, 2, 0])));
    assert.throws(() => unpadMessage(Buffer.alloc(0)));
  });

  it('reads the text out of a deviceSentMessage copy', () => {
    const dsm = {
      deviceSentMessage: { destinationJid: 'x@s.whatsapp.net', message: { extendedTextMessage: { text: 'dsm' } } },
    };
    assert.equal(messageText(dsm), 'dsm');
    assert.equal(messageText({ reactionMessage: { text: '👍' } }), undefined);
  });

  it('names Signal addresses exactly like Baileys', () => {
    const { repository } = createBaileysDevice();
    for (const jid of [
      '15550001111@s.whatsapp.net',
      '15550001111:5@s.whatsapp.net',
      '111000111@lid',
      '111000111:7@lid',
    ]) {
      assert.equal(signalAddress(jid), repository.jidToSignalProtocolAddress(jid));
    }
    assert.equal(signalAddress('111000111:7@lid'), '111000111_1.7');
    assert.throws(() => signalAddress('123@g.us'));
  });
});
