import { AppError } from '../errors/app-error.ts';

export interface MediaSource {
  url?: string | undefined;
  base64?: string | undefined;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const FETCH_TIMEOUT_MS = 30_000;

/** Reads a body into memory, refusing as soon as it passes `maxBytes`. */
async function readCapped(response: Response, maxBytes: number): Promise<Buffer> {
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > maxBytes) throw new AppError('MEDIA_TOO_LARGE', `at most ${maxBytes} bytes`);
  const chunks: Buffer[] = [];
  let total = 0;
  if (!response.body) return Buffer.alloc(0);
  for await (const chunk of response.body) {
    total += chunk.byteLength;
    if (total > maxBytes) throw new AppError('MEDIA_TOO_LARGE', `at most ${maxBytes} bytes`);
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

/** The bytes of a media item given as base64 or as an http(s) URL the gateway downloads. */
export async function loadMedia(source: MediaSource, maxBytes: number): Promise<Buffer> {
  if ((source.url === undefined) === (source.base64 === undefined)) {
    throw new AppError('INVALID_MESSAGE_CONTENT', 'media needs exactly one of "url" or "base64"');
  }
  if (source.base64 !== undefined) {
    const text = source.base64.replace(/^data:[^;,]+;base64,/, '').replace(/\s+/g, '');
    if (!BASE64.test(text) || text.length === 0) throw new AppError('INVALID_MESSAGE_CONTENT', 'base64 is not valid');
    if (Math.floor((text.length * 3) / 4) > maxBytes + 2) throw new AppError('MEDIA_TOO_LARGE', `at most ${maxBytes} bytes`);
    const data = Buffer.from(text, 'base64');
    if (data.length > maxBytes) throw new AppError('MEDIA_TOO_LARGE', `at most ${maxBytes} bytes`);
    return data;
  }
  let url: URL;
  try {
    url = new URL(source.url ?? '');
  } catch {
    throw new AppError('INVALID_MESSAGE_CONTENT', 'url is not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new AppError('INVALID_MESSAGE_CONTENT', 'url must be http or https');
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), redirect: 'follow' });
  } catch (err) {
    throw new AppError('MEDIA_FETCH_FAILED', 'the media URL could not be reached', { cause: err });
  }
  if (!response.ok) throw new AppError('MEDIA_FETCH_FAILED', `the media URL answered ${response.status}`);
  return readCapped(response, maxBytes);
}
