import { createPrivateKey, createPublicKey } from 'node:crypto';
import { proto } from '@whiskeysockets/baileys';
import * as curve from 'libsignal/src/curve.js';
import type { RawKeyPair } from '../pairing/x25519.ts';
import { sha256 } from './noise-crypto.ts';

const PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');
const SPKI_PREFIX_LENGTH = 12;
const TEN_YEARS_S = 10 * 365 * 24 * 3600;

/** Derives an X25519 key pair from a seed string and a purpose label (deterministic). */
export function deriveKeyPair(seed: string, purpose: string): RawKeyPair {
  const priv = sha256(Buffer.from(`wagate-sim:${purpose}:${seed}`));
  priv[0] = (priv[0] ?? 0) & 248;
  priv[31] = ((priv[31] ?? 0) & 127) | 64;
  const key = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, priv]), format: 'der', type: 'pkcs8' });
  const spki = createPublicKey(key).export({ format: 'der', type: 'spki' });
  return { public: Buffer.from(spki.subarray(SPKI_PREFIX_LENGTH)), private: priv };
}

/** XEdDSA signature (libsignal `calculateSignature`) with a raw 32-byte private key. */
export function xeddsaSign(privateKey: Uint8Array, message: Uint8Array): Buffer {
  return Buffer.from(curve.calculateSignature(Buffer.from(privateKey), Buffer.from(message)));
}

/** A real XEdDSA check (libsignal returns a boolean; it throws only for malformed input). */
export function xeddsaVerify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  try {
    const key = publicKey.length === 33 ? publicKey : Buffer.concat([Buffer.from([5]), publicKey]);
    return curve.verifySignature(Buffer.from(key), Buffer.from(message), Buffer.from(signature)) === true;
  } catch {
    return false;
  }
}

/** The server's key material: root (pinned by clients), intermediate, and the Noise static key (leaf). */
export interface ServerKeys {
  readonly root: RawKeyPair;
  readonly staticKey: RawKeyPair;
  /** Encoded `CertChain{leaf, intermediate}` for the ServerHello payload. */
  readonly certChain: Buffer;
}

function certificate(
  details: proto.CertChain.NoiseCertificate.IDetails,
  signer: RawKeyPair,
): proto.CertChain.INoiseCertificate {
  const encoded = proto.CertChain.NoiseCertificate.Details.encode(details).finish();
  return { details: encoded, signature: xeddsaSign(signer.private, encoded) };
}

/** Builds every server key from one seed; the root signs the intermediate (issuerSerial 0), which signs the leaf. */
export function createServerKeys(seed: string): ServerKeys {
  const root = deriveKeyPair(seed, 'root');
  const intermediate = deriveKeyPair(seed, 'intermediate');
  const staticKey = deriveKeyPair(seed, 'static');
  const notBefore = Math.floor(Date.now() / 1000) - 3600;
  const validity = { notBefore, notAfter: notBefore + TEN_YEARS_S };
  const chain = proto.CertChain.encode({
    intermediate: certificate({ serial: 1, issuerSerial: 0, key: intermediate.public, ...validity }, root),
    leaf: certificate({ serial: 2, issuerSerial: 1, key: staticKey.public, ...validity }, intermediate),
  }).finish();
  return { root, staticKey, certChain: Buffer.from(chain) };
}
