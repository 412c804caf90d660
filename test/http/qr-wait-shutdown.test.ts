import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import pino from 'pino';
import { buildApp } from '../../src/app.ts';
import { MessagingService } from '../../src/messages/messaging-service.ts';
import { SessionManager } from '../../src/sessions/session-manager.ts';
import { FakeEngine } from '../support/fake-engine.ts';
import { openTestStores } from '../support/test-stores.ts';

const KEY = 'wag_test_key_0123456789';

describe('a waiting QR read and a graceful stop', () => {
  // The bound keeps a wait that is not ended from hanging the test; it is not a timing assertion.
  test('closing the server ends a QR wait at once with 409 and the reason', { timeout: 20_000 }, async () => {
    const stores = await openTestStores('sqlite');
    const logger = pino({ level: 'silent' });
    const manager = new SessionManager({
      engine: new FakeEngine(),
      records: stores.records,
      logger,
      backoff: { baseMs: 10, maxMs: 50 },
      startConcurrency: 4,
    });
    const app = await buildApp({
      manager,
      logger,
      verifyApiKey: (presented) => presented === KEY,
      bodyLimitBytes: 1024,
      messaging: new MessagingService({ manager, mediaMaxBytes: 2048, mediaFetch: { allowPrivate: false } }),
      mediaMaxBytes: 2048,
      version: 'test',
    });
    let arrived: () => void = () => undefined;
    const qrRequestArrived = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    app.addHook('onRequest', async (request) => {
      if (request.url.includes('/qr')) arrived();
    });
    try {
      const url = await app.listen({ port: 0, host: '127.0.0.1' });
      const headers = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };
      const created = await fetch(`${url}/sessions`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ sessionId: 'waiter' }),
      });
      assert.equal(created.status, 201);
      // The fake engine never shows a QR: this read would wait the full minute.
      const pending = fetch(`${url}/sessions/waiter/qr?waitMs=60000`, { headers });
      await qrRequestArrived;
      const closed = app.close();
      const response = await pending;
      assert.equal(response.status, 409);
      const body = (await response.json()) as { success: boolean; code: string; error: string };
      assert.deepEqual(
        [body.success, body.code, body.error],
        [false, 'QR_NOT_AVAILABLE', 'the gateway is shutting down'],
      );
      await closed;
    } finally {
      await manager.shutdown();
      await stores.close();
    }
  });
});
