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

/** inject() comes from 127.0.0.1: with TRUST_PROXY=127.0.0.1 the client is the X-Forwarded-For address. */
for (const trustProxy of ['127.0.0.1', false] as const) {
  describe(`failed authentications are counted per client address (TRUST_PROXY=${trustProxy})`, () => {
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
        rateLimits: { authFailureLimit: 3, authFailureWindowMs: 60_000 },
        trustProxy,
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

    const attempt = (client: string, key = 'wrong-key-0123456789') =>
      app.inject({
        method: 'GET',
        url: '/sessions',
        headers: { authorization: `Bearer ${key}`, 'x-forwarded-for': client },
      });

    test('the limited address gets 429 with Retry-After; a valid key from it is served', async () => {
      for (let i = 0; i < 3; i++) assert.equal((await attempt('203.0.113.1')).statusCode, 401);
      const limited = await attempt('203.0.113.1');
      assert.equal(limited.statusCode, 429);
      assert.equal(limited.json().message, 'Too many failed authentication attempts');
      assert.ok(Number(limited.headers['retry-after']) >= 1);
      assert.equal((await attempt('203.0.113.1', KEY)).statusCode, 200);
    });

    test(
      trustProxy ? 'another forwarded address is not limited' : 'without a trusted proxy the header is ignored',
      async () => {
        assert.equal((await attempt('203.0.113.2')).statusCode, trustProxy ? 401 : 429);
      },
    );
  });
}
