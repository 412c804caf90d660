import { createCipheriv, createDecipheriv, hkdfSync, pbkdf2, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

const pbkdf2Async = promisify(pbkdf2);

/** PBKDF2 iteration count Baileys uses for the code-derived wrapping key (2 << 16). */
export const LINK_CODE_ITERATIONS = 131072;
/** Alphabet of Baileys' generated codes (Crockford-like: no 0, I, O, U). */
export const LINK_CODE_ALPHABET = '123456789ABCDEFGHJKLMNPQRSTVWXYZ';

const BUNDLE_INFO = 'link_code_pairing_key_bundle_encryption_key';
const ADV_INFO = 'adv_secret';
const GCM_TAG_BYTES = 16;

/** Why a pairing-code step failed; `wrong-code` is what a mistyped code produces. */
export type LinkCodeFailure =
  'malformed-code' | 'malformed-node' | 'wrong-code' | 'identity-mismatch' | 'no-request' | 'busy' | 'timeout';

/** A pairing-code failure with a machine-readable reason. */
export class LinkCodeError extends Error {
  readonly reason: LinkCodeFailure;
  constructor(reason: LinkCodeFailure, message: string) {
    super(message);
    this.name = 'LinkCodeError';
    this.reason = reason;
  }
}

/**
 * What the phone does with a typed code: drop spaces and dashes (the companion shows `ABCD-EFGH`)
 * and upper-case it, as the phone's code field does. Baileys itself uses a custom code verbatim,
 * so a lower-case custom code cannot be entered on a phone either.
 */
export function normaliseLinkCode(input: string): string {
  const code = input.replace(/[\s-]/g, '').toUpperCase();
  if (!/^[0-9A-Z]{8}$/.test(code)) {
    throw new LinkCodeError('malformed-code', 'a pairing code is 8 letters or digits');
  }
  return code;
}

/** K = PBKDF2-HMAC-SHA256(code, salt, 131072, 32), run off the event loop. */
export function deriveLinkCodeKey(code: string, salt: Uint8Array): Promise<Buffer> {
  return pbkdf2Async(Buffer.from(code, 'utf8'), salt, LINK_CODE_ITERATIONS, 32, 'sha256');
}

/** Wraps a 32-byte ephemeral public key as salt(32) ‖ iv(16) ‖ AES-256-CTR(pub, K(code, salt)). */
export async function wrapEphemeralPub(publicKey: Uint8Array, code: string): Promise<Buffer> {
  const salt = randomBytes(32);
  const iv = randomBytes(16);
  const key = await deriveLinkCodeKey(code, salt);
  const cipher = createCipheriv('aes-256-ctr', key, iv);
  return Buffer.concat([salt, iv, cipher.update(publicKey), cipher.final()]);
}

/**
 * Unwraps a wrapped ephemeral public key. CTR has no integrity: a wrong code yields 32 bytes of
 * garbage here, and the mismatch only surfaces when the GCM key bundle fails to open.
 */
export async function unwrapEphemeralPub(wrapped: Uint8Array, code: string): Promise<Buffer> {
  if (wrapped.length !== 80) {
    throw new LinkCodeError('malformed-node', `wrapped ephemeral key must be 80 bytes, got ${wrapped.length}`);
  }
  const key = await deriveLinkCodeKey(code, wrapped.subarray(0, 32));
  const decipher = createDecipheriv('aes-256-ctr', key, wrapped.subarray(32, 48));
  return Buffer.concat([decipher.update(wrapped.subarray(48, 80)), decipher.final()]);
}

/** HKDF-SHA256 with a 32-byte output; an absent salt means RFC 5869's all-zero salt. */
export function hkdf32(ikm: Uint8Array, info: string, salt: Uint8Array = Buffer.alloc(32)): Buffer {
  return Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from(info, 'utf8'), 32));
}

/** The decrypted companion key bundle: companionIdentity(32) ‖ primaryIdentity(32) ‖ random(32). */
export interface KeyBundle {
  readonly companionIdentityPub: Buffer;
  readonly primaryIdentityPub: Buffer;
  readonly random: Buffer;
}

/** Opens salt(32) ‖ iv(12) ‖ AES-256-GCM(HKDF(shared, salt, bundle info)) ; fails with `wrong-code`. */
export function openKeyBundle(wrapped: Uint8Array, shared: Uint8Array): KeyBundle {
  if (wrapped.length < 32 + 12 + GCM_TAG_BYTES + 96) {
    throw new LinkCodeError('malformed-node', 'wrapped key bundle is too short');
  }
  const key = hkdf32(shared, BUNDLE_INFO, wrapped.subarray(0, 32));
  const body = wrapped.subarray(44);
  const decipher = createDecipheriv('aes-256-gcm', key, wrapped.subarray(32, 44));
  decipher.setAuthTag(body.subarray(body.length - GCM_TAG_BYTES));
  let plain: Buffer;
  try {
    plain = Buffer.concat([decipher.update(body.subarray(0, body.length - GCM_TAG_BYTES)), decipher.final()]);
  } catch {
    throw new LinkCodeError('wrong-code', 'the key bundle did not authenticate: the pairing code is wrong');
  }
  if (plain.length !== 96) throw new LinkCodeError('malformed-node', 'key bundle must hold 96 bytes');
  return {
    companionIdentityPub: plain.subarray(0, 32),
    primaryIdentityPub: plain.subarray(32, 64),
    random: plain.subarray(64, 96),
  };
}

/** advSecret = HKDF(ephemeralShared ‖ identityShared ‖ random, zero salt, "adv_secret", 32). */
export function deriveAdvSecret(ephemeralShared: Uint8Array, identityShared: Uint8Array, random: Uint8Array): Buffer {
  return hkdf32(Buffer.concat([ephemeralShared, identityShared, random]), ADV_INFO);
}
