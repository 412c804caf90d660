import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { describe, it } from 'node:test';
import { createMediaTlsIdentity } from './media-cert.ts';

describe('media host TLS certificate', () => {
  it('is deterministic per seed and differs between seeds', () => {
    assert.equal(createMediaTlsIdentity('a').certPem, createMediaTlsIdentity('a').certPem);
    assert.notEqual(createMediaTlsIdentity('a').certPem, createMediaTlsIdentity('b').certPem);
  });

  it('is a valid self-signed end-entity certificate for 127.0.0.1 and localhost only', () => {
    const cert = new X509Certificate(createMediaTlsIdentity('cert-test').certPem);
    assert.equal(cert.verify(cert.publicKey), true);
    assert.equal(cert.ca, false, 'it must not be able to vouch for other certificates');
    assert.equal(cert.checkIP('127.0.0.1'), '127.0.0.1');
    assert.equal(cert.checkHost('localhost'), 'localhost');
    assert.equal(cert.checkHost('mmg.whatsapp.net'), undefined);
    assert.equal(cert.publicKey.asymmetricKeyType, 'ed25519');
    assert.ok(new Date(cert.validTo) > new Date('2049-01-01'));
  });
});
