import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import { isAppError } from '../errors/app-error.ts';
import { FakeEngine, sampleUser } from '../../test/support/fake-engine.ts';
import { openTestStores, type TestStores } from '../../test/support/test-stores.ts';
import { SessionManager } from './session-manager.ts';
import type { ConnectionStatus } from './session-state.ts';
import type { SessionEvent } from './session-events.ts';

const logger = pino({ level: 'silent' });

async function until(manager: SessionManager, id: string, status: ConnectionStatus, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const view = await manager.get(id);
    if (view.connectionStatus === status) return view;
    if (Date.now() > deadline) assert.fail(`${id}: expected ${status}, still ${view.connectionStatus}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('SessionManager on a fake engine and real SQLite', () => {
  let stores: TestStores;
  let engine: FakeEngine;
  let manager: SessionManager;
  const events: SessionEvent[] = [];

  before(async () => {
    stores = await openTestStores('sqlite');
    engine = new FakeEngine();
    manager = new SessionManager({
      engine,
      records: stores.records,
      logger,
      backoff: { baseMs: 5, maxMs: 20 },
      startConcurrency: 2,
    });
    manager.onEvent((event) => events.push(event));
  });
  after(async () => {
    await manager.shutdown();
    await stores.close();
  });

  test('create starts a session that shows its QR code', async () => {
    const view = await manager.create('qr-flow');
    assert.equal(view.isActive, true);
    assert.equal(view.connectionStatus, 'CONNECTING');
    assert.equal(view.isAuthenticated, false);
    assert.equal(typeof view.startTime, 'number');
    const connection = await engine.nextConnection('qr-flow');
    connection.emit({ type: 'qr', qr: 'https://wa.me/settings/linked_devices#ref,a,b,c,1' });
    const shown = await until(manager, 'qr-flow', 'QR_REQUIRED');
    assert.equal(shown.record.status, 'qr');
    assert.equal(await manager.qr('qr-flow'), 'https://wa.me/settings/linked_devices#ref,a,b,c,1');
    assert.ok(events.some((e) => e.type === 'session.qr' && e.sessionId === 'qr-flow'));
  });

  test('linking, 515 and a reconnect end AUTHENTICATED with userInfo', async () => {
    await manager.create('linker');
    const first = await engine.nextConnection('linker');
    first.emit({ type: 'qr', qr: 'q' });
    first.emit({ type: 'linked', user: sampleUser('628111') });
    first.emit({ type: 'close', kind: 'restart', code: 515, reason: 'restart required' });
    const second = await engine.nextConnection('linker', 1);
    second.emit({ type: 'open', user: sampleUser('628111') });
    const view = await until(manager, 'linker', 'AUTHENTICATED');
    assert.equal(view.record.lastDisconnect, null, 'the restart that ends pairing is not a lost connection');
    assert.equal(view.record.status, 'connected');
    assert.equal(view.isActive, true);
    assert.equal(view.isAuthenticated, true);
    assert.equal(view.record.userInfo?.phoneNumber, '628111');
    await assert.rejects(manager.qr('linker'), (err) => isAppError(err) && err.code === 'QR_NOT_AVAILABLE');
    const stored = await stores.records.find('linker');
    assert.equal(stored?.status, 'connected');
    assert.equal(stored?.userInfo?.jid, '628111:12@s.whatsapp.net');
  });

  test('a dropped connection is retried with backoff and never reads AUTHENTICATED meanwhile', async () => {
    await manager.create('flaky');
    const first = await engine.nextConnection('flaky');
    first.emit({ type: 'open', user: sampleUser('628222') });
    await until(manager, 'flaky', 'AUTHENTICATED');
    first.emit({ type: 'close', kind: 'retry', code: 428, reason: 'Connection Terminated' });
    const view = await manager.get('flaky');
    assert.equal(view.connectionStatus, 'RECONNECTING');
    assert.equal(view.record.status, 'disconnected');
    assert.equal(view.record.lastDisconnect?.code, 428);
    const second = await engine.nextConnection('flaky', 1);
    second.emit({ type: 'open', user: sampleUser('628222') });
    await until(manager, 'flaky', 'AUTHENTICATED');
  });

  for (const [kind, code, connectionStatus, status] of [
    ['replaced', 440, 'STOPPED', 'disconnected'],
    ['logged_out', 401, 'LOGGED_OUT', 'logged_out'],
    ['failed', 403, 'FAILED', 'failed'],
  ] as const) {
    test(`close ${code} (${kind}) ends the session as ${connectionStatus}`, async () => {
      const id = `end-${kind}`;
      await manager.create(id);
      const connection = await engine.nextConnection(id);
      connection.emit({ type: 'open', user: sampleUser('628333') });
      await until(manager, id, 'AUTHENTICATED');
      connection.emit({ type: 'close', kind, code, reason: `closed with ${code}` });
      const view = await until(manager, id, connectionStatus);
      assert.equal(view.isActive, false);
      assert.equal(view.record.status, status);
      assert.equal(view.startTime, null);
      assert.equal(view.record.lastDisconnect?.code, code);
      assert.equal(view.record.userInfo?.phoneNumber, '628333', 'last known userInfo is kept');
      assert.equal(view.isAuthenticated, kind !== 'logged_out');
      assert.equal(engine.connections.filter((c) => c.sessionId === id).length, 1, 'no reconnect');
      if (kind === 'logged_out') assert.equal(await engine.readUser(id), null, 'keys wiped');
    });
  }

  test('expired QR codes stop the session, and it can be started again', async () => {
    await manager.create('qr-expiry');
    const first = await engine.nextConnection('qr-expiry');
    first.emit({ type: 'close', kind: 'qr_expired', code: 408, reason: 'QR refs attempts ended' });
    const stopped = await until(manager, 'qr-expiry', 'STOPPED');
    assert.equal(stopped.record.status, 'stopped');
    assert.match(stopped.record.lastDisconnect?.reason ?? '', /QR refs/);
    const restarted = await manager.start('qr-expiry');
    assert.equal(restarted.isActive, true);
    await engine.nextConnection('qr-expiry', 1);
  });

  test('explicit stop is stored and survives a restore; linked sessions are restored', async () => {
    await manager.create('keeper');
    (await engine.nextConnection('keeper')).emit({ type: 'open', user: sampleUser('628444') });
    await until(manager, 'keeper', 'AUTHENTICATED');
    await manager.create('sleeper');
    (await engine.nextConnection('sleeper')).emit({ type: 'open', user: sampleUser('628555') });
    await until(manager, 'sleeper', 'AUTHENTICATED');
    const stopped = await manager.stop('sleeper');
    assert.equal(stopped.record.status, 'stopped');
    assert.equal(stopped.connectionStatus, 'STOPPED');

    await manager.shutdown();
    const second = new SessionManager({
      engine,
      records: stores.records,
      logger,
      backoff: { baseMs: 5, maxMs: 20 },
      startConcurrency: 2,
    });
    await second.restoreAll();
    assert.equal((await second.get('keeper')).isActive, true);
    assert.equal((await second.get('sleeper')).isActive, false);
    assert.equal((await second.get('sleeper')).record.status, 'stopped');
    assert.equal((await second.get('qr-flow')).isActive, false, 'unlinked sessions are not restored');
    await second.shutdown();
  });

  test('a restore of many sessions connects at most startConcurrency at once', async () => {
    const ids = ['burst-1', 'burst-2', 'burst-3', 'burst-4', 'burst-5'];
    for (const [index, id] of ids.entries()) {
      await stores.records.insert(id);
      await stores.records.update(id, { status: 'connected' });
      engine.users.set(id, sampleUser(`62870000000${index}`));
    }
    const bounded = new SessionManager({
      engine,
      records: stores.records,
      logger,
      backoff: { baseMs: 5, maxMs: 20 },
      startConcurrency: 2,
    });
    // Every linked session in this database is restored (earlier tests left some), all through the same slots.
    const before = engine.connections.length;
    const opened = () => engine.connections.slice(before);
    await bounded.restoreAll();
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(opened().length, 2, 'two slots, two handshakes');
    opened()[0]?.emit({ type: 'open', user: sampleUser('628700000000') });
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(opened().length, 3, 'an open session frees its slot for the next');
    for (const id of ids) assert.equal((await bounded.get(id)).isActive, true, 'every session is held while it waits');
    await bounded.shutdown();
  });

  test('deleting a session that was never linked does not wait for a link', async () => {
    await manager.create('never-linked');
    (await engine.nextConnection('never-linked')).emit({ type: 'qr', qr: 'q' });
    await until(manager, 'never-linked', 'QR_REQUIRED');
    const removal = manager.remove('never-linked').then(() => 'removed');
    const slow = new Promise((resolve) => setTimeout(() => resolve('still waiting'), 5_000).unref());
    assert.equal(await Promise.race([removal, slow]), 'removed');
    await assert.rejects(manager.get('never-linked'), (err) => isAppError(err) && err.code === 'SESSION_NOT_FOUND');
  });

  test('peek answers from memory what get would, with the same view object until something shown changes', async () => {
    await manager.create('peeker');
    const connection = await engine.nextConnection('peeker');
    const first = await manager.get('peeker');
    assert.ok(Object.isFrozen(first) && Object.isFrozen(first.record));
    assert.equal(manager.peek('peeker'), first, 'nothing changed: the same view');
    assert.equal(await manager.get('peeker'), first);

    connection.emit({ type: 'qr', qr: 'q' });
    assert.equal(manager.peek('peeker'), undefined, 'a state write is queued: memory has no answer yet');
    assert.equal(manager.peekList('all'), undefined);
    const shown = await manager.get('peeker');
    assert.equal(shown.connectionStatus, 'QR_REQUIRED');
    assert.equal(shown.record.status, 'qr');
    assert.equal(manager.peek('peeker'), shown);

    connection.emit({ type: 'open', user: sampleUser('628444') });
    const open = await until(manager, 'peeker', 'AUTHENTICATED');
    connection.seenAt = Date.now();
    const seen = manager.peek('peeker');
    assert.notEqual(seen, open, 'a frame received changes lastSeenAt');
    assert.equal(seen?.lastSeenAt?.getTime(), connection.seenAt);
    assert.equal(seen?.record.userInfo?.phoneNumber, '628444');
    assert.equal(manager.peek('peeker'), seen);

    const listed = await manager.list('all');
    assert.deepEqual(
      listed.find((view) => view.record.sessionId === 'peeker'),
      seen,
    );
    assert.deepEqual(manager.peekList('all'), listed);
    assert.ok(
      manager.peekList('all')?.includes(manager.peek('peeker')!),
      'lists and single reads hand out the same views',
    );
    assert.deepEqual(manager.peekList('connected'), await manager.list('connected'));
    assert.equal(manager.peek('never-created'), undefined);
  });

  test('bad ids, reserved ids, duplicates and unknown ids are refused', async () => {
    for (const [id, code] of [
      ['', 'INVALID_SESSION_ID'],
      ['a b', 'INVALID_SESSION_ID'],
      ['x'.repeat(65), 'INVALID_SESSION_ID'],
      ['all', 'RESERVED_SESSION_ID'],
      ['connected', 'RESERVED_SESSION_ID'],
      [42, 'INVALID_SESSION_ID'],
    ] as const) {
      await assert.rejects(manager.create(id), (err) => isAppError(err) && err.code === code, String(id));
    }
    await manager.create('dupe');
    await assert.rejects(manager.create('dupe'), (err) => isAppError(err) && err.code === 'SESSION_EXISTS');
    await assert.rejects(manager.get('nope'), (err) => isAppError(err) && err.code === 'SESSION_NOT_FOUND');
  });
});
