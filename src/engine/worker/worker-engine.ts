import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { AppError } from '../../errors/app-error.ts';
import type { AuthStateStore } from '../auth-state-store.ts';
import type { ConnectOptions, Engine, EngineConnection, EngineEvent, EngineListener, UserInfo } from '../engine.ts';
import type { MessageStore } from '../message-store.ts';
import type { ContactLookup, DownloadedMedia, OutgoingMessage, SentMessage } from '../messaging-types.ts';
import { buildEngineWorkerBundle, type EngineWorkerBundle } from './engine-worker-bundle.ts';
import {
  asBuffer,
  NOTES,
  WORKER_OPS,
  type ConnectArgs,
  type ConnectionCallArgs,
  type ConnectionMethod,
  type EngineWorkerSetup,
  type EventNote,
  type SeenNote,
} from './protocol.ts';
import { serveStores } from './remote-stores.ts';
import { RpcChannel } from './rpc.ts';

export interface WorkerEngineOptions {
  /** How many engine worker threads; sessions are spread over them by a hash of their id. */
  threads: number;
  authStore: AuthStateStore;
  messageStore: MessageStore;
  setup: EngineWorkerSetup;
  /** The gateway's logger, for the threads' own failures. */
  logger: Logger;
}

/**
 * A thread gets none of the gateway's node options but `--enable-source-maps`: the gateway's `--import tsx` would
 * load tsx into every thread (10–19 MiB each, docs/benchmarks.md), and V8 flags (the semi-space) are process-wide.
 */
const THREAD_EXEC_ARGV = process.execArgv.filter((flag) => flag === '--enable-source-maps');

/** One engine worker thread and the connections it runs. */
class EngineThread {
  readonly worker: Worker;
  readonly channel: RpcChannel;
  readonly connections = new Map<number, RemoteConnection>();
  alive = true;
  /** Set when the gateway ends the thread on purpose: its connections close as `stopped`, not `retry`. */
  stopping = false;

  constructor(options: WorkerEngineOptions, entry: URL, onExit: (thread: EngineThread) => void) {
    this.worker = new Worker(entry, { workerData: options.setup, execArgv: THREAD_EXEC_ARGV });
    // Never what keeps the gateway running: shutdown closes the sessions, then exits.
    this.worker.unref();
    this.channel = new RpcChannel(this.worker);
    serveStores(this.channel, options.authStore, options.messageStore);
    this.channel.handle<EventNote, void>(NOTES.event, ({ connId, event, lastSeenAt }) => {
      this.connections.get(connId)?.receive(event, lastSeenAt);
    });
    this.channel.handle<SeenNote, void>(NOTES.seen, (entries) => {
      for (const [connId, seen] of entries) this.connections.get(connId)?.seen(seen);
    });
    this.worker.on('error', (err) => options.logger.error({ err }, 'engine worker failed'));
    this.worker.on('exit', (code) => {
      this.alive = false;
      if (!this.stopping) options.logger.error({ code }, 'engine worker exited; its sessions reconnect');
      this.channel.close(new AppError('ENGINE_FAILURE', 'the engine worker stopped'));
      for (const connection of [...this.connections.values()])
        connection.lost('the engine worker stopped', this.stopping ? 'stopped' : 'retry');
      onExit(this);
    });
  }
}

/** A connection that lives in an engine worker; what the session layer holds instead of the real one. */
class RemoteConnection implements EngineConnection {
  readonly #thread: EngineThread;
  readonly #connId: number;
  readonly #listener: EngineListener;
  readonly #logger: Logger;
  #lastSeenAt: number | null = null;
  #closed = false;

  constructor(thread: EngineThread, connId: number, listener: EngineListener, logger: Logger) {
    this.#thread = thread;
    this.#connId = connId;
    this.#listener = listener;
    this.#logger = logger;
  }

  lastSeenAt(): number | null {
    return this.#lastSeenAt;
  }

  close(): Promise<void> {
    return this.#closed ? Promise.resolve() : this.#call('close', []);
  }

  logout(): Promise<void> {
    return this.#closed ? Promise.resolve() : this.#call('logout', []);
  }

  requestPairingCode(phoneNumber: string): Promise<string> {
    return this.#call('requestPairingCode', [phoneNumber]);
  }

  sendMessage(message: OutgoingMessage): Promise<SentMessage> {
    return this.#call('sendMessage', [message]);
  }

  markRead(messageId: string): Promise<void> {
    return this.#call('markRead', [messageId]);
  }

  sendPresence(to: string, state: 'composing' | 'paused'): Promise<void> {
    return this.#call('sendPresence', [to, state]);
  }

  lookupContact(phoneNumber: string): Promise<ContactLookup> {
    return this.#call('lookupContact', [phoneNumber]);
  }

  async downloadMedia(messageId: string): Promise<DownloadedMedia> {
    const media = await this.#call<DownloadedMedia>('downloadMedia', [messageId]);
    return { ...media, data: asBuffer(media.data) };
  }

  /** An event from the worker, in the order the engine emitted it. */
  receive(event: EngineEvent, lastSeenAt: number | null): void {
    if (this.#closed) return;
    if (lastSeenAt !== null) this.#lastSeenAt = lastSeenAt;
    if (event.type === 'close') {
      this.#closed = true;
      this.#thread.connections.delete(this.#connId);
    }
    try {
      this.#listener(event);
    } catch (err) {
      this.#logger.error({ err }, 'engine listener failed');
    }
  }

  seen(lastSeenAt: number): void {
    this.#lastSeenAt = lastSeenAt;
  }

  /** The worker is gone, and the socket with it: unless stopped on purpose, the session reconnects as after a network drop. */
  lost(reason: string, kind: 'retry' | 'stopped' = 'retry'): void {
    this.receive({ type: 'close', kind, code: null, reason }, null);
  }

  #call<R>(method: ConnectionMethod, args: unknown[]): Promise<R> {
    // As in-process: a closed connection refuses at once (its worker may be gone and never answer).
    if (this.#closed) return Promise.reject(new AppError('SESSION_NOT_AUTHENTICATED', 'the connection is closed'));
    return this.#thread.channel.call<R>(WORKER_OPS.call, {
      connId: this.#connId,
      method,
      args,
    } satisfies ConnectionCallArgs);
  }
}

/**
 * The engine with Baileys in worker threads: each thread runs the sockets of some sessions, so sending,
 * receiving and Signal crypto use more than one core. The gateway's main thread keeps HTTP, the database
 * (the threads read and write through it, so a send's keys and message are committed before its 201,
 * exactly as in-process) and the event outbox. A thread that dies takes its sockets with it; their
 * sessions see a `retry` close and reconnect on a new thread.
 */
export class WorkerEngine implements Engine {
  readonly capabilities = { qr: true, pairingCode: true } as const;
  readonly #options: WorkerEngineOptions;
  readonly #bundle: EngineWorkerBundle;
  readonly #threads: Array<EngineThread | undefined>;
  /**
   * Which thread each session runs on: a new session goes to the thread with the fewest, and keeps it,
   * so its reconnects find that thread's caches warm (a dead thread's index gets a new thread).
   */
  readonly #assigned = new Map<string, number>();
  readonly #load: number[];
  #nextConnId = 1;

  /** Compiles the threads' code (`engine-worker-bundle.ts`); threads start with the first session each one gets. */
  static async start(options: WorkerEngineOptions): Promise<WorkerEngine> {
    if (!Number.isInteger(options.threads) || options.threads < 1)
      throw new Error('WorkerEngine needs at least one thread');
    return new WorkerEngine(options, await buildEngineWorkerBundle());
  }

  private constructor(options: WorkerEngineOptions, bundle: EngineWorkerBundle) {
    this.#options = options;
    this.#bundle = bundle;
    this.#threads = Array.from({ length: options.threads }, () => undefined);
    this.#load = this.#threads.map(() => 0);
  }

  connect({ sessionId, logger, listener }: ConnectOptions): EngineConnection {
    const thread = this.#threadFor(sessionId);
    const connId = this.#nextConnId++;
    const connection = new RemoteConnection(thread, connId, listener, logger);
    thread.connections.set(connId, connection);
    const args: ConnectArgs = { connId, sessionId, bindings: logger.bindings(), level: logger.level };
    thread.channel.call(WORKER_OPS.connect, args).catch((err: unknown) => {
      logger.error({ err }, 'engine worker could not start the connection');
      connection.lost('the engine worker could not start the connection');
    });
    return connection;
  }

  readUser(sessionId: string): Promise<UserInfo | null> {
    return this.#threadFor(sessionId).channel.call(WORKER_OPS.readUser, { sessionId });
  }

  async wipe(sessionId: string): Promise<void> {
    await this.#threadFor(sessionId).channel.call(WORKER_OPS.wipe, { sessionId });
    const index = this.#assigned.get(sessionId);
    if (index !== undefined) {
      this.#assigned.delete(sessionId);
      this.#load[index] = (this.#load[index] ?? 1) - 1;
    }
  }

  /** Running threads (tests). */
  get threadIds(): number[] {
    return this.#threads.flatMap((thread) => (thread?.alive ? [thread.worker.threadId] : []));
  }

  /** Ends every thread and deletes their compiled code; call after the sessions were closed. */
  async stop(): Promise<void> {
    const threads = this.#threads.splice(0, this.#threads.length, ...this.#threads.map(() => undefined));
    for (const thread of threads) if (thread) thread.stopping = true;
    await Promise.all(threads.map((thread) => thread?.worker.terminate()));
    this.#bundle.remove();
  }

  /** Terminates one thread as a crash would (tests): its sessions must reconnect on a new one. */
  async crashThreadOf(sessionId: string): Promise<void> {
    const index = this.#assigned.get(sessionId);
    if (index !== undefined) await this.#threads[index]?.worker.terminate();
  }

  #indexFor(sessionId: string): number {
    let index = this.#assigned.get(sessionId);
    if (index === undefined) {
      index = this.#load.indexOf(Math.min(...this.#load));
      this.#assigned.set(sessionId, index);
      this.#load[index] = (this.#load[index] ?? 0) + 1;
    }
    return index;
  }

  #threadFor(sessionId: string): EngineThread {
    const index = this.#indexFor(sessionId);
    const current = this.#threads[index];
    if (current?.alive) return current;
    const thread = new EngineThread(this.#options, this.#bundle.url, (gone) => {
      if (this.#threads[index] === gone) this.#threads[index] = undefined;
    });
    this.#threads[index] = thread;
    return thread;
  }
}
