import { createPrivateKey, createPublicKey, type KeyObject, sign } from 'node:crypto';
import { sha256 } from '../transport/noise-crypto.ts';
import {
  bitString,
  boolean,
  explicit,
  objectId,
  octetString,
  sequence,
  set,
  tlv,
  unsignedInteger,
  utcTime,
  utf8String,
} from './der.ts';

/** The media host's TLS identity: one self-signed end-entity certificate that is also the trust anchor. */
export interface MediaTlsIdentity {
  /** PEM certificate; a client trusts the media host by adding exactly this as a CA. */
  readonly certPem: string;
  /** PEM PKCS#8 private key, for the HTTPS listener only. */
  readonly keyPem: string;
}

const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const ED25519 = sequence(objectId('1.3.101.112'));
// Fixed validity, so the same seed always yields byte-identical certificates (Ed25519 signatures are deterministic).
const NOT_BEFORE = new Date('2024-01-01T00:00:00Z');
const NOT_AFTER = new Date('2049-12-31T23:59:59Z');

const extension = (oid: string, critical: boolean, value: Uint8Array): Buffer =>
  sequence(objectId(oid), ...(critical ? [boolean(true)] : []), octetString(value));

function tbsCertificate(serial: Buffer, publicKey: KeyObject): Buffer {
  const name = sequence(set(sequence(objectId('2.5.4.3'), utf8String('wagate simulator media host'))));
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  // SAN: dNSName "localhost" ([2]) and iPAddress 127.0.0.1 ([7]); Node checks the IP against the URL host.
  const subjectAltName = sequence(tlv(0x82, Buffer.from('localhost', 'ascii')), tlv(0x87, Buffer.from([127, 0, 0, 1])));
  const extensions = sequence(
    // CA:FALSE and digitalSignature only: trusting it trusts this one key for loopback and cannot
    // vouch for any other certificate, even though the key is derivable from a (public) seed.
    extension('2.5.29.19', true, sequence()),
    extension('2.5.29.15', true, bitString(Buffer.from([0x80]), 7)),
    extension('2.5.29.17', false, subjectAltName),
    extension('2.5.29.14', false, octetString(sha256(spki).subarray(0, 20))),
  );
  return sequence(
    explicit(0, unsignedInteger(Buffer.from([2]))),
    unsignedInteger(serial),
    ED25519,
    name,
    sequence(utcTime(NOT_BEFORE), utcTime(NOT_AFTER)),
    name,
    spki,
    explicit(3, extensions),
  );
}

const pem = (label: string, der: Buffer): string =>
  `-----BEGIN ${label}-----\n${
    der
      .toString('base64')
      .match(/.{1,64}/g)
      ?.join('\n') ?? ''
  }\n-----END ${label}-----\n`;

/** Derives the media host's Ed25519 key and self-signed certificate from the simulator seed. */
export function createMediaTlsIdentity(seed: string): MediaTlsIdentity {
  const privateSeed = sha256(Buffer.from(`wagate-sim:media-tls:${seed}`));
  const privateKey = createPrivateKey({
    key: Buffer.concat([ED25519_PKCS8_PREFIX, privateSeed]),
    format: 'der',
    type: 'pkcs8',
  });
  const serial = sha256(Buffer.from(`wagate-sim:media-serial:${seed}`)).subarray(0, 16);
  const tbs = tbsCertificate(serial, createPublicKey(privateKey));
  const certificate = sequence(tbs, ED25519, bitString(sign(null, tbs, privateKey)));
  return {
    certPem: pem('CERTIFICATE', certificate),
    keyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
  };
}
