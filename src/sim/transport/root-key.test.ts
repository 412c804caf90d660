import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { proto } from '@whiskeysockets/baileys';
import { createServerKeys, deriveKeyPair, xeddsaSign, xeddsaVerify } from './root-key.ts';

describe('root key and certificate chain', () => {
  it('derives the same 32-byte root key from the same seed, another from another seed', () => {
    const a = createServerKeys('seed-a');
    assert.equal(a.root.public.length, 32);
    assert.equal(a.root.public.toString('hex').length, 64);
    assert.deepEqual(createServerKeys('seed-a').root.public, a.root.public);
    assert.notDeepEqual(createServerKeys('seed-b').root.public, a.root.public);
  });

  it('signs with XEdDSA that libsignal really verifies, and rejects a tampered message', () => {
    const pair = deriveKeyPair('sig', 'test');
    const message = Buffer.from('hello');
    const signature = xeddsaSign(pair.private, message);
    assert.equal(signature.length, 64);
    assert.equal(xeddsaVerify(pair.public, message, signature), true);
    assert.equal(xeddsaVerify(pair.public, Buffer.from('hellO'), signature), false);
    assert.equal(xeddsaVerify(pair.public, message, Buffer.alloc(64)), false);
  });

  it('root signs the intermediate (issuerSerial 0), the intermediate signs the leaf (the static key)', () => {
    const keys = createServerKeys('chain');
    const { leaf, intermediate } = proto.CertChain.decode(keys.certChain);
    assert.ok(leaf?.details && leaf.signature && intermediate?.details && intermediate.signature);
    const intermediateDetails = proto.CertChain.NoiseCertificate.Details.decode(intermediate.details);
    const leafDetails = proto.CertChain.NoiseCertificate.Details.decode(leaf.details);
    assert.equal(intermediateDetails.issuerSerial, 0);
    assert.ok(intermediateDetails.key);
    assert.equal(xeddsaVerify(keys.root.public, intermediate.details, intermediate.signature), true);
    assert.equal(xeddsaVerify(intermediateDetails.key, leaf.details, leaf.signature), true);
    assert.deepEqual(Buffer.from(leafDetails.key ?? []), keys.staticKey.public);
  });
});
