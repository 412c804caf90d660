import { createRequire } from 'node:module';
import { Curve } from '@whiskeysockets/baileys';
import { calculateAgreement, calculateSignature, verifySignature } from 'whatsapp-rust-bridge';

/*
 * Curve25519 for Baileys and libsignal, computed by whatsapp-rust-bridge (Rust compiled to
 * WebAssembly, shipped inside its npm package and already loaded by Baileys 7 for hkdf/md5).
 *
 * Why. Out of the box every X25519 agreement goes through node:crypto with keys wrapped in DER, and
 * OpenSSL 3 parses each private key through its provider decoders: about 0.8 ms per agreement, three
 * per Noise handshake. XEdDSA signatures are checked and made in pure JavaScript (curve25519-js):
 * about 9 ms each. The wasm versions take about 0.09 ms (agreement), 0.16 ms (verify) and 0.13 ms
 * (sign) on the same machine, and give the same agreements and interoperable signatures (tested).
 * Together they were a third of the CPU of restoring sessions after a restart.
 *
 * What changes. Baileys' `Curve.sharedKey`, `Curve.sign` and `Curve.verify` (mutable properties of an
 * exported object, looked up at every call) and the same three operations in libsignal's curve
 * module (a CommonJS exports object that session_builder and session_cipher call through). libsignal's
 * argument checks and its quirks are kept (it skips the check when `isInit` is set). Baileys rc14's
 * own `Curve.verify` drops libsignal's answer and returns true for any well-formed signature; this one
 * returns the real answer, so a forged server certificate or account signature is rejected.
 */

type Bytes = Uint8Array;

interface LibsignalCurve {
  calculateAgreement(pubKey: Buffer, privKey: Buffer): Buffer;
  calculateSignature(privKey: Buffer, message: Buffer): Buffer;
  verifySignature(pubKey: Buffer, message: Buffer, signature: Buffer, isInit?: boolean): boolean;
}

/** Signal's public key form: the 32-byte key behind a 0x05 type byte. */
const KEY_TYPE = 5;

const signalPublicKey = (publicKey: Bytes): Bytes =>
  publicKey.length === 33 ? publicKey : Buffer.concat([Buffer.of(KEY_TYPE), publicKey]);

/** X25519 agreement; the public key with or without its type byte. */
export function sharedKey(privateKey: Bytes, publicKey: Bytes): Buffer<ArrayBuffer> {
  return Buffer.from(calculateAgreement(signalPublicKey(publicKey), privateKey));
}

/** XEdDSA signature with a Curve25519 private key. */
export function sign(privateKey: Bytes, message: Bytes): Buffer<ArrayBuffer> {
  return Buffer.from(calculateSignature(privateKey, message));
}

/** True only when `signature` is a valid XEdDSA signature of `message` by `publicKey`. */
export function verify(publicKey: Bytes, message: Bytes, signature: Bytes): boolean {
  if (publicKey.length !== 32 && !(publicKey.length === 33 && publicKey[0] === KEY_TYPE)) return false;
  if (signature.length !== 64) return false;
  try {
    return verifySignature(signalPublicKey(publicKey), message, signature);
  } catch {
    return false;
  }
}

let installed = false;

/** Routes Baileys' and libsignal's Curve25519 operations to the wasm versions, once per process. */
export function installWasmCurve25519(): void {
  if (installed) return;
  installed = true;
  Curve.sharedKey = sharedKey;
  Curve.sign = sign;
  Curve.verify = verify;

  const libsignal = createRequire(import.meta.url)('libsignal/src/curve.js') as LibsignalCurve;
  const original = { ...libsignal };
  // Well-formed input takes the wasm path; anything else goes to libsignal's original, which throws
  // its own errors (or, for `isInit`, answers without arithmetic), so its contract is unchanged.
  libsignal.calculateAgreement = (pubKey, privKey) =>
    isSignalPublicKey(pubKey) && isPrivateKey(privKey)
      ? sharedKey(privKey, pubKey)
      : original.calculateAgreement(pubKey, privKey);
  libsignal.calculateSignature = (privKey, message) =>
    isPrivateKey(privKey) && message instanceof Uint8Array
      ? sign(privKey, message)
      : original.calculateSignature(privKey, message);
  libsignal.verifySignature = (pubKey, message, signature, isInit) =>
    !isInit &&
    isSignalPublicKey(pubKey) &&
    message instanceof Uint8Array &&
    signature instanceof Uint8Array &&
    signature.byteLength === 64
      ? verify(pubKey, message, signature)
      : original.verifySignature(pubKey, message, signature, isInit);
}

const isSignalPublicKey = (key: unknown): key is Buffer =>
  key instanceof Buffer && key.byteLength === 33 && key[0] === KEY_TYPE;
const isPrivateKey = (key: unknown): key is Buffer => key instanceof Buffer && key.byteLength === 32;
