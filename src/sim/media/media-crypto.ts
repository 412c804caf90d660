import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';

/** Media kinds a phone sends and receives; each has its own HKDF info string. */
export type MediaKind = 'image' | 'video' | 'audio' | 'document' | 'sticker';

export const MEDIA_KINDS: readonly MediaKind[] = ['image', 'video', 'audio', 'document', 'sticker'];

// WhatsApp derives media keys with "WhatsApp <Type> Keys"; stickers use the image keys, voice notes the audio keys.
const HKDF_INFO: Readonly<Record<MediaKind, string>> = {
  image: 'WhatsApp Image Keys',
  video: 'WhatsApp Video Keys',
  audio: 'WhatsApp Audio Keys',
  document: 'WhatsApp Document Keys',
  sticker: 'WhatsApp Image Keys',
};

/** The WhatsApp media MAC is HMAC-SHA256 truncated to 10 bytes and appended to the ciphertext. */
const MAC_LENGTH = 10;

/** iv, AES-256-CBC key and HMAC key expanded from a 32-byte media key. */
export function mediaKeys(mediaKey: Uint8Array, kind: MediaKind): { iv: Buffer; cipherKey: Buffer; macKey: Buffer } {
  const expanded = Buffer.from(hkdfSync('sha256', mediaKey, Buffer.alloc(0), HKDF_INFO[kind], 112));
  return { iv: expanded.subarray(0, 16), cipherKey: expanded.subarray(16, 48), macKey: expanded.subarray(48, 80) };
}

const sha256 = (bytes: Uint8Array): Buffer => createHash('sha256').update(bytes).digest();

/** Encrypted media and the hashes a media message carries. */
export interface EncryptedMedia {
  readonly mediaKey: Buffer;
  /** AES-CBC ciphertext ‖ 10-byte MAC: the bytes the media host stores. */
  readonly blob: Buffer;
  readonly fileSha256: Buffer;
  readonly fileEncSha256: Buffer;
  readonly fileLength: number;
}

/** Encrypts media the way a WhatsApp client does before uploading it. */
export function encryptMedia(plain: Uint8Array, kind: MediaKind, mediaKey: Buffer = randomBytes(32)): EncryptedMedia {
  const { iv, cipherKey, macKey } = mediaKeys(mediaKey, kind);
  const cipher = createCipheriv('aes-256-cbc', cipherKey, iv);
  const enc = Buffer.concat([cipher.update(plain), cipher.final()]);
  const mac = createHmac('sha256', macKey).update(iv).update(enc).digest().subarray(0, MAC_LENGTH);
  const blob = Buffer.concat([enc, mac]);
  return { mediaKey, blob, fileSha256: sha256(plain), fileEncSha256: sha256(blob), fileLength: plain.length };
}

/** Hashes a media message announces; a download is checked against the ones present. */
export interface MediaExpectation {
  readonly fileEncSha256?: Uint8Array | null;
  readonly fileSha256?: Uint8Array | null;
}

/** Why a download was rejected. */
export class MediaIntegrityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MediaIntegrityError';
  }
}

const same = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && timingSafeEqual(a, b);

/** Checks the MAC (and the announced hashes), then decrypts; throws MediaIntegrityError on any mismatch. */
export function decryptMedia(
  blob: Uint8Array,
  mediaKey: Uint8Array,
  kind: MediaKind,
  expect: MediaExpectation = {},
): Buffer {
  if (blob.length < MAC_LENGTH + 16) throw new MediaIntegrityError('media blob is too short');
  if (expect.fileEncSha256?.length && !same(sha256(blob), expect.fileEncSha256)) {
    throw new MediaIntegrityError('fileEncSha256 does not match the downloaded blob');
  }
  const { iv, cipherKey, macKey } = mediaKeys(mediaKey, kind);
  const enc = blob.subarray(0, blob.length - MAC_LENGTH);
  const mac = createHmac('sha256', macKey).update(iv).update(enc).digest().subarray(0, MAC_LENGTH);
  if (!same(mac, blob.subarray(blob.length - MAC_LENGTH))) throw new MediaIntegrityError('media MAC does not match');
  const decipher = createDecipheriv('aes-256-cbc', cipherKey, iv);
  const plain = Buffer.concat([decipher.update(enc), decipher.final()]);
  if (expect.fileSha256?.length && !same(sha256(plain), expect.fileSha256)) {
    throw new MediaIntegrityError('fileSha256 does not match the decrypted bytes');
  }
  return plain;
}
