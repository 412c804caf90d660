import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import { startTestSimulator, type TestSimulator } from '../../../test/support/test-simulator.ts';
import { AppError } from '../../errors/app-error.ts';
import type { Store as Database } from '../../store/store.ts';
import { openTestDatabase } from '../../../test/support/test-databases.ts';
import type { EngineConnection, EngineEvent } from '../engine.ts';
import { WorkerEngine } from './worker-engine.ts';

const ME = '6281500000001';
const CAROL = '6281500000002';
const logger = pino({ level: 'silent' });

/** The events of one connection, awaitable in order. */
class EventLog {
  readonly events: EngineEvent[] = [];
  #waiters: Array<() => void> = [];

  readonly listener = (event: EngineEvent) => {
    this.events.push(event);
    for (const wake of this.#waiters.splice(0)) wake();
  };

  async next<T extends EngineEvent['type']>(type: T, timeoutMs = 20_000): Promise<Extract<EngineEvent, { type: T }>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find((e) => e.type === type);
      if (found) return found as Extract<EngineEvent, { type: T }>;
      if (Date.now() > deadline) throw new Error(`no ${type} event; got ${this.events.map((e) => e.type).join(', ')}`);
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  }
}

describe('WorkerEngine: Baileys in worker threads, stores on the main thread', () => {
  let t: TestSimulator;
  let database: Database;
  let engine: WorkerEngine;

  const connect = (sessionId: string) => {
    const log = new EventLog();
    const connection = engine.connect({ sessionId, logger: logger.child({ sessionId }), listener: log.listener });
    return { log, connection };
  };

  /** Connects with the stored creds and waits for open. */
  async function open(sessionId: string): Promise<{ log: EventLog; connection: EngineConnection }> {
    const opened = connect(sessionId);
    await opened.log.next('open');
    return opened;
  }

  before(async () => {
    t = await startTestSimulator('worker-engine');
    t.sim.createPhone({ phoneNumber: ME, name: 'Shop', platform: 'android' });
    t.sim.createPhone({ phoneNumber: CAROL, name: 'Carol', platform: 'iphone' });
    database = await openTestDatabase('sqlite');
    // Auth state and messages belong to a session row, as in the gateway.
    await database.records.insert('shop');
    engine = await WorkerEngine.start({
      threads: 2,
      authStore: database.auth,
      messageStore: database.messages,
      logger,
      setup: { wsUrl: t.sim.wsUrl, rootPublicKeyHex: t.sim.rootPublicKeyHex, socketConfig: {}, logLevel: 'silent' },
    });
  });
  after(async () => {
    await engine?.stop();
    await database?.destroy();
    await t?.sim.stop();
  });

  test('links by QR, persists creds through the main thread, sends; a dead thread only costs a reconnect', async () => {
    const registering = connect('shop');
    const { qr } = await registering.log.next('qr');
    assert.equal(engine.threadIds.length, 1, 'the session runs on a worker thread');
    await t.sim.phone(ME).scan(qr);
    const linked = await registering.log.next('linked');
    assert.equal(linked.user.phoneNumber, ME);
    assert.equal((await registering.log.next('close')).kind, 'restart');

    // The creds the worker wrote went through the gateway's store: the main thread's database has them.
    const stored = await database.db
      .selectFrom('auth_creds')
      .select('session_id')
      .where('session_id', '=', 'shop')
      .executeTakeFirst();
    assert.ok(stored, 'creds row in the main database');
    assert.equal((await engine.readUser('shop'))?.phoneNumber, ME);

    const first = await open('shop');
    assert.ok(first.connection.lastSeenAt(), 'the open event carried the last frame time');
    const sent = await first.connection.sendMessage({
      to: `${CAROL}@s.whatsapp.net`,
      content: { kind: 'text', text: 'from a worker thread' },
    });
    const got = await t.sim.phone(CAROL).waitForMessage((m) => m.id === sent.id, 15_000);
    assert.equal(got.text, 'from a worker thread');
    const statuses = first.log.events.filter((e) => e.type === 'message-status');
    assert.ok(statuses.some((e) => e.type === 'message-status' && e.messageId === sent.id && e.status === 'sent'));
    // The sent message is in the main database (getMessage retries and quotes find it there).
    const row = await database.db
      .selectFrom('messages')
      .select('message_id')
      .where('message_id', '=', sent.id)
      .executeTakeFirst();
    assert.ok(row, 'message row stored by the main thread');

    // An error thrown in the worker arrives as the same AppError (code, status, detail).
    const missing = await first.connection.markRead('NO-SUCH-MESSAGE').then(
      () => undefined,
      (err: unknown) => err,
    );
    assert.ok(missing instanceof AppError, String(missing));
    assert.equal(missing.code, 'MESSAGE_NOT_FOUND');
    assert.equal(missing.status, 404);

    const before = engine.threadIds;
    await engine.crashThreadOf('shop');
    const lost = await first.log.next('close');
    assert.equal(lost.kind, 'retry', 'a session on a dead thread reconnects, it is not logged out');
    await assert.rejects(
      first.connection.sendMessage({ to: `${CAROL}@s.whatsapp.net`, content: { kind: 'text', text: 'lost' } }),
    );

    const second = await open('shop');
    assert.notDeepEqual(engine.threadIds, before, 'a new thread took over');
    const again = await second.connection.sendMessage({
      to: `${CAROL}@s.whatsapp.net`,
      content: { kind: 'text', text: 'after the crash' },
    });
    assert.equal((await t.sim.phone(CAROL).waitForMessage((m) => m.id === again.id, 15_000)).text, 'after the crash');

    await second.connection.close();
    assert.equal((await second.log.next('close')).kind, 'stopped');
  });

  test('a second session goes to the other thread', async () => {
    const other = connect('other');
    await other.log.next('qr');
    assert.equal(engine.threadIds.length, 2);
    await other.connection.close();
    assert.equal((await other.log.next('close')).kind, 'stopped');
  });
});
