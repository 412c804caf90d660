import { randomBytes } from 'node:crypto';
import type { MediaKind } from './media-crypto.ts';

/** One uploaded, still encrypted, media object. */
export interface StoredMedia {
  readonly kind: MediaKind;
  readonly blob: Buffer;
}

/** Encrypted blobs by direct path, bounded by total size (oldest evicted first). */
export interface MediaStore {
  /** Stores a blob; returns its direct path (`/v/t62.7118-24/…enc?ccb=…`, like WhatsApp's). */
  put(kind: MediaKind, blob: Buffer): string;
  /** The blob behind a direct path or URL path (the query is ignored). */
  get(pathOrDirectPath: string): StoredMedia | undefined;
  readonly size: number;
  readonly bytes: number;
}

/** Default cap: enough for any test, small enough that a long-running sandbox stays bounded. */
export const DEFAULT_MEDIA_STORE_BYTES = 256 * 1024 * 1024;

const pathname = (path: string): string => path.split('?')[0] ?? path;

/** Creates an empty store holding at most `maxBytes` of blobs. */
export function createMediaStore(maxBytes = DEFAULT_MEDIA_STORE_BYTES): MediaStore {
  const blobs = new Map<string, StoredMedia>();
  let bytes = 0;
  return {
    put(kind, blob) {
      const name = `${randomBytes(12).toString('hex')}_n.enc`;
      const key = `/v/t62.7118-24/${name}`;
      blobs.set(key, { kind, blob });
      bytes += blob.length;
      for (const [oldKey, old] of blobs) {
        if (bytes <= maxBytes || oldKey === key) break;
        blobs.delete(oldKey);
        bytes -= old.blob.length;
      }
      // WhatsApp's direct paths carry cache and expiry parameters; clients keep them verbatim.
      return `${key}?ccb=11-4&oh=01_sim&oe=${Math.floor(Date.now() / 1000 + 30 * 86_400).toString(16)}&_nc_sid=5e03e0`;
    },
    get: (path) => blobs.get(pathname(path)),
    get size() {
      return blobs.size;
    },
    get bytes() {
      return bytes;
    },
  };
}
