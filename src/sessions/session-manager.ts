import type { Logger } from 'pino';
import { AppError } from '../errors/app-error.ts';
import type { Engine, EngineConnection } from '../engine/engine.ts';
import type { BackoffPolicy } from '../shared/backoff.ts';
import { awaitQr } from './qr-wait.ts';
import type { SessionEventListener } from './session-events.ts';
import { assertValidSessionId } from './session-id.ts';
import { SessionReadModel } from './session-read-model.ts';
import type { SessionRecord, SessionRecordStore, StatusHistoryEntry } from './session-record-store.ts';
import { SessionRuntime } from './session-runtime.ts';
import type { SessionStatus } from './session-state.ts';
import type { SessionView } from './session-view.ts';
import { Semaphore } from './semaphore.ts';

export interface SessionManagerOptions {
  engine: Engine;
  records: SessionRecordStore;
  logger: Logger;
  backoff: BackoffPolicy;
  startConcurrency: number;
}

export type SessionFilter = 'active' | 'connected' | 'all';

/** Stored statuses that mean "do not bring this session back at boot". */
const NOT_RESTORED: ReadonlySet<SessionStatus> = new Set(['stopped', 'logged_out', 'failed']);
const LINK_WAIT_MS = 15_000;

/** Owns every session held in memory; the only way the API touches WhatsApp sessions. */
export class SessionManager {
  readonly #options: SessionManagerOptions & { records: SessionReadModel };
  readonly #runtimes = new Map<string, SessionRuntime>();
  readonly #listeners = new Set<SessionEventListener>();
  readonly #slots: Semaphore;
  readonly #locks = new Map<string, Promise<unknown>>();

  constructor(options: SessionManagerOptions) {
    // Every API request reads session rows; this process is their only writer, so reads come from memory.
    const reads = new SessionReadModel(options.records, {
      get: (sessionId) => this.#runtimes.get(sessionId),
      allSettled: () => [...this.#runtimes.values()].every((runtime) => runtime.settled),
    });
    this.#options = { ...options, records: reads };
    this.#slots = new Semaphore(options.startConcurrency);
  }

  /** The read path: rows, views and their serialised texts, held in memory (`session-read-model.ts`). */
  get reads(): SessionReadModel {
    return this.#options.records;
  }

  onEvent(listener: SessionEventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Starts every linked session that was not stopped on purpose. */
  async restoreAll(): Promise<number> {
    let restored = 0;
    for (const record of await this.#options.records.list()) {
      if (NOT_RESTORED.has(record.status)) continue;
      if (!(await this.#options.engine.readUser(record.sessionId))) continue;
      await this.#launch(record);
      restored++;
    }
    return restored;
  }

  async create(sessionId: unknown): Promise<SessionView> {
    const id = assertValidSessionId(sessionId);
    const record = await this.#options.records.insert(id);
    await this.#launch(record);
    return this.get(id);
  }

  async get(sessionId: string): Promise<SessionView> {
    await this.#runtimes.get(sessionId)?.flush();
    return this.#options.records.view(await this.#require(sessionId));
  }

  /**
   * What `get` would answer, without waiting, when memory already holds it; otherwise undefined, and
   * the caller uses `get`. Reads are most of the API's traffic; this spares them the promise chain.
   */
  peek(sessionId: string): SessionView | undefined {
    return this.#options.records.peek(sessionId);
  }

  /** `active`: held in memory; `connected`: open on WhatsApp; `all`: every stored session. */
  async list(filter: SessionFilter): Promise<SessionView[]> {
    await Promise.all([...this.#runtimes.values()].map((runtime) => runtime.flush()));
    const records = await this.#options.records.list();
    return this.#select(
      records.map((record) => this.#options.records.view(record)),
      filter,
    );
  }

  /** What `list` would answer, without waiting, when memory already holds it (see `peek`); else undefined. */
  peekList(filter: SessionFilter): SessionView[] | undefined {
    const views = this.#options.records.peekAll();
    return views && this.#select(views, filter);
  }

  #select(views: SessionView[], filter: SessionFilter): SessionView[] {
    if (filter === 'all') return views;
    if (filter === 'active') return views.filter((view) => view.isActive);
    return views.filter((view) => view.connectionStatus === 'AUTHENTICATED');
  }

  /** Timestamped status changes, newest first. */
  async history(sessionId: string, limit: number): Promise<StatusHistoryEntry[]> {
    await this.#require(sessionId);
    return this.#options.records.history(sessionId, limit);
  }

  start(sessionId: string): Promise<SessionView> {
    return this.#locked(sessionId, async () => {
      const record = await this.#require(sessionId);
      if (!this.#isRunning(sessionId)) await this.#launch(record);
      return this.get(sessionId);
    });
  }

  stop(sessionId: string): Promise<SessionView> {
    return this.#locked(sessionId, async () => {
      await this.#require(sessionId);
      await this.#runtimes.get(sessionId)?.end({ connectionStatus: 'STOPPED', status: 'stopped', reason: 'stopped' });
      if (!this.#runtimes.has(sessionId)) await this.#options.records.update(sessionId, { status: 'stopped' });
      return this.get(sessionId);
    });
  }

  restart(sessionId: string): Promise<SessionView> {
    return this.#locked(sessionId, async () => {
      const record = await this.#require(sessionId);
      await this.#runtimes
        .get(sessionId)
        ?.end({ connectionStatus: 'STOPPED', status: 'disconnected', reason: 'restarting' });
      await this.#launch((await this.#options.records.find(sessionId)) ?? record);
      return this.get(sessionId);
    });
  }

  /** Unlinks the device on WhatsApp (connecting first if needed), wipes the keys, keeps the row. */
  logout(sessionId: string): Promise<SessionView> {
    return this.#locked(sessionId, async () => {
      await this.#unlink(await this.#require(sessionId));
      return this.get(sessionId);
    });
  }

  remove(sessionId: string): Promise<void> {
    return this.#locked(sessionId, async () => {
      await this.#unlink(await this.#require(sessionId));
      await this.#options.records.remove(sessionId);
    });
  }

  async requestPairingCode(sessionId: string, phoneNumber: string): Promise<string> {
    const record = await this.#require(sessionId);
    if (!this.#isRunning(sessionId)) await this.start(record.sessionId);
    const runtime = this.#runtimes.get(sessionId);
    if (runtime?.user) throw new AppError('SESSION_ALREADY_LINKED');
    await runtime?.waitUntil((status) => status !== 'CONNECTING', LINK_WAIT_MS);
    const connection = runtime?.connection;
    if (!connection) throw new AppError('SESSION_NOT_RUNNING');
    return connection.requestPairingCode(phoneNumber);
  }

  /** The open connection of a session; 409 with the live status unless it is AUTHENTICATED. */
  async connectionFor(sessionId: string): Promise<EngineConnection> {
    await this.#require(sessionId);
    const runtime = this.#runtimes.get(sessionId);
    const connection = runtime?.connectionStatus === 'AUTHENTICATED' ? runtime.connection : undefined;
    if (!connection || runtime?.ended) {
      const status =
        runtime && !runtime.ended ? runtime.connectionStatus : (await this.get(sessionId)).connectionStatus;
      throw new AppError('SESSION_NOT_AUTHENTICATED', `session is ${status}`);
    }
    return connection;
  }

  /** The current QR code; a registering session's first one is awaited up to `waitMs` (see `awaitQr`). */
  async qr(sessionId: string, waitMs = 0, signal?: AbortSignal): Promise<string> {
    await this.#require(sessionId);
    return awaitQr(this.#runtimes.get(sessionId), waitMs, signal);
  }

  /** Closes every socket without logging out; sessions stay restorable. */
  async shutdown(): Promise<void> {
    const final = { connectionStatus: 'STOPPED', status: 'disconnected', reason: 'gateway shutting down' } as const;
    await Promise.all([...this.#runtimes.values()].map((runtime) => runtime.end(final)));
  }

  #isRunning(sessionId: string): boolean {
    const runtime = this.#runtimes.get(sessionId);
    return runtime !== undefined && !runtime.ended;
  }

  async #unlink(record: SessionRecord): Promise<void> {
    const { engine, records } = this.#options;
    let runtime = this.#runtimes.get(record.sessionId);
    if (!runtime && (await engine.readUser(record.sessionId))) runtime = await this.#launch(record);
    if (runtime) {
      // Only a linked session has a device to remove on WhatsApp; give a reconnecting one time to open.
      if (runtime.user) await runtime.waitUntil((status) => status === 'AUTHENTICATED', LINK_WAIT_MS);
      const online = runtime.user !== null && runtime.connectionStatus === 'AUTHENTICATED';
      if (runtime.user && !online)
        this.#options.logger.warn(
          { sessionId: record.sessionId },
          'logout without a connection: the device stays listed on the phone until removed there',
        );
      await runtime.end({ connectionStatus: 'LOGGED_OUT', status: 'logged_out', reason: 'logged out' }, online);
    }
    await engine.wipe(record.sessionId);
    await records.update(record.sessionId, { status: 'logged_out' });
  }

  async #launch(record: SessionRecord): Promise<SessionRuntime> {
    const { engine, records, logger, backoff } = this.#options;
    const sessionId = record.sessionId;
    const runtime: SessionRuntime = new SessionRuntime(
      {
        sessionId,
        engine,
        records,
        backoff,
        logger: logger.child({ sessionId }),
        acquireSlot: () => this.#slots.acquire(),
        onEvent: (event) => this.#publish(event),
        onEnded: () => {
          if (this.#runtimes.get(sessionId) === runtime) this.#runtimes.delete(sessionId);
        },
      },
      record.status,
      await engine.readUser(sessionId),
    );
    this.#runtimes.set(sessionId, runtime);
    runtime.start();
    await runtime.flush();
    return runtime;
  }

  #publish(event: Parameters<SessionEventListener>[0]): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (err) {
        this.#options.logger.error({ err }, 'session event listener failed');
      }
    }
  }

  async #require(sessionId: string): Promise<SessionRecord> {
    const record = await this.#options.records.find(sessionId);
    if (!record) throw new AppError('SESSION_NOT_FOUND');
    return record;
  }

  /** Serialises lifecycle commands per session so start/stop/logout never interleave. */
  #locked<T>(sessionId: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#locks.get(sessionId) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(task);
    this.#locks.set(sessionId, next);
    void next
      .finally(() => {
        if (this.#locks.get(sessionId) === next) this.#locks.delete(sessionId);
      })
      .catch(() => undefined);
    return next;
  }
}
