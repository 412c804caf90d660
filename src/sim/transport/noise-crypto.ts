import { createCipheriv, createDecipheriv, createHash, hkdfSync } from 'node:crypto';

const TAG_LENGTH = 16;

/** SHA-256 of the concatenated inputs. */
export function sha256(...parts: Uint8Array[]): Buffer {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
}

/** HKDF-SHA256 with empty info, as the WhatsApp Noise flavour uses it. */
export function hkdf(ikm: Uint8Array, salt: Uint8Array, length: number): Buffer {
  return Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.alloc(0), length));
}

/** 12-byte nonce: 8 zero bytes and a big-endian uint32 counter. */
export function nonce(counter: number): Buffer {
  const iv = Buffer.alloc(12);
  iv.writeUInt32BE(counter >>> 0, 8);
  return iv;
}

/** AES-256-GCM with the 16-byte tag appended. */
export function aesGcmEncrypt(key: Uint8Array, iv: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Buffer {
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad);
  return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

/** AES-256-GCM decrypt of `ciphertext ‖ tag`; throws when authentication fails. */
export function aesGcmDecrypt(key: Uint8Array, iv: Uint8Array, aad: Uint8Array, data: Uint8Array): Buffer {
  if (data.length < TAG_LENGTH) throw new Error('noise: ciphertext shorter than its tag');
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(aad);
  decipher.setAuthTag(data.subarray(data.length - TAG_LENGTH));
  return Buffer.concat([decipher.update(data.subarray(0, data.length - TAG_LENGTH)), decipher.final()]);
}
