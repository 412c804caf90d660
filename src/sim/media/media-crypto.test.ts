import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile, unlink } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { encryptedStream, getMediaKeys } from '@whiskeysockets/baileys';
import { decryptMedia, encryptMedia, MEDIA_KINDS, MediaIntegrityError, mediaKeys } from './media-crypto.ts';

describe('media crypto (HKDF → AES-256-CBC + truncated HMAC), checked against Baileys', () => {
  it('derives the same iv, cipher key and MAC key as Baileys for every kind', async () => {
    const key = randomBytes(32);
    for (const kind of MEDIA_KINDS) {
      const ours = mediaKeys(key, kind);
      const theirs = await getMediaKeys(key, kind);
      const hex = (b: Uint8Array | undefined): string => Buffer.from(b ?? []).toString('hex');
      assert.deepEqual(
        [ours.iv, ours.cipherKey, ours.macKey].map(hex),
        [theirs.iv, theirs.cipherKey, theirs.macKey].map(hex),
        kind,
      );
    }
  });

  it('opens what Baileys encrypted, and Baileys-style hashes match ours', async () => {
    const plain = randomBytes(70_001);
    const enc = await encryptedStream(plain, 'document');
    try {
      const blob = await readFile(enc.encFilePath);
      const opened = decryptMedia(blob, enc.mediaKey, 'document', {
        fileEncSha256: enc.fileEncSha256,
        fileSha256: enc.fileSha256,
      });
      assert.deepEqual(opened, plain);
      const ours = encryptMedia(plain, 'document', enc.mediaKey);
      assert.deepEqual(ours.blob, blob, 'same key, same bytes: CBC with the derived iv is deterministic');
      assert.deepEqual(
        [ours.fileSha256, ours.fileEncSha256, ours.fileLength],
        [enc.fileSha256, enc.fileEncSha256, enc.fileLength],
      );
    } finally {
      await unlink(enc.encFilePath);
    }
  });

  it('rejects a flipped ciphertext bit, a wrong kind, and announced hashes that do not match', () => {
    const media = encryptMedia(randomBytes(100), 'image');
    const flipped = Buffer.from(media.blob);
    flipped[5] = (flipped[5] ?? 0) ^ 1;
    assert.throws(() => decryptMedia(flipped, media.mediaKey, 'image'), /MAC does not match/);
    assert.throws(() => decryptMedia(media.blob, media.mediaKey, 'video'), MediaIntegrityError);
    assert.throws(
      () => decryptMedia(media.blob, media.mediaKey, 'image', { fileEncSha256: randomBytes(32) }),
      /fileEncSha256/,
    );
    assert.throws(
      () => decryptMedia(media.blob, media.mediaKey, 'image', { fileSha256: randomBytes(32) }),
      /fileSha256/,
    );
    assert.throws(() => decryptMedia(Buffer.alloc(12), media.mediaKey, 'image'), /too short/);
  });
});
