import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { WAMessage } from '@whiskeysockets/baileys';
import { isUserMessage, toIncomingMessage } from './incoming-message.ts';

const own = { phoneNumber: '628000', jid: '628000@s.whatsapp.net', lid: '9000@lid' };
const noResolve = async () => null;
const msg = (partial: Partial<WAMessage>): WAMessage =>
  ({ key: {}, messageTimestamp: 1_700_000_000, ...partial }) as WAMessage;

test('a 1:1 chat addressed by LID still yields the phone number, from remoteJidAlt', async () => {
  const m = msg({
    key: {
      remoteJid: '555@lid',
      remoteJidAlt: '628111@s.whatsapp.net',
      participant: '555@lid',
      id: 'A1',
      fromMe: false,
    },
    pushName: 'Carol',
    message: { conversation: 'hi' },
  });
  const out = await toIncomingMessage(m, own, noResolve);
  assert.deepEqual(out.from, { phoneNumber: '628111', jid: '628111@s.whatsapp.net', lid: '555@lid' });
  assert.equal(out.chatId, '628111@s.whatsapp.net');
  assert.equal(out.type, 'text');
  assert.equal(out.text, 'hi');
  assert.equal(out.timestamp, 1_700_000_000_000);
});

test('a missing alternate identity is asked of the LID map', async () => {
  const m = msg({ key: { remoteJid: '628111@s.whatsapp.net', id: 'A2' }, message: { conversation: 'x' } });
  const out = await toIncomingMessage(m, own, async (jid) => (jid === '628111@s.whatsapp.net' ? '555:3@lid' : null));
  assert.deepEqual(out.from, { phoneNumber: '628111', jid: '628111@s.whatsapp.net', lid: '555@lid' });
});

test('group senders come from participant; fromMe messages are from us', async () => {
  const group = msg({
    key: { remoteJid: '120363@g.us', participant: '777@lid', participantAlt: '628222@s.whatsapp.net', id: 'G1' },
    message: { conversation: 'g' },
  });
  assert.deepEqual((await toIncomingMessage(group, own, noResolve)).from, {
    phoneNumber: '628222',
    jid: '628222@s.whatsapp.net',
    lid: '777@lid',
  });
  const mine = msg({
    key: { remoteJid: '628111@s.whatsapp.net', fromMe: true, id: 'M1' },
    message: { conversation: 'sent from the phone' },
  });
  const out = await toIncomingMessage(mine, own, noResolve);
  assert.equal(out.fromMe, true);
  assert.deepEqual(out.from, own);
});

test('media, location, contact, reaction and quotes are normalised', async () => {
  const image = await toIncomingMessage(
    msg({
      key: { remoteJid: '628111@s.whatsapp.net', id: 'I1' },
      message: {
        imageMessage: {
          caption: 'look',
          mimetype: 'image/png',
          fileLength: 1234,
          fileSha256: Buffer.from([1, 2, 3]),
          contextInfo: { stanzaId: 'Q1' },
        },
      },
    }),
    own,
    noResolve,
  );
  assert.equal(image.type, 'image');
  assert.equal(image.text, 'look');
  assert.deepEqual(image.media, {
    mimetype: 'image/png',
    fileName: null,
    fileLength: 1234,
    sha256: 'AQID',
    ptt: false,
  });
  assert.equal(image.quotedMessageId, 'Q1');
  const place = await toIncomingMessage(
    msg({
      key: { remoteJid: '628111@s.whatsapp.net', id: 'L1' },
      message: {
        locationMessage: { degreesLatitude: -6.2, degreesLongitude: 106.8, name: 'Monas' },
      },
    }),
    own,
    noResolve,
  );
  assert.deepEqual(place.location, { latitude: -6.2, longitude: 106.8, name: 'Monas', address: null });
  const card = await toIncomingMessage(
    msg({
      key: { remoteJid: '628111@s.whatsapp.net', id: 'C1' },
      message: {
        contactMessage: { displayName: 'Budi', vcard: 'BEGIN:VCARD' },
      },
    }),
    own,
    noResolve,
  );
  assert.deepEqual(card.contact, { name: 'Budi', vcard: 'BEGIN:VCARD' });
  const react = await toIncomingMessage(
    msg({
      key: { remoteJid: '628111@s.whatsapp.net', id: 'R1' },
      message: {
        reactionMessage: { key: { id: 'T1' }, text: '👍' },
      },
    }),
    own,
    noResolve,
  );
  assert.deepEqual(react.reaction, { messageId: 'T1', emoji: '👍' });
});

test('protocol housekeeping and status broadcasts are not user messages', () => {
  assert.equal(
    isUserMessage(msg({ key: { remoteJid: '628111@s.whatsapp.net' }, message: { protocolMessage: { type: 5 } } })),
    false,
  );
  assert.equal(isUserMessage(msg({ key: { remoteJid: 'status@broadcast' }, message: { conversation: 'x' } })), false);
  assert.equal(
    isUserMessage(
      msg({
        key: { remoteJid: '628111@s.whatsapp.net' },
        message: { senderKeyDistributionMessage: {}, messageContextInfo: {} },
      }),
    ),
    false,
  );
  assert.equal(isUserMessage(msg({ key: { remoteJid: '628111@s.whatsapp.net' } })), false);
  assert.equal(
    isUserMessage(
      msg({ key: { remoteJid: '628111@s.whatsapp.net' }, message: { conversation: 'x', messageContextInfo: {} } }),
    ),
    true,
  );
});
