import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { describe, it } from 'node:test';
import { Curve } from '@whiskeysockets/baileys';
import { installRememberedSignatures, rememberingVerify } from './verified-signatures.ts';

/*
 * The memo is generic over a pure verifier. Baileys' own Curve.verify (rc14) returns true for any
 * well-formed triple (it drops libsignal's boolean), so the unit tests use a strict stand-in: an HMAC
 * keyed by the "public key", which rejects every tampered byte.
 */
const strictSign = (pub: Uint8Array, msg: Uint8Array) => createHmac('sha256', pub).update(msg).digest();
const strictVerify = (pub: Uint8Array, msg: Uint8Array, sig: Uint8Array) => {
  const expected = strictSign(pub, msg);
  return sig.length === expected.length && timingSafeEqual(expected, sig);
};

const pair = { public: Buffer.alloc(32, 7) };
const message = Buffer.from('noise certificate details');
const signature = strictSign(pair.public, message);

function counted() {
  let calls = 0;
  const verify = (pub: Uint8Array, msg: Uint8Array, sig: Uint8Array) => {
    calls++;
    return strictVerify(pub, msg, sig);
  };
  return { verify, calls: () => calls };
}

describe('rememberingVerify', () => {
  it('checks a good signature once, then answers from memory', () => {
    const inner = counted();
    const verify = rememberingVerify(inner.verify);
    assert.equal(verify(pair.public, message, signature), true);
    assert.equal(verify(pair.public, Buffer.from(message), Buffer.from(signature)), true);
    assert.equal(inner.calls(), 1);
  });

  it('never remembers a failure: tampered messages, signatures and keys are checked in full every time', () => {
    const inner = counted();
    const verify = rememberingVerify(inner.verify);
    assert.equal(verify(pair.public, message, signature), true);
    const badSignature = Buffer.from(signature);
    badSignature[10] = (badSignature[10] ?? 0) ^ 1;
    const other = { public: Buffer.alloc(32, 9) };
    for (let round = 0; round < 2; round++) {
      assert.equal(verify(pair.public, Buffer.from('other details'), signature), false);
      assert.equal(verify(pair.public, message, badSignature), false);
      assert.equal(verify(other.public, message, signature), false);
    }
    assert.equal(inner.calls(), 7);
  });

  it('is bounded: the oldest remembered signature is dropped first', () => {
    const inner = counted();
    const verify = rememberingVerify(inner.verify, 2);
    const signed = ['a', 'b', 'c'].map((text) => ({ msg: Buffer.from(text), sig: strictSign(pair.public, Buffer.from(text)) }));
    for (const { msg, sig } of signed) verify(pair.public, msg, sig);
    assert.equal(inner.calls(), 3);
    verify(pair.public, signed[2]!.msg, signed[2]!.sig);
    assert.equal(inner.calls(), 3, 'newest still remembered');
    verify(pair.public, signed[0]!.msg, signed[0]!.sig);
    assert.equal(inner.calls(), 4, 'oldest was dropped');
  });

  it('installs once over Baileys’ Curve.verify, giving the same answers as before', () => {
    const keys = Curve.generateKeyPair();
    const signed = Buffer.from(Curve.sign(keys.private, message));
    const forged = Buffer.from(signed);
    forged[5] = (forged[5] ?? 0) ^ 1;
    const original = Curve.verify;
    const before = [original(keys.public, message, signed), original(keys.public, message, forged)];
    installRememberedSignatures();
    const wrapped = Curve.verify;
    installRememberedSignatures();
    assert.notEqual(wrapped, original);
    assert.equal(Curve.verify, wrapped);
    assert.equal(before[0], true);
    for (let round = 0; round < 2; round++) {
      assert.deepEqual([Curve.verify(keys.public, message, signed), Curve.verify(keys.public, message, forged)], before);
    }
  });
});
