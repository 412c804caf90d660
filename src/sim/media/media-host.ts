import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { createMediaTlsIdentity } from './media-cert.ts';
import type { MediaKind } from './media-crypto.ts';
import { createMediaStore, type MediaStore, type StoredMedia } from './media-store.ts';

/** Options of startMediaHost. */
export interface MediaHostOptions {
  /** The simulator seed; the TLS certificate is derived from it, so it can be pinned. */
  readonly seed: string;
  readonly logger: Logger;
  /** Port on 127.0.0.1; 0 (the default) picks a free one. */
  readonly port?: number;
  /** Largest accepted upload (`maxContentLengthBytes` in media_conn). */
  readonly maxUploadBytes?: number;
  readonly maxStoreBytes?: number;
}

/** The simulator's stand-in for mmg.whatsapp.net: HTTPS uploads and downloads of encrypted media. */
export interface MediaHost {
  readonly port: number;
  /** `127.0.0.1:PORT`: the hostname media_conn announces; Baileys builds `https://HOST/mms/…`. */
  readonly host: string;
  /** `https://127.0.0.1:PORT` */
  readonly origin: string;
  /** The self-signed certificate a client must trust (deterministic from the seed). */
  readonly caPem: string;
  /** The `auth` token media_conn hands out; uploads must carry it. */
  readonly auth: string;
  readonly maxUploadBytes: number;
  readonly store: MediaStore;
  /** Stores an encrypted blob as an upload would; returns WhatsApp's `url` and `direct_path`. */
  upload(kind: MediaKind, blob: Buffer): { url: string; directPath: string };
  /** The blob a message's `directPath` (or `url`) names, if this host holds it. */
  find(ref: { readonly directPath?: string | null; readonly url?: string | null }): StoredMedia | undefined;
  stop(): Promise<void>;
}

// Baileys' MEDIA_PATH_MAP: stickers and link thumbnails upload under /mms/image.
const UPLOAD_KINDS: Readonly<Record<string, MediaKind>> = {
  image: 'image',
  video: 'video',
  audio: 'audio',
  document: 'document',
};

const json = (res: ServerResponse, status: number, body: unknown): void => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > limit) return undefined;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** Starts the media host on its own HTTPS listener (Baileys hard-codes `https://` for media). */
export async function startMediaHost(options: MediaHostOptions): Promise<MediaHost> {
  const tls = createMediaTlsIdentity(options.seed);
  const store = createMediaStore(options.maxStoreBytes);
  const auth = randomBytes(24).toString('base64url');
  const maxUploadBytes = options.maxUploadBytes ?? 64 * 1024 * 1024;
  let origin = '';
  const upload = (kind: MediaKind, blob: Buffer): { url: string; directPath: string } => {
    const directPath = store.put(kind, blob);
    return { directPath, url: `${origin}${directPath}&mms3=true` };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', origin);
    const [, area, type, token] = url.pathname.split('/');
    if (req.method === 'POST' && area === 'mms' && type && token) {
      const kind = UPLOAD_KINDS[type];
      if (!kind) return json(res, 404, { error: `unknown media type ${type}` });
      if (url.searchParams.get('auth') !== auth) return json(res, 401, { error: 'bad auth' });
      const blob = await readBody(req, maxUploadBytes);
      if (!blob) return json(res, 413, { error: 'too large' });
      // The path token is the base64url fileEncSha256 of the body (Baileys' encodeBase64EncodedStringForUpload).
      if (createHash('sha256').update(blob).digest('base64url') !== token)
        return json(res, 400, { error: 'hash mismatch' });
      const { url: mediaUrl, directPath } = upload(kind, blob);
      return json(res, 200, { url: mediaUrl, direct_path: directPath });
    }
    if ((req.method === 'GET' || req.method === 'HEAD') && area === 'v') {
      const found = store.get(url.pathname);
      if (!found) return json(res, 404, { error: 'not found' });
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(found.blob.length) });
      res.end(req.method === 'HEAD' ? undefined : found.blob);
      return;
    }
    json(res, 404, { error: 'not found' });
  };

  const server: Server = createServer({ key: tls.keyPem, cert: tls.certPem }, (req, res) => {
    handle(req, res).catch((err: unknown) => {
      options.logger.warn({ err }, 'sim media host request failed');
      if (!res.headersSent) json(res, 500, { error: 'internal' });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  origin = `https://127.0.0.1:${port}`;
  return {
    port,
    host: `127.0.0.1:${port}`,
    origin,
    caPem: tls.certPem,
    auth,
    maxUploadBytes,
    store,
    upload,
    find(ref) {
      if (ref.directPath) return store.get(ref.directPath);
      if (!ref.url?.startsWith(`${origin}/`)) return undefined;
      return store.get(new URL(ref.url).pathname);
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
