import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { buildApp } from '../../src/app.ts';
import { MessagingService } from '../../src/messages/messaging-service.ts';
import { SessionManager } from '../../src/sessions/session-manager.ts';
import { FakeEngine } from '../support/fake-engine.ts';
import { openTestStores, type TestStores } from '../support/test-stores.ts';

const KEY = 'wag_test_key_0123456789';
const auth = { authorization: `Bearer ${KEY}` };

/** Every refusal must be the seed's envelope with a 4xx, and must change nothing. */
function assertRefused(response: { statusCode: number; json(): unknown }, status: number, message?: string) {
  assert.equal(response.statusCode, status);
  const body = response.json() as { success: unknown; message: unknown };
  assert.equal(body.success, false);
  assert.equal(typeof body.message, 'string');
  if (message) assert.equal(body.message, message);
}

describe('bad input over HTTP (fake engine, real SQLite)', () => {
  let stores: TestStores;
  let manager: SessionManager;
  let app: FastifyInstance;

  before(async () => {
    stores = await openTestStores('sqlite');
    manager = new SessionManager({
      engine: new FakeEngine(),
      records: stores.records,
      logger: pino({ level: 'silent' }),
      backoff: { baseMs: 10, maxMs: 50 },
      startConcurrency: 4,
    });
    app = await buildApp({
      manager,
      logger: pino({ level: 'silent' }),
      verifyApiKey: (presented) => presented === KEY,
      bodyLimitBytes: 1024,
      messaging: new MessagingService({ manager, mediaMaxBytes: 2048, mediaFetch: { allowPrivate: false } }),
      mediaMaxBytes: 2048,
      version: 'test',
    });
  });
  after(async () => {
    await app.close();
    await manager.shutdown();
    await stores.close();
  });

  test('missing, wrong and malformed API keys get 401 "Invalid API key"', async () => {
    for (const headers of [
      {},
      { authorization: 'Bearer nope' },
      { authorization: KEY },
      { authorization: 'Basic abc' },
      { authorization: 'Bearer ' },
      { 'x-api-key': 'nope' },
    ]) {
      const response = await app.inject({ method: 'GET', url: '/sessions/all/credentials', headers });
      assertRefused(response, 401, 'Invalid API key');
    }
    const viaHeader = await app.inject({ method: 'GET', url: '/sessions', headers: { 'x-api-key': KEY } });
    assert.equal(viaHeader.statusCode, 200);
    const unauthCreate = await app.inject({ method: 'POST', url: '/sessions', payload: { sessionId: 'sneaky' } });
    assertRefused(unauthCreate, 401);
    assert.equal(await stores.records.find('sneaky'), undefined);
  });

  test('unknown ids get 404 "Session not found" on every session route', async () => {
    for (const [method, url] of [
      ['GET', '/sessions/ghost'],
      ['GET', '/sessions/ghost/credentials'],
      ['GET', '/sessions/ghost/status'],
      ['GET', '/sessions/ghost/qr'],
      ['POST', '/sessions/ghost/start'],
      ['POST', '/sessions/ghost/stop'],
      ['POST', '/sessions/ghost/restart'],
      ['POST', '/sessions/ghost/logout'],
      ['DELETE', '/sessions/ghost'],
    ] as const) {
      assertRefused(await app.inject({ method, url, headers: auth }), 404, 'Session not found');
    }
  });

  test('invalid and reserved ids get 400 and create nothing', async () => {
    for (const sessionId of ['', 'has space', 'x'.repeat(65), 'ünïcode', 'a/b']) {
      assertRefused(await app.inject({ method: 'POST', url: '/sessions', headers: auth, payload: { sessionId } }), 400);
    }
    for (const sessionId of ['all', 'connected']) {
      assertRefused(
        await app.inject({ method: 'POST', url: '/sessions', headers: auth, payload: { sessionId } }),
        400,
        'Session id is reserved',
      );
    }
    for (const payload of [{}, { sessionId: 42 }, { sessionId: 'ok', extra: true }, []]) {
      assertRefused(await app.inject({ method: 'POST', url: '/sessions', headers: auth, payload }), 400);
    }
    const text = await app.inject({
      method: 'POST',
      url: '/sessions',
      headers: { ...auth, 'content-type': 'text/plain' },
      payload: 'ok',
    });
    assertRefused(text, 400); // text/plain is parsed, then fails the object schema
    assert.equal((await stores.records.list()).length, 0);
  });

  test('malformed JSON, wrong content types and oversized bodies get 4xx', async () => {
    const json = { ...auth, 'content-type': 'application/json' };
    assertRefused(
      await app.inject({ method: 'POST', url: '/sessions', headers: json, payload: '{"sessionId":' }),
      400,
      'Malformed JSON body',
    );
    assertRefused(
      await app.inject({
        method: 'POST',
        url: '/sessions',
        headers: { ...auth, 'content-type': 'application/xml' },
        payload: '<a/>',
      }),
      415,
    );
    const big = JSON.stringify({ sessionId: 'big', pad: 'x'.repeat(4096) });
    assertRefused(await app.inject({ method: 'POST', url: '/sessions', headers: json, payload: big }), 413);
    assert.equal((await stores.records.list()).length, 0);
  });

  test('concurrent creation of one id: exactly one 201, the rest 409', async () => {
    const responses = await Promise.all(
      Array.from({ length: 8 }, () =>
        app.inject({ method: 'POST', url: '/sessions', headers: auth, payload: { sessionId: 'race' } }),
      ),
    );
    const codes = responses.map((r) => r.statusCode).sort();
    assert.deepEqual(codes, [201, 409, 409, 409, 409, 409, 409, 409]);
    for (const r of responses.filter((x) => x.statusCode === 409)) assertRefused(r, 409, 'Session already exists');
    assert.equal((await stores.records.list()).filter((r) => r.sessionId === 'race').length, 1);
  });

  test('unknown routes are 404 in the envelope; no stack traces anywhere', async () => {
    const response = await app.inject({ method: 'GET', url: '/nope', headers: auth });
    assertRefused(response, 404);
    assert.doesNotMatch(response.body, /at .*\.ts:\d+/);
    // Without a key an unknown path is refused like a known one, and a HEAD route is as protected as its GET.
    for (const [method, url] of [
      ['GET', '/nope'],
      ['POST', '/nope'],
      ['HEAD', '/nope'],
      ['HEAD', '/sessions/all/credentials'],
    ] as const) {
      const refused = await app.inject({ method, url, ...(method === 'POST' ? { payload: { a: 1 } } : {}) });
      assert.equal(refused.statusCode, 401, `${method} ${url}`);
      if (method !== 'HEAD') assertRefused(refused, 401, 'Invalid API key');
    }
    assert.equal(
      (await app.inject({ method: 'HEAD', url: '/sessions/all/credentials', headers: auth })).statusCode,
      200,
    );
  });

  test('a URL with broken percent-encoding is a 400 in the envelope', async () => {
    for (const url of ['/sessions/%E0%A4%A', '/%', '/sessions/s%ZZ/credentials']) {
      const response = await app.inject({ method: 'GET', url, headers: auth });
      assertRefused(response, 400, 'Malformed URL');
    }
  });

  test('QR of a session without one is a clear 409', async () => {
    await app.inject({ method: 'POST', url: '/sessions', headers: auth, payload: { sessionId: 'noqr' } });
    const response = await app.inject({ method: 'GET', url: '/sessions/noqr/qr?waitMs=0', headers: auth });
    assertRefused(response, 409, 'No QR code available for this session');
    assert.match((response.json() as { error: string }).error, /status CONNECTING/);
  });

  test('a bad ?waitMs= on the QR route is 400 and waits for nothing', async () => {
    await app.inject({ method: 'POST', url: '/sessions', headers: auth, payload: { sessionId: 'qrwait' } });
    for (const waitMs of ['-1', 'abc', '1.5', '60001', '007', '', '1e3']) {
      const response = await app.inject({ method: 'GET', url: `/sessions/qrwait/qr?waitMs=${waitMs}`, headers: auth });
      assertRefused(response, 400, 'Invalid request');
    }
    const unknown = await app.inject({ method: 'GET', url: '/sessions/qrwait/qr?wait=5', headers: auth });
    assertRefused(unknown, 400, 'Invalid request');
  });

  test('pairing code with a malformed phone number is 400', async () => {
    await app.inject({ method: 'POST', url: '/sessions', headers: auth, payload: { sessionId: 'pairme' } });
    for (const phoneNumber of ['abc', '0812', '+62 838', '']) {
      const response = await app.inject({
        method: 'POST',
        url: '/sessions/pairme/pairing-code',
        headers: auth,
        payload: { phoneNumber },
      });
      assertRefused(response, 400);
    }
  });

  test('/health needs no key; /openapi.json documents the seed endpoints', async () => {
    assert.equal((await app.inject({ method: 'GET', url: '/health' })).statusCode, 200);
    const spec = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      openapi: string;
      paths: Record<string, unknown>;
    };
    assert.match(spec.openapi, /^3\./);
    for (const path of [
      '/sessions',
      '/sessions/connected',
      '/sessions/connected/credentials',
      '/sessions/all',
      '/sessions/all/credentials',
      '/sessions/{sessionId}',
      '/sessions/{sessionId}/credentials',
      '/sessions/{sessionId}/status',
      '/sessions/{sessionId}/qr',
    ]) {
      assert.ok(spec.paths[path], `${path} documented`);
    }
  });
});
