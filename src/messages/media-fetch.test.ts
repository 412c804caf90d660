import assert from 'node:assert/strict';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { isPublicAddress } from '../shared/outbound-address.ts';
import { MediaFetcher, type MediaFetchOptions } from './media-fetch.ts';

async function listen(host: string, handler: RequestListener): Promise<{ server: Server; port: number }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

const codeOf = async (promise: Promise<unknown>): Promise<string> => {
  try {
    await promise;
    return 'fetched';
  } catch (err) {
    return (err as { code?: string }).code ?? String(err);
  }
};

/**
 * The fetcher against real sockets. "Public" here is a stand-in: a made-up name resolves (through the
 * resolver seam) to 127.0.0.2, and the checker is told that this one address is public; 127.0.0.1 stays private.
 */
describe('media URL fetcher', () => {
  let bait: { server: Server; port: number };
  let baitHits = 0;
  let origin: { server: Server; port: number };
  const seam: Pick<MediaFetchOptions, 'resolve' | 'isPublic'> = {
    resolve: async (name) =>
      name === 'cdn.example.test' ? [{ address: '127.0.0.2', family: 4 }] : [{ address: '127.0.0.1', family: 4 }],
    isPublic: (address) => address === '127.0.0.2' || isPublicAddress(address),
  };
  const fetcher = (extra: Partial<MediaFetchOptions> = {}) =>
    new MediaFetcher({ allowPrivate: false, maxBytes: 1_000, ...seam, ...extra });

  before(async () => {
    bait = await listen('127.0.0.1', (_req, res) => {
      baitHits++;
      res.end('secret');
    });
    origin = await listen('127.0.0.2', (req, res) => {
      const path = req.url ?? '/';
      if (path === '/photo') res.end('pixels');
      else if (path === '/to-bait') res.writeHead(302, { location: `http://127.0.0.1:${bait.port}/` }).end();
      else if (path === '/to-bait-by-name') res.writeHead(301, { location: `http://localhost:${bait.port}/` }).end();
      else if (path.startsWith('/loop')) res.writeHead(302, { location: `/loop${path.length}` }).end();
      else if (path === '/big') res.end('x'.repeat(5_000));
      else if (path === '/reset') {
        res.writeHead(200, { 'content-length': '900' });
        res.write('partial');
        setTimeout(() => res.socket?.destroy(), 20);
      } else if (path === '/stall') {
        res.writeHead(200, { 'content-length': '900' });
        res.write('partial');
      } else res.writeHead(404).end();
    });
  });
  after(async () => {
    bait.server.closeAllConnections();
    origin.server.closeAllConnections();
    await new Promise((resolve) => bait.server.close(resolve));
    await new Promise((resolve) => origin.server.close(resolve));
  });

  test('every spelling of loopback is refused with 422 and the bait is never hit', async () => {
    const p = bait.port;
    const forms = [
      `http://127.0.0.1:${p}/`,
      `http://localhost:${p}/`,
      `http://[::1]:${p}/`,
      `http://0.0.0.0:${p}/`,
      `http://2130706433:${p}/`,
      `http://0x7f000001:${p}/`,
      `http://127.1:${p}/`,
      `http://0177.0.0.1:${p}/`,
      `http://[::ffff:127.0.0.1]:${p}/`,
      `http://[::ffff:7f00:1]:${p}/`,
      `http://rebound.example.test:${p}/`,
    ];
    // The real resolver for localhost; the seam's for the made-up name that resolves to 127.0.0.1.
    for (const url of forms) {
      const real = url.includes('localhost') ? fetcher({ resolve: undefined }) : fetcher();
      assert.equal(await codeOf(real.fetch(new URL(url))), 'MEDIA_URL_FORBIDDEN', url);
    }
    assert.equal(baitHits, 0);
  });

  test('an allowed host is fetched; its redirects to loopback are refused before any connect', async () => {
    const base = `http://cdn.example.test:${origin.port}`;
    assert.equal((await fetcher().fetch(new URL(`${base}/photo`))).toString(), 'pixels');
    assert.equal(await codeOf(fetcher().fetch(new URL(`${base}/to-bait`))), 'MEDIA_URL_FORBIDDEN');
    assert.equal(
      await codeOf(
        fetcher({ resolve: undefined, isPublic: seam.isPublic }).fetch(
          new URL(`http://127.0.0.2:${origin.port}/to-bait-by-name`),
        ),
      ),
      'MEDIA_URL_FORBIDDEN',
    );
    assert.equal(baitHits, 0);
  });

  test('redirects are capped; oversized, reset, stalled and missing bodies are 4xx', async () => {
    const base = `http://cdn.example.test:${origin.port}`;
    assert.equal(await codeOf(fetcher({ maxRedirects: 3 }).fetch(new URL(`${base}/loop`))), 'MEDIA_FETCH_FAILED');
    assert.equal(await codeOf(fetcher().fetch(new URL(`${base}/big`))), 'MEDIA_TOO_LARGE');
    assert.equal(await codeOf(fetcher().fetch(new URL(`${base}/reset`))), 'MEDIA_FETCH_FAILED');
    assert.equal(await codeOf(fetcher({ timeoutMs: 300 }).fetch(new URL(`${base}/stall`))), 'MEDIA_FETCH_FAILED');
    assert.equal(await codeOf(fetcher().fetch(new URL(`${base}/missing`))), 'MEDIA_FETCH_FAILED');
    assert.equal(await codeOf(fetcher().fetch(new URL('http://127.0.0.2:1/'))), 'MEDIA_FETCH_FAILED');
  });

  test('over the concurrency cap a download waits, then is refused with 429', async () => {
    const one = fetcher({ maxConcurrent: 1, queueWaitMs: 100, timeoutMs: 2_000 });
    const stalled = codeOf(one.fetch(new URL(`http://cdn.example.test:${origin.port}/stall`)));
    assert.equal(
      await codeOf(one.fetch(new URL(`http://cdn.example.test:${origin.port}/photo`))),
      'MEDIA_FETCHES_BUSY',
    );
    assert.equal(await stalled, 'MEDIA_FETCH_FAILED');
    assert.equal(
      (await one.fetch(new URL(`http://cdn.example.test:${origin.port}/photo`))).toString(),
      'pixels',
      'the slot came back',
    );
  });

  test('with private targets allowed (ALLOW_PRIVATE_MEDIA_URLS), loopback is fetched', async () => {
    const open = new MediaFetcher({ allowPrivate: true, maxBytes: 1_000 });
    const before = baitHits;
    assert.equal((await open.fetch(new URL(`http://127.0.0.1:${bait.port}/`))).toString(), 'secret');
    assert.equal(baitHits, before + 1);
  });
});
