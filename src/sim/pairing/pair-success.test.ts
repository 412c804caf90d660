import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { type BinaryNode, configureSuccessfulPairing, initAuthCreds } from '@whiskeysockets/baileys';
import { buildPairSuccess, verifyPairDeviceSign } from './pair-success.ts';
import { generateX25519KeyPair } from './x25519.ts';

function pairing() {
  const creds = initAuthCreds();
  const accountKey = generateX25519KeyPair();
  const success = buildPairSuccess({
    id: 'p1',
    keyIndex: 3,
    accountKey,
    companionIdentityPub: Buffer.from(creds.signedIdentityKey.public),
    advSecret: Buffer.from(creds.advSecretKey, 'base64'),
    deviceJid: '15550005001:2@s.whatsapp.net',
    deviceLid: '99887766:2@lid',
    platform: 'smbi',
    pushName: 'Jo',
  });
  return { creds, accountKey, success };
}

describe('pair-success and pair-device-sign', () => {
  it('Baileys accepts the pair-success and its signed answer verifies', () => {
    const { creds, accountKey, success } = pairing();
    const { reply, creds: update } = configureSuccessfulPairing(success.node, creds);
    assert.equal(update.me?.id, '15550005001:2@s.whatsapp.net');
    assert.equal(update.me?.lid, '99887766:2@lid');
    assert.equal(update.me?.name, 'Jo');
    assert.equal(update.platform, 'smbi');
    const check = {
      details: success.details,
      companionIdentityPub: Buffer.from(creds.signedIdentityKey.public),
      accountPub: accountKey.public,
    };
    assert.equal(verifyPairDeviceSign(reply, check), true);
  });

  it('a forged device signature does not verify', () => {
    const { creds, accountKey, success } = pairing();
    const { reply } = configureSuccessfulPairing(success.node, creds);
    const kids = (node: BinaryNode): BinaryNode[] => (Array.isArray(node.content) ? node.content : []);
    const identity = kids(kids(reply)[0] as BinaryNode)[0] as BinaryNode;
    const content = Buffer.from(identity.content as Uint8Array);
    content.set(randomBytes(8), content.length - 8);
    identity.content = content;
    const check = {
      details: success.details,
      companionIdentityPub: Buffer.from(creds.signedIdentityKey.public),
      accountPub: accountKey.public,
    };
    assert.equal(verifyPairDeviceSign(reply, check), false);
  });

  it("Baileys rejects a pair-success HMAC'd with another adv secret", () => {
    const { creds, success } = pairing();
    assert.throws(
      () => configureSuccessfulPairing(success.node, { ...creds, advSecretKey: randomBytes(32).toString('base64') }),
      /Invalid account signature/,
    );
  });
});
