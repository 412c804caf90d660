import { createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync } from 'node:crypto';

/** A raw X25519 key pair: 32-byte public and private keys, as WhatsApp puts them on the wire. */
export interface RawKeyPair {
  readonly public: Buffer;
  readonly private: Buffer;
}

// Fixed DER headers of the PKCS#8 / SPKI encodings of an X25519 key (OID 1.3.101.110).
const PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');

/** Strips the 0x05 type byte Signal puts in front of 32-byte public keys. */
export function rawPublicKey(key: Uint8Array): Buffer {
  const raw = key.length === 33 && key[0] === 5 ? key.subarray(1) : key;
  if (raw.length !== 32) throw new Error('x25519: public key must be 32 bytes');
  return Buffer.from(raw);
}

/** Generates a fresh X25519 key pair with node:crypto. */
export function generateX25519KeyPair(): RawKeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('x25519');
  const pkcs8 = privateKey.export({ format: 'der', type: 'pkcs8' });
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  return { public: spki.subarray(SPKI_PREFIX.length), private: pkcs8.subarray(PKCS8_PREFIX.length) };
}

/** X25519(priv, pub) for raw 32-byte keys (a 0x05-prefixed 33-byte public key is accepted). */
export function x25519(privateKey: Uint8Array, publicKey: Uint8Array): Buffer {
  if (privateKey.length !== 32) throw new Error('x25519: private key must be 32 bytes');
  const priv = createPrivateKey({
    key: Buffer.concat([PKCS8_PREFIX, privateKey]),
    format: 'der',
    type: 'pkcs8',
  });
  const pub = createPublicKey({
    key: Buffer.concat([SPKI_PREFIX, rawPublicKey(publicKey)]),
    format: 'der',
    type: 'spki',
  });
  return diffieHellman({ privateKey: priv, publicKey: pub });
}
