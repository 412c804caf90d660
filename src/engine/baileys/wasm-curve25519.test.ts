import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { Curve } from '@whiskeysockets/baileys';
import { installWasmCurve25519, sharedKey, sign, verify } from './wasm-curve25519.ts';

interface LibsignalCurve {
  generateKeyPair(): { pubKey: Buffer; privKey: Buffer };
  calculateAgreement(pubKey: Buffer, privKey: Buffer): Buffer;
  calculateSignature(privKey: Buffer, message: Buffer): Buffer;
  verifySignature(pubKey: Buffer, message: Buffer, signature: Buffer, isInit?: boolean): boolean;
}
const libsignal = createRequire(import.meta.url)('libsignal/src/curve.js') as LibsignalCurve;
/** libsignal's own JavaScript and node:crypto versions, captured before anything is installed. */
const reference = { ...libsignal };

/** An X25519 pair from node:crypto (OpenSSL), raw 32-byte keys: an independent reference. */
function opensslPair() {
  const { publicKey, privateKey } = generateKeyPairSync('x25519');
  const jwk = privateKey.export({ format: 'jwk' });
  return {
    private: Buffer.from(jwk.d!, 'base64url'),
    public: Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url'),
  };
}
const withType = (key: Buffer) => Buffer.concat([Buffer.of(5), key]);
const flip = (bytes: Buffer, at: number) => {
  const copy = Buffer.from(bytes);
  copy[at] = (copy[at] ?? 0) ^ 1;
  return copy;
};

describe('wasm Curve25519', () => {
  it('agrees with OpenSSL X25519, with and without the key type byte', () => {
    for (let i = 0; i < 5; i++) {
      const a = opensslPair();
      const b = opensslPair();
      const expected = reference.calculateAgreement(withType(b.public), a.private);
      assert.deepEqual(sharedKey(a.private, b.public), expected);
      assert.deepEqual(sharedKey(a.private, withType(b.public)), expected);
      assert.deepEqual(sharedKey(b.private, a.public), expected, 'both sides derive the same secret');
    }
  });

  it('signs so that libsignal’s JavaScript verifier accepts, and verifies libsignal’s signatures', () => {
    const pair = reference.generateKeyPair();
    const message = randomBytes(120);
    assert.equal(reference.verifySignature(pair.pubKey, message, sign(pair.privKey, message)), true);
    const theirs = reference.calculateSignature(pair.privKey, message);
    assert.equal(verify(pair.pubKey, message, theirs), true);
    assert.equal(verify(pair.pubKey.subarray(1), message, theirs), true, 'a 32-byte public key works too');
  });

  it('rejects tampered messages, signatures and keys, and malformed input, without throwing', () => {
    const pair = reference.generateKeyPair();
    const other = reference.generateKeyPair();
    const message = randomBytes(64);
    const signature = sign(pair.privKey, message);
    assert.equal(verify(pair.pubKey, flip(message, 3), signature), false);
    assert.equal(verify(pair.pubKey, message, flip(signature, 10)), false);
    assert.equal(verify(other.pubKey, message, signature), false);
    assert.equal(verify(pair.pubKey, message, signature.subarray(0, 63)), false);
    assert.equal(verify(pair.pubKey.subarray(0, 20), message, signature), false);
    assert.equal(verify(Buffer.concat([Buffer.of(9), pair.pubKey.subarray(1)]), message, signature), false);
  });

  it('once installed, Baileys and libsignal compute with it and keep libsignal’s contract', () => {
    const a = reference.generateKeyPair();
    const b = reference.generateKeyPair();
    const message = randomBytes(80);
    const forged = flip(reference.calculateSignature(a.privKey, message), 7);
    // Before: Baileys rc14 drops libsignal's answer and accepts a forged signature.
    assert.equal(Curve.verify(a.pubKey.subarray(1), message, forged), true);

    installWasmCurve25519();
    installWasmCurve25519();
    const expected = reference.calculateAgreement(b.pubKey, a.privKey);
    assert.equal(Curve.sharedKey, sharedKey);
    assert.deepEqual(Curve.sharedKey(a.privKey, b.pubKey.subarray(1)), expected);
    assert.deepEqual(libsignal.calculateAgreement(b.pubKey, a.privKey), expected);
    assert.equal(Curve.verify(a.pubKey.subarray(1), message, forged), false, 'a forged signature is now rejected');
    assert.equal(Curve.verify(a.pubKey.subarray(1), message, Curve.sign(a.privKey, message)), true);
    assert.equal(libsignal.verifySignature(a.pubKey, message, forged), false);
    assert.equal(libsignal.verifySignature(a.pubKey, message, libsignal.calculateSignature(a.privKey, message)), true);
    // libsignal's quirk for session set-up is kept: with isInit it checks shapes only.
    assert.equal(libsignal.verifySignature(a.pubKey, message, forged, true), true);
    // Malformed input still fails the way libsignal fails.
    assert.throws(
      () => libsignal.calculateAgreement(b.pubKey, a.privKey.subarray(0, 31)),
      /Incorrect private key length/,
    );
    assert.throws(() => libsignal.verifySignature(a.pubKey, message, forged.subarray(0, 10)), /Invalid signature/);
    assert.throws(() => libsignal.calculateSignature(a.privKey, undefined as unknown as Buffer), /Invalid message/);
  });
});
