import { AppError } from '../errors/app-error.ts';
import type { MediaFetcher } from './media-fetch.ts';

export interface MediaSource {
  url?: string | undefined;
  base64?: string | undefined;
}

/** Media checked for form; calling it yields the bytes (downloading a URL: call it once the session is linked). */
export type PreparedMedia = () => Promise<Buffer>;

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function decodeBase64(base64: string, maxBytes: number): Buffer {
  const text = base64.replace(/^data:[^;,]+;base64,/, '').replace(/\s+/g, '');
  if (!BASE64.test(text) || text.length === 0) throw new AppError('INVALID_MESSAGE_CONTENT', 'base64 is not valid');
  if (Math.floor((text.length * 3) / 4) > maxBytes + 2)
    throw new AppError('MEDIA_TOO_LARGE', `at most ${maxBytes} bytes`);
  const data = Buffer.from(text, 'base64');
  if (data.length > maxBytes) throw new AppError('MEDIA_TOO_LARGE', `at most ${maxBytes} bytes`);
  return data;
}

/**
 * Checks a media item given as base64 or as an http(s) URL; nothing is downloaded until the returned
 * function is called.
 */
export function prepareMedia(source: MediaSource, maxBytes: number, fetcher: MediaFetcher): PreparedMedia {
  if ((source.url === undefined) === (source.base64 === undefined)) {
    throw new AppError('INVALID_MESSAGE_CONTENT', 'media needs exactly one of "url" or "base64"');
  }
  if (source.base64 !== undefined) {
    const data = decodeBase64(source.base64, maxBytes);
    return () => Promise.resolve(data);
  }
  let url: URL;
  try {
    url = new URL(source.url ?? '');
  } catch {
    throw new AppError('INVALID_MESSAGE_CONTENT', 'url is not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new AppError('INVALID_MESSAGE_CONTENT', 'url must be http or https');
  return () => fetcher.fetch(url);
}
