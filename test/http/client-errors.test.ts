import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { openEventsApp, TEST_KEY, type EventsApp } from '../events/events-app.ts';
import { rawRequest, type RawAnswer } from '../support/raw-http.ts';

const KEY_HEADER = `Authorization: Bearer ${TEST_KEY}\r\n`;

/** A 4xx in the seed's envelope: success false, a string message, JSON. */
function assertEnvelope4xx(answer: RawAnswer, label: string, status?: number): Record<string, unknown> {
  assert.equal(answer.timedOut, false, `${label}: no hang`);
  assert.ok(
    answer.status !== null && answer.status >= 400 && answer.status < 500,
    `${label}: got ${answer.status} ${answer.body}`,
  );
  if (status !== undefined) assert.equal(answer.status, status, `${label}: ${answer.body}`);
  assert.match(answer.headers['content-type'] ?? '', /^application\/json/, label);
  const body = JSON.parse(answer.body) as Record<string, unknown>;
  assert.equal(body.success, false, label);
  assert.equal(typeof body.message, 'string', label);
  return body;
}

/** Fastify's, Node's and plugins' own client errors, over a real socket: each one a 4xx in the envelope. */
describe('client errors raised below the routes keep their 4xx, in the envelope', () => {
  let t: EventsApp;
  let port = 0;
  let paths: string[] = [];

  before(async () => {
    t = await openEventsApp('sqlite', 60_000, { requestTimeoutMs: 1_000 });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.server.address() as AddressInfo).port;
    const spec = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<string, unknown>;
    };
    paths = Object.keys(spec.paths).map((path) => path.replace(/\{[^}]+\}/g, 'x1'));
  });
  after(async () => t?.close());

  const get = (line: string, extra = '') =>
    rawRequest(port, `${line} HTTP/1.1\r\nHost: gw\r\n${extra}Connection: close\r\n\r\n`);

  test('unknown methods on every route, with and without a key, are 4xx', async () => {
    assert.ok(paths.length > 10);
    for (const path of paths) {
      for (const method of ['QUERY', 'PROPFIND', 'TRACE', 'MKCOL']) {
        for (const extra of ['', KEY_HEADER])
          assertEnvelope4xx(await get(`${method} ${path}`, extra), `${method} ${path}`);
      }
    }
  });

  test('static-path traversal is refused without a key and serves no file', async () => {
    for (const path of [
      '/docs/static/..',
      '/docs/static/../../package.json',
      '/docs/static/%2e%2e/%2e%2e/package.json',
      '/docs/static/..%2f..%2fpackage.json',
      '/docs/static/%2e%2e%2f%2e%2e%2fpackage.json',
      '/docs/static/....//package.json',
    ]) {
      const answer = await get(`GET ${path}`);
      assertEnvelope4xx(answer, path);
      assert.doesNotMatch(answer.body, /"dependencies"|wagate-/, `${path}: no file content`);
    }
  });

  test('bad encoding, big URLs or headers, malformed HTTP get the envelope; the URL is not echoed raw', async () => {
    assertEnvelope4xx(await get('GET /sessions/%zz', KEY_HEADER), 'bad percent-encoding', 400);
    assertEnvelope4xx(await get(`GET /sessions/${'a'.repeat(20_000)}`), 'long URL', 431);
    assertEnvelope4xx(await get('GET /health', `X-Big: ${'b'.repeat(20_000)}\r\n`), 'big header', 431);
    assertEnvelope4xx(await rawRequest(port, 'NOT HTTP AT ALL\r\n\r\n'), 'garbage', 400);
    assertEnvelope4xx(
      await rawRequest(port, 'GET / HTTP/1.1\r\nHost: a\r\nContent-Length: x\r\n\r\n'),
      'bad content-length',
      400,
    );
    const script = await get('GET /<script>alert(1)</script>', KEY_HEADER);
    assertEnvelope4xx(script, 'markup in the path', 404);
    assert.doesNotMatch(script.body, /<script>/);
  });

  test('a partial body sent with a valid key is cut off by the request timeout with 408', async () => {
    const head = `POST /sessions HTTP/1.1\r\nHost: gw\r\n${KEY_HEADER}Content-Type: application/json\r\n`;
    const partial = `${head}Content-Length: 100\r\n\r\n{"sess`;
    assertEnvelope4xx(await rawRequest(port, partial, 10_000), 'partial body', 408);
    assert.equal(await t.manager.list('all').then((sessions) => sessions.length), 0, 'nothing was created');
  });

  test('a GET with a partial body is answered at once: no handler waits for a GET body', async () => {
    const partial = `GET /health HTTP/1.1\r\nHost: gw\r\nContent-Length: 100\r\n\r\n{"x`;
    const answer = await rawRequest(port, partial, 3_000);
    assert.equal(answer.timedOut, false);
    assert.equal(answer.status, 200);
  });

  test('HEAD /events answers the stream headers and ends', async () => {
    const answer = await get('HEAD /events', KEY_HEADER);
    assert.equal(answer.timedOut, false);
    assert.equal(answer.status, 200);
    assert.match(answer.headers['content-type'] ?? '', /^text\/event-stream/);
  });
});
