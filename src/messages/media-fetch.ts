import type { IncomingMessage } from 'node:http';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { AppError } from '../errors/app-error.ts';
import { Semaphore } from '../sessions/semaphore.ts';
import { assertLiteralAllowed, guardedLookup, type AddressPolicy } from '../shared/outbound-address.ts';
import { classifyTransportError } from '../shared/transport-failure.ts';

export interface MediaFetchOptions extends AddressPolicy {
  maxBytes: number;
  /** Whole download, every hop included (default 30 s). A body that stalls is cut off by it. */
  timeoutMs?: number;
  /** Downloads at once, over all sessions (default 8). */
  maxConcurrent?: number;
  /** How long a download waits for a free slot before the request is answered 429 (default 10 s). */
  queueWaitMs?: number;
  /** Redirects followed, each re-checked (default 5). */
  maxRedirects?: number;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

type Hop = { kind: 'redirect'; location: string } | { kind: 'body'; data: Buffer };

const fetchFailed = (detail: string): AppError => new AppError('MEDIA_FETCH_FAILED', detail);

/**
 * Downloads media URLs for outgoing messages without letting a client reach the gateway's own network:
 * every hop's host is checked and connected to by the checked address (see shared/outbound-address.ts),
 * redirects are capped, bodies are capped while they arrive, and every failure is a 4xx.
 */
export class MediaFetcher {
  readonly #o: MediaFetchOptions;
  readonly #slots: Semaphore;
  readonly #lookup: ReturnType<typeof guardedLookup>;

  constructor(options: MediaFetchOptions) {
    this.#o = options;
    this.#slots = new Semaphore(options.maxConcurrent ?? 8);
    this.#lookup = guardedLookup(options);
  }

  async fetch(url: URL): Promise<Buffer> {
    const release = await this.#slot();
    const signal = AbortSignal.timeout(this.#o.timeoutMs ?? 30_000);
    try {
      let target = url;
      for (let hop = 0; ; hop++) {
        const result = await this.#hop(target, signal);
        if (result.kind === 'body') return result.data;
        if (hop >= (this.#o.maxRedirects ?? 5)) throw fetchFailed('too many redirects');
        target = nextTarget(target, result.location);
      }
    } finally {
      release();
    }
  }

  async #slot(): Promise<() => void> {
    const waitMs = this.#o.queueWaitMs ?? 10_000;
    const acquired = this.#slots.acquire();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), waitMs)));
    const release = await Promise.race([acquired, timedOut]);
    clearTimeout(timer);
    if (release) return release;
    // The slot still arrives later; hand it straight back.
    void acquired.then((late) => late());
    throw new AppError('MEDIA_FETCHES_BUSY', 'too many media downloads at once; retry shortly');
  }

  async #hop(url: URL, signal: AbortSignal): Promise<Hop> {
    try {
      assertLiteralAllowed(url.hostname, this.#o);
    } catch {
      throw refused(url);
    }
    const response = await this.#request(url, signal);
    const status = response.statusCode ?? 0;
    if (REDIRECTS.has(status) && response.headers.location) {
      response.resume();
      return { kind: 'redirect', location: response.headers.location };
    }
    if (status < 200 || status > 299) {
      response.resume();
      throw fetchFailed(`the media URL answered ${status}`);
    }
    return { kind: 'body', data: await this.#readCapped(response, signal) };
  }

  #request(url: URL, signal: AbortSignal): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const secure = url.protocol === 'https:';
      const request = (secure ? httpsRequest : httpRequest)(url, {
        method: 'GET',
        agent: false,
        lookup: this.#lookup,
        signal,
        headers: { 'user-agent': 'wagate-media', accept: '*/*' },
      });
      request.once('response', resolve);
      request.once('error', (err) => {
        const failure = classifyTransportError(signal.aborted ? signal.reason : err);
        reject(
          failure === 'blocked_address' ? refused(url) : fetchFailed(`the media URL could not be reached (${failure})`),
        );
      });
      request.end();
    });
  }

  async #readCapped(response: IncomingMessage, signal: AbortSignal): Promise<Buffer> {
    const { maxBytes } = this.#o;
    const declared = Number(response.headers['content-length'] ?? '0');
    if (declared > maxBytes) {
      response.destroy();
      throw new AppError('MEDIA_TOO_LARGE', `at most ${maxBytes} bytes`);
    }
    const chunks: Buffer[] = [];
    let total = 0;
    try {
      for await (const chunk of response as AsyncIterable<Buffer>) {
        total += chunk.byteLength;
        if (total > maxBytes) {
          response.destroy();
          throw new AppError('MEDIA_TOO_LARGE', `at most ${maxBytes} bytes`);
        }
        chunks.push(chunk);
      }
    } catch (err) {
      if (err instanceof AppError) throw err;
      const failure = signal.aborted ? 'timeout' : classifyTransportError(err);
      throw fetchFailed(`the media body broke off (${failure})`);
    }
    // A connection closed before the declared length is a broken body, not a short file.
    if (!response.complete) throw fetchFailed('the media body broke off (connection_reset)');
    return Buffer.concat(chunks);
  }
}

function refused(url: URL): AppError {
  return new AppError('MEDIA_URL_FORBIDDEN', `${url.hostname} is a private or reserved address`);
}

function nextTarget(from: URL, location: string): URL {
  let next: URL;
  try {
    next = new URL(location, from);
  } catch {
    throw fetchFailed('the media URL redirected to an invalid URL');
  }
  if (next.protocol !== 'http:' && next.protocol !== 'https:')
    throw fetchFailed('the media URL redirected outside http(s)');
  return next;
}
