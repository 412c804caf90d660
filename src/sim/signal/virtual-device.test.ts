import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  type BinaryNode,
  decodeBinaryNode,
  encodeBinaryNode,
  encodeWAMessage,
  parseAndInjectE2ESessions,
  proto,
  unpadRandomMax16,
} from '@whiskeysockets/baileys';
import { claimPreKeyBundle, parsePreKeyUpload } from './device-bundle.ts';
import { createBaileysDevice } from './fixtures/baileys-device.ts';
import { answerKeyFetch } from './key-fetch.ts';
import { decodeMessage, encodeTextMessage, messageText } from './message-codec.ts';
import { muteLibsignalConsole } from './quiet-libsignal.ts';
import { createVirtualDevice } from './virtual-device.ts';

// The contact is account 15550002222 (LID 222000222) device 0; the linked device is
// account 15550001111 (LID 111000111) device 5. Baileys keys sessions by LID addresses.
const CONTACT_PN = '15550002222@s.whatsapp.net';
const CONTACT_LID = '222000222@lid';
const DEVICE_LID = '111000111:5@lid';

const roundTrip = (node: BinaryNode): Promise<BinaryNode> => decodeBinaryNode(encodeBinaryNode(node));
const baileysText = (plain: Uint8Array): string | undefined => {
  const message = proto.Message.decode(unpadRandomMax16(plain));
  return message.conversation ?? message.extendedTextMessage?.text ?? undefined;
};

let unmute: () => void;
before(() => {
  unmute = muteLibsignalConsole();
});
after(() => unmute());

async function linkedPair() {
  const device = createBaileysDevice();
  const bundle = parsePreKeyUpload(await roundTrip(await device.preKeyUpload(4)));
  await device.repository.lidMapping.storeLIDPNMappings([{ lid: CONTACT_LID, pn: CONTACT_PN }]);
  return { device, bundle, contact: createVirtualDevice() };
}

describe("virtual contact against Baileys' libsignal repository", () => {
  it('contact → device: pkmsg from the uploaded bundle, Baileys decrypts the exact text', async () => {
    const { device, bundle, contact } = await linkedPair();
    let fetched = 0;
    const claim = () => {
      fetched++;
      return claimPreKeyBundle(bundle);
    };
    const first = await contact.encrypt(DEVICE_LID, encodeTextMessage('hello from the contact ✓'), claim);
    assert.equal(first.type, 'pkmsg');
    assert.equal(bundle.oneTimePreKeys.size, 3, 'one one-time pre-key consumed');
    const plain = await device.repository.decryptMessage({
      jid: CONTACT_PN,
      type: 'pkmsg',
      ciphertext: first.ciphertext,
    });
    assert.equal(baileysText(plain), 'hello from the contact ✓');

    // Until the device answers, libsignal keeps sending pkmsg on the same session (no second fetch).
    const second = await contact.encrypt(DEVICE_LID, encodeTextMessage('second'), claim);
    assert.equal(second.type, 'pkmsg');
    assert.equal(fetched, 1);
    const plain2 = await device.repository.decryptMessage({
      jid: CONTACT_PN,
      type: 'pkmsg',
      ciphertext: second.ciphertext,
    });
    assert.equal(baileysText(plain2), 'second');

    const reply = await device.repository.encryptMessage({
      jid: CONTACT_LID,
      data: encodeWAMessage({ extendedTextMessage: { text: 'reply' } }),
    });
    assert.equal(reply.type, 'msg');
    assert.equal(messageText(decodeMessage(await contact.decrypt(DEVICE_LID, 'msg', reply.ciphertext))), 'reply');

    const third = await contact.encrypt(DEVICE_LID, encodeTextMessage('third'), claim);
    assert.equal(third.type, 'msg');
    const plain3 = await device.repository.decryptMessage({
      jid: CONTACT_PN,
      type: 'msg',
      ciphertext: third.ciphertext,
    });
    assert.equal(baileysText(plain3), 'third');
  });

  it('device → contact: Baileys injects the fetched bundle, the contact decrypts the exact text', async () => {
    const { device, contact } = await linkedPair();
    const before = contact.publicBundle().oneTimePreKeys.size;
    const fetch: BinaryNode = {
      tag: 'iq',
      attrs: { id: 'k1', xmlns: 'encrypt', type: 'get', to: '@s.whatsapp.net' },
      content: [{ tag: 'key', attrs: {}, content: [{ tag: 'user', attrs: { jid: CONTACT_LID, reason: 'identity' } }] }],
    };
    const answer = await roundTrip(
      answerKeyFetch(await roundTrip(fetch), (jid) => (jid === CONTACT_LID ? contact.publicBundle() : undefined)),
    );
    await parseAndInjectE2ESessions(answer, device.repository);
    assert.equal(contact.publicBundle().oneTimePreKeys.size, before - 1);

    const sent = await device.repository.encryptMessage({
      jid: CONTACT_LID,
      data: encodeWAMessage({
        extendedTextMessage: { text: 'hi contact' },
        messageContextInfo: { messageSecret: Buffer.alloc(32, 7) },
      }),
    });
    assert.equal(sent.type, 'pkmsg');
    const received = decodeMessage(await contact.decrypt(DEVICE_LID, 'pkmsg', sent.ciphertext));
    assert.equal(messageText(received), 'hi contact');
    assert.equal(await contact.hasSession(DEVICE_LID), true);

    const back = await contact.encrypt(DEVICE_LID, encodeTextMessage('back at you'), () =>
      assert.fail('session exists'),
    );
    assert.equal(back.type, 'msg');
    const plain = await device.repository.decryptMessage({
      jid: CONTACT_LID,
      type: 'msg',
      ciphertext: back.ciphertext,
    });
    assert.equal(baileysText(plain), 'back at you');
  });

  it('fails to decrypt a message meant for another device or with a broken MAC', async () => {
    const { device, bundle, contact } = await linkedPair();
    const claim = () => claimPreKeyBundle(bundle);
    const stranger = createVirtualDevice();
    const other = await createVirtualDevice().encrypt(DEVICE_LID, encodeTextMessage('x'), claim);
    await assert.rejects(stranger.decrypt(DEVICE_LID, 'pkmsg', other.ciphertext));

    const first = await contact.encrypt(DEVICE_LID, encodeTextMessage('one'), claim);
    await device.repository.decryptMessage({ jid: CONTACT_PN, type: 'pkmsg', ciphertext: first.ciphertext });
    const reply = await device.repository.encryptMessage({
      jid: CONTACT_LID,
      data: encodeWAMessage({ conversation: 'r' }),
    });
    await contact.decrypt(DEVICE_LID, reply.type, reply.ciphertext);
    const next = await contact.encrypt(DEVICE_LID, encodeTextMessage('two'), claim);
    assert.equal(next.type, 'msg');
    // A WhisperMessage ends with an 8-byte MAC.
    const tampered = Buffer.from(next.ciphertext);
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] ?? 0) ^ 1;
    await assert.rejects(device.repository.decryptMessage({ jid: CONTACT_PN, type: 'msg', ciphertext: tampered }));
  });

  it('refuses to encrypt without a session or a bundle', async () => {
    await assert.rejects(
      createVirtualDevice().encrypt(DEVICE_LID, encodeTextMessage('x'), () => undefined),
      /no Signal session/,
    );
  });

  it('uses a given identity and tops up one-time pre-keys', () => {
    const phone = createVirtualDevice({ preKeyBatch: 6 });
    const same = createVirtualDevice({ identity: { public: phone.identityKey, private: Buffer.alloc(32, 1) } });
    assert.ok(same.identityKey.equals(phone.identityKey));
    const bundle = phone.publicBundle();
    for (let i = 0; i < 4; i++) claimPreKeyBundle(bundle);
    assert.equal(phone.publicBundle().oneTimePreKeys.size, 8, 'refilled below the low-water mark');
  });
});
