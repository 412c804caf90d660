import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  aesDecryptCTR,
  aesEncryptCTR,
  aesEncryptGCM,
  type BinaryNode,
  bytesToCrockford,
  Curve,
  decodeBinaryNode,
  derivePairingCodeKey,
  encodeBinaryNode,
  hkdf,
  initAuthCreds,
} from '@whiskeysockets/baileys';
import { startLinkCodeAttempt } from './link-code-attempt.ts';
import { LinkCodeError } from './link-code-crypto.ts';
import { parseCompanionFinish, parseCompanionHello } from './link-code-nodes.ts';
import { generateX25519KeyPair } from './x25519.ts';

const PHONE = '15550001111@s.whatsapp.net';
const roundTrip = (node: BinaryNode): Promise<BinaryNode> => decodeBinaryNode(encodeBinaryNode(node));
const child = (tag: string, content: Uint8Array | string): BinaryNode => ({ tag, attrs: {}, content });

function reg(node: BinaryNode): BinaryNode {
  const found = Array.isArray(node.content) ? node.content.find((c) => c.tag === 'link_code_companion_reg') : undefined;
  assert.ok(found, 'link_code_companion_reg child');
  return found;
}

function bytesOf(node: BinaryNode, tag: string): Buffer {
  const found = Array.isArray(node.content) ? node.content.find((c) => c.tag === tag) : undefined;
  assert.ok(found?.content instanceof Uint8Array, `<${tag}> bytes`);
  return Buffer.from(found.content);
}

/** The companion (Baileys) side, step for step as Socket/socket.js and Socket/messages-recv.js do it. */
function makeCompanion(code: string) {
  const creds = initAuthCreds();
  return {
    creds,
    async hello(): Promise<BinaryNode> {
      const salt = randomBytes(32);
      const iv = randomBytes(16);
      const key = await derivePairingCodeKey(code, salt);
      const wrapped = Buffer.concat([salt, iv, aesEncryptCTR(creds.pairingEphemeralKeyPair.public, key, iv)]);
      return {
        tag: 'iq',
        attrs: { to: '@s.whatsapp.net', type: 'set', id: 'hello-1', xmlns: 'md' },
        content: [
          {
            tag: 'link_code_companion_reg',
            attrs: { jid: PHONE, stage: 'companion_hello', should_show_push_notification: 'true' },
            content: [
              child('link_code_pairing_wrapped_companion_ephemeral_pub', wrapped),
              child('companion_server_auth_key_pub', creds.noiseKey.public),
              child('companion_platform_id', '1'),
              child('companion_platform_display', 'Chrome (Ubuntu)'),
              child('link_code_pairing_nonce', '0'),
            ],
          },
        ],
      };
    },
    async onPrimaryHello(notification: BinaryNode): Promise<{ finish: BinaryNode; advSecret: Buffer }> {
      const body = reg(notification);
      const ref = bytesOf(body, 'link_code_pairing_ref');
      const primaryIdentityPub = bytesOf(body, 'primary_identity_pub');
      const wrapped = bytesOf(body, 'link_code_pairing_wrapped_primary_ephemeral_pub');
      const key = await derivePairingCodeKey(code, wrapped.subarray(0, 32));
      const primaryEphemeralPub = aesDecryptCTR(wrapped.subarray(48, 80), key, wrapped.subarray(32, 48));
      const shared = Curve.sharedKey(creds.pairingEphemeralKeyPair.private, primaryEphemeralPub);
      const random = randomBytes(32);
      const salt = randomBytes(32);
      const bundleKey = hkdf(shared, 32, { salt, info: 'link_code_pairing_key_bundle_encryption_key' });
      const iv = randomBytes(12);
      const payload = Buffer.concat([creds.signedIdentityKey.public, primaryIdentityPub, random]);
      const bundle = Buffer.concat([salt, iv, aesEncryptGCM(payload, bundleKey, iv, Buffer.alloc(0))]);
      const identityShared = Curve.sharedKey(creds.signedIdentityKey.private, primaryIdentityPub);
      const advSecret = Buffer.from(hkdf(Buffer.concat([shared, identityShared, random]), 32, { info: 'adv_secret' }));
      const finish: BinaryNode = {
        tag: 'iq',
        attrs: { to: '@s.whatsapp.net', type: 'set', id: 'finish-1', xmlns: 'md' },
        content: [
          {
            tag: 'link_code_companion_reg',
            attrs: { jid: PHONE, stage: 'companion_finish' },
            content: [
              child('link_code_pairing_wrapped_key_bundle', bundle),
              child('companion_identity_public', creds.signedIdentityKey.public),
              child('link_code_pairing_ref', ref),
            ],
          },
        ],
      };
      return { finish, advSecret };
    },
  };
}

async function exchange(companionCode: string, typedCode: string) {
  const companion = makeCompanion(companionCode);
  const hello = parseCompanionHello(await roundTrip(await companion.hello()));
  const attempt = await startLinkCodeAttempt({
    hello,
    code: typedCode,
    primaryIdentity: generateX25519KeyPair(),
    ref: Buffer.from('2@simref'),
    notificationId: 'n-1',
  });
  const { finish, advSecret } = await companion.onPrimaryHello(await roundTrip(attempt.primaryHello));
  return { companion, hello, attempt, finish: parseCompanionFinish(await roundTrip(finish)), advSecret };
}

describe('pairing code, phone side against the Baileys client steps', () => {
  it('parses companion_hello as Baileys sends it', async () => {
    const companion = makeCompanion('ABCDEFGH');
    const hello = parseCompanionHello(await roundTrip(await companion.hello()));
    assert.equal(hello.jid, PHONE);
    assert.equal(hello.platformId, '1');
    assert.equal(hello.platformDisplay, 'Chrome (Ubuntu)');
    assert.equal(hello.wrappedCompanionEphemeralPub.length, 80);
    assert.ok(hello.companionNoisePub.equals(companion.creds.noiseKey.public));
  });

  it('derives the same advSecret as the companion with the right code', async () => {
    const code = bytesToCrockford(randomBytes(5));
    const { companion, attempt, finish, advSecret } = await exchange(code, code);
    const link = attempt.finish(finish);
    assert.equal(link.advSecret.length, 32);
    assert.ok(link.advSecret.equals(advSecret), 'advSecret matches the companion side');
    assert.ok(link.companionIdentityPub.equals(companion.creds.signedIdentityKey.public));
    assert.ok(link.companionNoisePub.equals(companion.creds.noiseKey.public));
  });

  it('accepts the code typed in lower case with a dash', async () => {
    const { attempt, finish, advSecret } = await exchange('K7PQ2MXZ', 'k7pq-2mxz');
    assert.ok(attempt.finish(finish).advSecret.equals(advSecret));
  });

  it('fails with wrong-code when the typed code differs', async () => {
    const { attempt, finish } = await exchange('K7PQ2MXZ', 'K7PQ2MXY');
    assert.throws(() => attempt.finish(finish), (err: unknown) => err instanceof LinkCodeError && err.reason === 'wrong-code');
  });

  it('rejects a code that is not 8 letters or digits before any crypto', async () => {
    const hello = parseCompanionHello(await roundTrip(await makeCompanion('ABCDEFGH').hello()));
    const start = (code: string) =>
      startLinkCodeAttempt({ hello, code, primaryIdentity: generateX25519KeyPair(), ref: Buffer.from('r'), notificationId: 'n' });
    for (const code of ['ABC', 'ABCDEFGHJ', 'ABCD EF!H', '']) {
      await assert.rejects(start(code), (err: unknown) => err instanceof LinkCodeError && err.reason === 'malformed-code');
    }
  });

  it('rejects a finish for another ref or with a swapped identity', async () => {
    const { attempt, finish } = await exchange('ABCDEFGH', 'ABCDEFGH');
    assert.throws(() => attempt.finish({ ...finish, ref: Buffer.from('other') }), LinkCodeError);
    const swapped = { ...finish, companionIdentityPub: randomBytes(32) };
    assert.throws(
      () => attempt.finish(swapped),
      (err: unknown) => err instanceof LinkCodeError && err.reason === 'identity-mismatch',
    );
  });

  it('rejects nodes of the wrong stage or missing children', async () => {
    const hello = await roundTrip(await makeCompanion('ABCDEFGH').hello());
    assert.throws(() => parseCompanionFinish(hello), LinkCodeError);
    const body = reg(hello);
    const stripped: BinaryNode = { ...body, content: Array.isArray(body.content) ? body.content.slice(1) : [] };
    assert.throws(() => parseCompanionHello(stripped), LinkCodeError);
  });
});
