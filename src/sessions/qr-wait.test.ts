import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import { isAppError } from '../errors/app-error.ts';
import { FakeEngine, sampleUser } from '../../test/support/fake-engine.ts';
import { openTestStores, type TestStores } from '../../test/support/test-stores.ts';
import { SessionManager } from './session-manager.ts';

const LONG_WAIT_MS = 60_000;
// A bound so a wait that should not happen fails the test instead of hanging it; not a timing assertion.
const BOUND = { timeout: 10_000 };
const qrUnavailable = (detail: RegExp) => (err: unknown) =>
  isAppError(err) && err.code === 'QR_NOT_AVAILABLE' && detail.test(err.detail ?? '');

describe('the first QR is awaited; lifecycle answers agree with themselves (fake engine, real SQLite)', () => {
  let stores: TestStores;
  let engine: FakeEngine;
  let manager: SessionManager;

  before(async () => {
    stores = await openTestStores('sqlite');
    engine = new FakeEngine();
    const logger = pino({ level: 'silent' });
    manager = new SessionManager({
      engine,
      records: stores.records,
      logger,
      backoff: { baseMs: 5, maxMs: 20 },
      startConcurrency: 2,
    });
  });
  after(async () => {
    await manager.shutdown();
    await stores.close();
  });

  test('a QR read right after create waits for the first QR and gets it', BOUND, async () => {
    const created = await manager.create('eager');
    assert.equal(created.connectionStatus, 'CONNECTING');
    assert.equal(created.record.status, 'created', 'status agrees with CONNECTING');
    const pending = manager.qr('eager', LONG_WAIT_MS);
    const connection = await engine.nextConnection('eager');
    connection.emit({ type: 'qr', qr: 'https://wa.me/settings/linked_devices#first,a,b,c,1' });
    assert.equal(await pending, 'https://wa.me/settings/linked_devices#first,a,b,c,1');
  });

  test('with no wait, or when the QR does not come in time, the answer is 409 naming the status', BOUND, async () => {
    await manager.create('slow');
    await assert.rejects(manager.qr('slow', 0), qrUnavailable(/status CONNECTING/));
    await assert.rejects(manager.qr('slow', 20), qrUnavailable(/within 20 ms/));
  });

  test('a wait ends with 409 at once when the session stops instead of showing a QR', BOUND, async () => {
    await manager.create('quitter');
    const pending = manager.qr('quitter', LONG_WAIT_MS);
    (await engine.nextConnection('quitter')).emit({ type: 'close', kind: 'failed', code: 403, reason: 'forbidden' });
    await assert.rejects(pending, qrUnavailable(/./));
  });

  test('no wait when no QR is coming: linked, stopped, logged out', BOUND, async () => {
    await manager.create('linked');
    (await engine.nextConnection('linked')).emit({ type: 'open', user: sampleUser('628700') });
    await assert.rejects(manager.qr('linked', LONG_WAIT_MS), qrUnavailable(/already linked/));
    await manager.stop('linked');
    await assert.rejects(manager.qr('linked', LONG_WAIT_MS), qrUnavailable(/not running/));
    await manager.create('leaver');
    await manager.logout('leaver');
    await assert.rejects(manager.qr('leaver', LONG_WAIT_MS), qrUnavailable(/not running/));
  });

  test('start and restart answer a status that agrees with CONNECTING', BOUND, async () => {
    await manager.create('cycler');
    (await engine.nextConnection('cycler')).emit({ type: 'open', user: sampleUser('628701') });
    const stopped = await manager.stop('cycler');
    assert.deepEqual([stopped.record.status, stopped.connectionStatus], ['stopped', 'STOPPED']);
    const started = await manager.start('cycler');
    assert.deepEqual([started.record.status, started.connectionStatus], ['authenticated', 'CONNECTING']);
    const restarted = await manager.restart('cycler');
    assert.deepEqual([restarted.record.status, restarted.connectionStatus], ['authenticated', 'CONNECTING']);
    const stored = await stores.records.find('cycler');
    assert.equal(stored?.status, 'authenticated', 'the stored row says the same');

    await manager.create('unlinked');
    await manager.stop('unlinked');
    const fresh = await manager.start('unlinked');
    assert.deepEqual([fresh.record.status, fresh.connectionStatus], ['created', 'CONNECTING']);
  });
});
