import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type BinaryNode, decodeBinaryNode, encodeBinaryNode } from '@whiskeysockets/baileys';
import {
  buildKeyBundleUser,
  claimPreKeyBundle,
  mergePreKeyUpload,
  parsePreKeyUpload,
  parseSignedPreKeyRotate,
  takeOneTimePreKey,
} from './device-bundle.ts';
import { createBaileysDevice } from './fixtures/baileys-device.ts';
import { answerKeyFetch, parseKeyFetch } from './key-fetch.ts';
import { muteLibsignalConsole } from './quiet-libsignal.ts';

const roundTrip = (node: BinaryNode): Promise<BinaryNode> => decodeBinaryNode(encodeBinaryNode(node));
let unmute: () => void;
before(() => {
  unmute = muteLibsignalConsole();
});
after(() => unmute());

describe('pre-key bundles', () => {
  it('parses the upload Baileys builds', async () => {
    const device = createBaileysDevice();
    const bundle = parsePreKeyUpload(await roundTrip(await device.preKeyUpload(5)));
    assert.equal(bundle.registrationId, device.creds.registrationId);
    assert.ok(bundle.identityKey.equals(device.creds.signedIdentityKey.public));
    assert.equal(bundle.signedPreKey.id, device.creds.signedPreKey.keyId);
    assert.ok(bundle.signedPreKey.public.equals(device.creds.signedPreKey.keyPair.public));
    assert.ok(bundle.signedPreKey.signature.equals(Buffer.from(device.creds.signedPreKey.signature)));
    assert.deepEqual([...bundle.oneTimePreKeys.keys()], [1, 2, 3, 4, 5]);
  });

  it('merges a later upload and replaces the bundle on a new identity', async () => {
    const device = createBaileysDevice();
    const first = parsePreKeyUpload(await roundTrip(await device.preKeyUpload(2)));
    const second = parsePreKeyUpload(await roundTrip(await device.preKeyUpload(4)));
    const merged = mergePreKeyUpload(first, second);
    assert.equal(merged, first);
    assert.deepEqual(
      [...merged.oneTimePreKeys.keys()].sort(),
      [1, 2, 3, 4, 5, 6],
      'Baileys numbers the second batch 3..6',
    );
    const other = parsePreKeyUpload(await roundTrip(await createBaileysDevice().preKeyUpload(1)));
    assert.equal(mergePreKeyUpload(first, other), other);
  });

  it('rejects an upload with a wrong key type or short keys', async () => {
    const device = createBaileysDevice();
    const node = await roundTrip(await device.preKeyUpload(1));
    const swap = (tag: string, content: Uint8Array): BinaryNode => ({
      ...node,
      content: Array.isArray(node.content) ? node.content.map((c) => (c.tag === tag ? { ...c, content } : c)) : [],
    });
    assert.throws(() => parsePreKeyUpload(swap('type', Buffer.from([6]))), /type/);
    assert.throws(() => parsePreKeyUpload(swap('identity', Buffer.alloc(31))), /identity/);
  });

  it('parses a signed pre-key rotation', async () => {
    const skey = buildKeyBundleUser('x@lid', {
      registrationId: 1,
      identityKey: Buffer.alloc(32, 1),
      signedPreKey: { id: 9, public: Buffer.alloc(32, 2), signature: Buffer.alloc(64, 3) },
      oneTimePreKeys: new Map(),
    });
    const skeyNode = Array.isArray(skey.content) ? skey.content.find((c) => c.tag === 'skey') : undefined;
    assert.ok(skeyNode);
    const rotated = parseSignedPreKeyRotate(
      await roundTrip({ tag: 'iq', attrs: {}, content: [{ tag: 'rotate', attrs: {}, content: [skeyNode] }] }),
    );
    assert.equal(rotated.id, 9);
    assert.ok(rotated.signature.equals(Buffer.alloc(64, 3)));
  });

  it('hands out each one-time pre-key once, lowest id first', () => {
    const bundle = {
      registrationId: 1,
      identityKey: Buffer.alloc(32),
      signedPreKey: { id: 1, public: Buffer.alloc(32), signature: Buffer.alloc(64) },
      oneTimePreKeys: new Map([
        [7, Buffer.alloc(32, 7)],
        [3, Buffer.alloc(32, 3)],
      ]),
    };
    assert.equal(takeOneTimePreKey(bundle)?.id, 3);
    assert.equal(claimPreKeyBundle(bundle).preKey?.id, 7);
    assert.equal(claimPreKeyBundle(bundle).preKey, undefined);
  });

  it('answers a key fetch per known user, consuming one pre-key each, leaving unknown users out', async () => {
    const device = createBaileysDevice();
    const bundle = parsePreKeyUpload(await roundTrip(await device.preKeyUpload(3)));
    const fetch: BinaryNode = {
      tag: 'iq',
      attrs: { id: 'k9', xmlns: 'encrypt', type: 'get' },
      content: [
        {
          tag: 'key',
          attrs: {},
          content: [
            { tag: 'user', attrs: { jid: '111000111:5@lid', reason: 'identity' } },
            { tag: 'user', attrs: { jid: '999@lid' } },
          ],
        },
      ],
    };
    const parsed = await roundTrip(fetch);
    assert.deepEqual(parseKeyFetch(parsed), [{ jid: '111000111:5@lid', reason: 'identity' }, { jid: '999@lid' }]);
    const answer = await roundTrip(answerKeyFetch(parsed, (jid) => (jid === '111000111:5@lid' ? bundle : undefined)));
    assert.equal(answer.attrs.id, 'k9');
    assert.equal(answer.attrs.type, 'result');
    const list = Array.isArray(answer.content) ? answer.content[0] : undefined;
    const users = Array.isArray(list?.content) ? list.content : [];
    assert.deepEqual(
      users.map((u) => u.attrs.jid),
      ['111000111:5@lid'],
    );
    assert.equal(bundle.oneTimePreKeys.size, 2);
  });
});
