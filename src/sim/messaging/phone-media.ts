import { createHash } from 'node:crypto';
import type { proto } from '@whiskeysockets/baileys';
import { decryptMedia, encryptMedia, type MediaKind } from '../media/media-crypto.ts';
import type { MediaAccess } from './hub-context.ts';
import { describeMessage, type MediaReference } from './message-content.ts';
import type { ReceivedMedia } from './text-log.ts';

/** Media a phone sends: the plain bytes and what the message says about them. */
export interface PhoneMedia {
  readonly kind: MediaKind;
  readonly bytes: Uint8Array;
  readonly mimetype?: string;
  readonly caption?: string;
  /** Documents only. */
  readonly fileName?: string;
  /** Audio only: a voice note. */
  readonly ptt?: boolean;
}

const DEFAULT_MIMETYPE: Readonly<Record<MediaKind, string>> = {
  image: 'image/jpeg',
  video: 'video/mp4',
  audio: 'audio/ogg; codecs=opus',
  document: 'application/octet-stream',
  sticker: 'image/webp',
};

/** Downloads and decrypts the bytes a media reference names; throws when they cannot be opened. */
export function openMedia(media: MediaAccess | undefined, ref: MediaReference): Buffer {
  if (!media) throw new Error('the simulator runs without a media host');
  if (!ref.mediaKey?.length) throw new Error('the message has no mediaKey');
  const blob = media.download({
    ...(ref.directPath ? { directPath: ref.directPath } : {}),
    ...(ref.url ? { url: ref.url } : {}),
  });
  if (!blob) throw new Error('the media is not on the simulator media host');
  return decryptMedia(blob, ref.mediaKey, ref.kind, {
    fileEncSha256: ref.fileEncSha256 ?? null,
    fileSha256: ref.fileSha256 ?? null,
  });
}

/** What the received-message log keeps of a media message: metadata plus the opened bytes' length and hash. */
export function receivedMedia(media: MediaAccess | undefined, ref: MediaReference): ReceivedMedia {
  const { mediaKey: _key, fileSha256: _plain, fileEncSha256: _enc, ...metadata } = ref;
  try {
    const bytes = openMedia(media, ref);
    return { ...metadata, bytes: { length: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') } };
  } catch (err) {
    return { ...metadata, error: err instanceof Error ? err.message : String(err) };
  }
}

/** Re-opens the media of a logged message (the log keeps only a hash, the host keeps the blob). */
export function openLoggedMedia(
  media: MediaAccess | undefined,
  message: proto.IMessage,
): { bytes: Buffer; mimetype?: string } {
  const ref = describeMessage(message)?.media;
  if (!ref) throw new Error('the message has no media');
  return { bytes: openMedia(media, ref), ...(ref.mimetype ? { mimetype: ref.mimetype } : {}) };
}

/** Encrypts and uploads media, then builds the `…Message` a phone sends for it. */
export function buildMediaMessage(media: MediaAccess | undefined, item: PhoneMedia): proto.IMessage {
  if (!media) throw new Error('the simulator runs without a media host');
  const encrypted = encryptMedia(item.bytes, item.kind);
  const { url, directPath } = media.upload(item.kind, encrypted.blob);
  const common = {
    url,
    directPath,
    mimetype: item.mimetype ?? DEFAULT_MIMETYPE[item.kind],
    mediaKey: encrypted.mediaKey,
    fileSha256: encrypted.fileSha256,
    fileEncSha256: encrypted.fileEncSha256,
    fileLength: encrypted.fileLength,
    mediaKeyTimestamp: Math.floor(Date.now() / 1000),
  };
  const caption = item.caption ? { caption: item.caption } : {};
  switch (item.kind) {
    case 'image':
      return { imageMessage: { ...common, ...caption } };
    case 'video':
      return { videoMessage: { ...common, ...caption } };
    case 'audio':
      return { audioMessage: { ...common, ptt: item.ptt === true } };
    case 'document':
      return { documentMessage: { ...common, ...caption, fileName: item.fileName ?? 'file' } };
    case 'sticker':
      return { stickerMessage: common };
  }
}
