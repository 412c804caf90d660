import { createCipheriv, createDecipheriv, createHash, randomFillSync } from 'node:crypto';

/** Sealed text: `wgc1:` + the key's fingerprint + `:` + base64(iv ‖ tag ‖ ciphertext). Base64 and JSON never contain it. */
const PREFIX = 'wgc1:';
export const SEALED_PREFIX = PREFIX;
/** The start of every value sealed with the key `keyId`. */
export const sealedPrefix = (keyId: string): string => `${PREFIX}${keyId}:`;
const FINGERPRINT_CHARS = 16;
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const ENCRYPTION_KEY_BYTES = 32;

/** A key's public name: the first 8 bytes of SHA-256 over a label and the key, in hex. Safe to log. */
export const keyFingerprint = (key: Buffer): string =>
  createHash('sha256').update('wagate-row-key\0').update(key).digest('hex').slice(0, FINGERPRINT_CHARS);

/** Thrown when a sealed value names a key this cipher does not hold, or fails authentication. */
export class RowCipherError extends Error {
  override readonly name = 'RowCipherError';
}

/**
 * AES-256-GCM for the secret columns (auth state, stored messages, webhook secrets, event payloads),
 * the one place rows are sealed and opened. `aad` is the row's identity (table and key columns), so a
 * ciphertext copied into another row fails authentication. Each seal draws a random 96-bit IV. It seals
 * with its primary key and opens with any key it holds (two during a rotation).
 */
export interface RowCipher {
  /** The fingerprint of the key new values are sealed with. */
  readonly keyId: string;
  seal(aad: string, plaintext: string): string;
  open(aad: string, stored: string): string;
  /** The fingerprint in a sealed value, or undefined for a value that is not sealed (an old plaintext row). */
  sealedWith(stored: string): string | undefined;
  /** A cipher with the same keys that seals with `keyId` (which it must hold). */
  sealingWith(keyId: string): RowCipher;
  /** A cipher that can also open values sealed with `key`. */
  alsoOpening(key: Buffer): RowCipher;
}

/** The row identity used as associated data: parts joined by NUL, which no key column holds. */
export const rowIdentity = (...parts: readonly string[]): string => parts.join('\0');

/*
 * Fast path: IVs are cut from a pool of CSPRNG bytes rather than drawn one `randomBytes(12)` at a time.
 * On this project's machines each `randomBytes` call costs ~7 µs whatever its size (19 µs under load),
 * and a sent text seals about five values; one fill of 6 KiB costs about as much as seven single calls and
 * serves 512 IVs. Every IV is still fresh CSPRNG output, used once and never handed out twice.
 */
const IV_POOL_BYTES = IV_BYTES * 512;
let ivPool = Buffer.alloc(0);
let ivOffset = 0;
function nextIv(): Buffer {
  if (ivOffset + IV_BYTES > ivPool.length) {
    ivPool = randomFillSync(Buffer.allocUnsafe(IV_POOL_BYTES));
    ivOffset = 0;
  }
  const iv = ivPool.subarray(ivOffset, ivOffset + IV_BYTES);
  ivOffset += IV_BYTES;
  return iv;
}

export function createRowCipher(primary: Buffer, others: readonly Buffer[] = []): RowCipher {
  if (primary.length !== ENCRYPTION_KEY_BYTES) throw new RowCipherError('an encryption key must be 32 bytes');
  const keys = new Map<string, Buffer>();
  for (const key of [primary, ...others]) keys.set(keyFingerprint(key), key);
  return cipherOver(keys, keyFingerprint(primary));
}

function cipherOver(keys: ReadonlyMap<string, Buffer>, keyId: string): RowCipher {
  const sealKey = keys.get(keyId);
  if (!sealKey) throw new RowCipherError(`no key with fingerprint ${keyId}`);
  const head = `${PREFIX}${keyId}:`;
  const cipher: RowCipher = {
    keyId,
    seal(aad, plaintext) {
      const iv = nextIv();
      const gcm = createCipheriv('aes-256-gcm', sealKey, iv);
      gcm.setAAD(Buffer.from(aad, 'utf8'));
      const body = Buffer.concat([gcm.update(plaintext, 'utf8'), gcm.final()]);
      return head + Buffer.concat([iv, gcm.getAuthTag(), body]).toString('base64');
    },
    open(aad, stored) {
      const id = cipher.sealedWith(stored);
      if (id === undefined) throw new RowCipherError('the value is not sealed');
      const key = keys.get(id);
      if (!key) throw new RowCipherError(`the value is sealed with key ${id}, which is not configured`);
      const bytes = Buffer.from(stored.slice(PREFIX.length + FINGERPRINT_CHARS + 1), 'base64');
      const gcm = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES));
      gcm.setAAD(Buffer.from(aad, 'utf8'));
      gcm.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      try {
        return Buffer.concat([gcm.update(bytes.subarray(IV_BYTES + TAG_BYTES)), gcm.final()]).toString('utf8');
      } catch {
        throw new RowCipherError(`a value sealed with key ${id} failed authentication (tampered or moved)`);
      }
    },
    sealedWith(stored) {
      if (!stored.startsWith(PREFIX) || stored.charCodeAt(PREFIX.length + FINGERPRINT_CHARS) !== 58) return undefined;
      return stored.slice(PREFIX.length, PREFIX.length + FINGERPRINT_CHARS);
    },
    sealingWith: (id) => cipherOver(keys, id),
    alsoOpening(key) {
      const more = new Map(keys);
      more.set(keyFingerprint(key), key);
      return cipherOver(more, keyId);
    },
  };
  return cipher;
}
