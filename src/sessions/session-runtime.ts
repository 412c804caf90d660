import type { Logger } from 'pino';
import type { Engine, EngineConnection, EngineEvent } from '../engine/engine.ts';
import { backoffDelay, type BackoffPolicy } from '../shared/backoff.ts';
import type { SessionEventListener } from './session-events.ts';
import type { SessionRecordPatch, SessionRecordStore } from './session-record-store.ts';
import type { ConnectionStatus, DisconnectInfo, SessionStatus, UserInfo } from './session-state.ts';

export interface SessionRuntimeDeps {
  sessionId: string;
  engine: Engine;
  records: SessionRecordStore;
  logger: Logger;
  backoff: BackoffPolicy;
  onEvent: SessionEventListener;
  /** Waits for a connection slot; the returned function frees it. Bounds start-up storms. */
  acquireSlot: () => Promise<() => void>;
  /** Called once when the runtime leaves memory. */
  onEnded: () => void;
}

/** A slot is freed at the latest after this long, so one stuck handshake cannot block the queue. */
const SLOT_HOLD_LIMIT_MS = 30_000;

/** The live half of one session: its connection, reconnect policy and truthful status. */
export class SessionRuntime {
  readonly #deps: SessionRuntimeDeps;
  readonly startTime = Date.now();
  #connection: EngineConnection | undefined;
  #connectionStatus: ConnectionStatus = 'CONNECTING';
  #status: SessionStatus;
  #user: UserInfo | null;
  #qr: string | null = null;
  #attempt = 0;
  #timer: NodeJS.Timeout | undefined;
  #ending = false;
  #ended = false;
  #lastSeenAt: number | null = null;
  #writes: Promise<void> = Promise.resolve();
  /** State writes queued in `#writes` and not yet applied. */
  #pendingWrites = 0;
  #releaseSlot: (() => void) | undefined;
  /** The connection on which a device was just linked (its 515 restart is part of pairing). */
  #linkedOn: EngineConnection | undefined;
  readonly #watchers = new Set<() => void>();

  constructor(deps: SessionRuntimeDeps, status: SessionStatus, user: UserInfo | null) {
    this.#deps = deps;
    this.#status = status;
    this.#user = user;
  }

  get connectionStatus(): ConnectionStatus {
    return this.#connectionStatus;
  }
  get status(): SessionStatus {
    return this.#status;
  }
  /** The linked account according to the credentials; null when nothing is linked. */
  get user(): UserInfo | null {
    return this.#user;
  }
  get qr(): string | null {
    return this.#qr;
  }
  get ended(): boolean {
    return this.#ended;
  }
  get connection(): EngineConnection | undefined {
    return this.#connection;
  }
  lastSeenAt(): number | null {
    return this.#connection?.lastSeenAt() ?? this.#lastSeenAt;
  }

  start(): void {
    // The stored status agrees with CONNECTING: linked credentials, or a registration on its way to a QR.
    this.#setState('CONNECTING', this.#user ? 'authenticated' : 'created', {}, 'starting');
    void this.#connect();
  }

  /** Whether this runtime may still show a QR code: it is up, not linked, and registering. */
  get qrMayCome(): boolean {
    if (this.#ending || this.#ended || this.#user !== null) return false;
    return ['CONNECTING', 'RECONNECTING', 'QR_REQUIRED'].includes(this.#connectionStatus);
  }

  /** Resolves when the status satisfies `done` or the runtime ends; false on timeout. */
  async waitUntil(done: (status: ConnectionStatus) => boolean, timeoutMs: number): Promise<boolean> {
    if (done(this.#connectionStatus)) return true;
    if (this.#ended) return false;
    return new Promise<boolean>((resolve) => {
      const check = () => {
        if (!done(this.#connectionStatus) && !this.#ended) return;
        finish(done(this.#connectionStatus));
      };
      const finish = (result: boolean) => {
        clearTimeout(timer);
        this.#watchers.delete(check);
        resolve(result);
      };
      const timer = setTimeout(() => finish(false), timeoutMs);
      this.#watchers.add(check);
    });
  }

  /** Ends the runtime: closes (or unlinks, for `logged_out`) and records the final state. */
  async end(final: { connectionStatus: ConnectionStatus; status: SessionStatus; reason: string }, unlink = false) {
    if (this.#ending) return;
    this.#ending = true;
    clearTimeout(this.#timer);
    const connection = this.#connection;
    if (connection) await (unlink ? connection.logout() : connection.close());
    if (unlink) this.#user = null;
    this.#finish(final.connectionStatus, final.status, {}, final.reason);
    await this.#writes;
  }

  async #connect(): Promise<void> {
    const release = await this.#deps.acquireSlot();
    if (this.#ending) return release();
    this.#releaseSlot = release;
    const holdLimit = setTimeout(() => this.#freeSlot(), SLOT_HOLD_LIMIT_MS);
    holdLimit.unref();
    const connection = this.#deps.engine.connect({
      sessionId: this.#deps.sessionId,
      logger: this.#deps.logger,
      listener: (event) => this.#onEngineEvent(connection, event),
    });
    this.#connection = connection;
  }

  #freeSlot(): void {
    this.#releaseSlot?.();
    this.#releaseSlot = undefined;
  }

  #onEngineEvent(connection: EngineConnection, event: EngineEvent): void {
    if (connection !== this.#connection) return;
    switch (event.type) {
      case 'qr':
        this.#freeSlot();
        this.#qr = event.qr;
        this.#setState('QR_REQUIRED', 'qr', {}, 'waiting for QR scan');
        this.#deps.onEvent({ type: 'session.qr', sessionId: this.#deps.sessionId, qr: event.qr });
        return;
      case 'linked':
        this.#linkedOn = connection;
        this.#qr = null;
        this.#setState('CONNECTING', 'authenticated', { userInfo: event.user }, 'device linked');
        return;
      case 'open':
        this.#freeSlot();
        this.#qr = null;
        this.#attempt = 0;
        this.#setState('AUTHENTICATED', 'connected', { userInfo: event.user }, 'connected');
        return;
      case 'message':
        this.#deps.onEvent({ type: 'message.received', sessionId: this.#deps.sessionId, message: event.message });
        return;
      case 'message-status': {
        const { type: _, ...change } = event;
        this.#deps.onEvent({ type: 'message.status', sessionId: this.#deps.sessionId, ...change });
        return;
      }
      case 'close':
        this.#freeSlot();
        this.#lastSeenAt = connection.lastSeenAt() ?? this.#lastSeenAt;
        this.#connection = undefined;
        this.#qr = null;
        if (!this.#ending) this.#onClose(event, this.#linkedOn === connection);
    }
  }

  #onClose(event: Extract<EngineEvent, { type: 'close' }>, pairing: boolean): void {
    const lastDisconnect: DisconnectInfo = { code: event.code, reason: event.reason, at: new Date().toISOString() };
    const patch: SessionRecordPatch = { lastDisconnect };
    switch (event.kind) {
      case 'restart':
        // The 515 right after pairing is how every link ends, not a loss: it is no lastDisconnect.
        if (pairing) this.#setState('CONNECTING', this.#status, {}, 'linked; restarting the stream');
        else this.#setState('CONNECTING', this.#status, patch, 'restart required by WhatsApp');
        void this.#connect();
        return;
      case 'retry': {
        const delay = backoffDelay(this.#attempt++, this.#deps.backoff);
        this.#setState('RECONNECTING', 'disconnected', patch, `${event.reason}; retry in ${delay} ms`);
        this.#timer = setTimeout(() => void this.#connect(), delay);
        return;
      }
      case 'replaced':
        return this.#finish('STOPPED', 'disconnected', patch, 'replaced by another client; not reconnecting');
      case 'logged_out':
        this.#user = null;
        void this.#deps.engine.wipe(this.#deps.sessionId).catch((err: unknown) => {
          this.#deps.logger.error({ err }, 'failed to wipe credentials after logout');
        });
        return this.#finish('LOGGED_OUT', 'logged_out', patch, 'logged out from the phone');
      case 'failed':
        return this.#finish('FAILED', 'failed', patch, event.reason);
      case 'qr_expired':
        return this.#finish('STOPPED', 'stopped', patch, 'QR code expired before it was scanned; start again');
      case 'stopped':
        return this.#finish('STOPPED', 'disconnected', patch, event.reason);
    }
  }

  #finish(connectionStatus: ConnectionStatus, status: SessionStatus, patch: SessionRecordPatch, reason: string) {
    if (this.#ended) return;
    this.#ended = true;
    const lastSeenAt = this.lastSeenAt();
    this.#setState(
      connectionStatus,
      status,
      lastSeenAt ? { ...patch, lastSeenAt: new Date(lastSeenAt) } : patch,
      reason,
    );
    // Leave memory only once the final state is stored, so a read never sees an older stored state.
    void this.#writes.then(() => this.#deps.onEnded());
  }

  #setState(connectionStatus: ConnectionStatus, status: SessionStatus, patch: SessionRecordPatch, reason: string) {
    const { sessionId, records, logger } = this.#deps;
    this.#connectionStatus = connectionStatus;
    this.#status = status;
    if (patch.userInfo) this.#user = patch.userInfo;
    logger.info({ connectionStatus, status, reason }, 'session state');
    const at = new Date();
    this.#pendingWrites++;
    this.#writes = this.#writes
      .then(async () => {
        await records.update(sessionId, { ...patch, status });
        await records.appendHistory(sessionId, { status, connectionStatus, reason, at });
      })
      .catch((err: unknown) => logger.error({ err }, 'failed to persist session state'))
      .finally(() => this.#pendingWrites--);
    this.#deps.onEvent({ type: 'session.status', sessionId, connectionStatus, status, reason });
    for (const watcher of [...this.#watchers]) watcher();
  }

  /** True when no state write is queued: the stored row is as new as this runtime's state. */
  get settled(): boolean {
    return this.#pendingWrites === 0;
  }

  /** Resolves once every queued state write has been applied. */
  flush(): Promise<void> {
    return this.#writes;
  }
}
