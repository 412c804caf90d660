import makeWASocket, {
  Browsers,
  type ConnectionState,
  type SocketConfig,
  type WASocket,
} from '@whiskeysockets/baileys';
import type { Logger } from 'pino';
import { AppError } from '../../errors/app-error.ts';
import type { AuthStateStore } from '../auth-state-store.ts';
import type { CloseKind, EngineConnection, EngineEvent, EngineListener } from '../engine.ts';
import type { MessageStore } from '../message-store.ts';
import type { ContactLookup, DownloadedMedia, OutgoingMessage, SentMessage } from '../messaging-types.ts';
import { BaileysLogTap } from './baileys-log-tap.ts';
import { BaileysMessaging } from './baileys-messaging.ts';
import { classifyDisconnect, readDisconnectError } from './disconnect-classifier.ts';
import { keepLateTransactionWrites } from './late-transaction-writes.ts';
import { loadAuthState, type PersistentAuthState } from './sql-auth-state.ts';
import { isLinked, userInfoFromCreds } from './user-info.ts';

export interface BaileysConnectionOptions {
  sessionId: string;
  logger: Logger;
  listener: EngineListener;
  authStore: AuthStateStore;
  messageStore: MessageStore;
  socketConfig: Partial<SocketConfig>;
}

/** How long requestPairingCode waits for the registration stream to come up. */
const PAIRING_READY_TIMEOUT_MS = 15_000;

/** One Baileys socket, from creation to its single close event. */
export class BaileysConnection implements EngineConnection {
  readonly #options: BaileysConnectionOptions;
  #auth: PersistentAuthState | undefined;
  #sock: WASocket | undefined;
  #messaging: BaileysMessaging | undefined;
  #lastSeenAt: number | null = null;
  #intent: 'stop' | 'logout' | null = null;
  #closed = false;
  #registrationReady = false;
  readonly #closedWaiters: Array<() => void> = [];
  readonly #readyWaiters: Array<() => void> = [];
  readonly #logTap: BaileysLogTap;
  /** This socket started without linked credentials (a registration, which ends with a 515 once paired). */
  #registering = false;

  constructor(options: BaileysConnectionOptions) {
    this.#options = options;
    this.#logTap = new BaileysLogTap(() => {
      // 515 on a registration stream is the end of pairing: an everyday event, not an error.
      options.logger.info(this.#registering ? 'linked; restarting the stream' : 'WhatsApp asked for a stream restart');
    });
  }

  /** Loads the auth state and opens the socket; failures surface as a `close` event. */
  async start(): Promise<void> {
    const { sessionId, logger, authStore } = this.#options;
    try {
      this.#auth = await loadAuthState(authStore, sessionId, (err) => logger.error({ err }, 'failed to persist creds'));
    } catch (err) {
      logger.error({ err }, 'failed to load auth state');
      this.#finish('retry', null, 'failed to load auth state');
      return;
    }
    if (this.#intent) {
      this.#finish(this.#intent === 'stop' ? 'stopped' : 'logged_out', null, 'closed before connecting');
      return;
    }
    this.#registering = !isLinked(this.#auth.state.creds);
    const baileysLevel = logger.levelVal < 40 ? 'warn' : logger.level;
    const sock = makeWASocket({
      browser: Browsers.ubuntu('Chrome'),
      syncFullHistory: false,
      ...this.#options.socketConfig,
      auth: this.#auth.state,
      getMessage: (key) => BaileysMessaging.find(this.#options.messageStore, sessionId, key),
      // Baileys logs raw stanzas (pre-key uploads included) below info; never let those through.
      logger: this.#logTap.wrap(logger.child({ module: 'baileys' }, { level: baileysLevel })),
    });
    this.#sock = sock;
    keepLateTransactionWrites(sock.authState.keys, this.#auth.state.keys);
    sock.ws.on('frame', () => {
      this.#lastSeenAt = Date.now();
    });
    sock.ev.on('creds.update', () => this.#auth?.saveCreds());
    sock.ev.on('connection.update', (update) => this.#onUpdate(update));
    this.#messaging = new BaileysMessaging({
      sessionId,
      sock,
      logger,
      store: this.#options.messageStore,
      emit: (event) => this.#emit(event),
      uploadFailuresSince: (since) => this.#logTap.uploadFailuresSince(since),
    });
  }

  lastSeenAt(): number | null {
    return this.#lastSeenAt;
  }

  async close(): Promise<void> {
    this.#intent ??= 'stop';
    await this.#endAndWait(() => this.#sock?.end(undefined));
  }

  async logout(): Promise<void> {
    this.#intent = 'logout';
    const sock = this.#sock;
    await this.#endAndWait(() => {
      if (sock && this.#auth && isLinked(this.#auth.state.creds)) void sock.logout().catch(() => sock.end(undefined));
      else sock?.end(undefined);
    });
  }

  async requestPairingCode(phoneNumber: string): Promise<string> {
    if (this.#auth && isLinked(this.#auth.state.creds)) throw new AppError('SESSION_ALREADY_LINKED');
    await this.#waitForRegistrationStream();
    const sock = this.#sock;
    if (!sock || this.#closed) throw new AppError('SESSION_NOT_RUNNING');
    try {
      return await sock.requestPairingCode(phoneNumber);
    } catch (err) {
      throw new AppError('PAIRING_CODE_FAILED', err instanceof Error ? err.message : undefined, { cause: err });
    }
  }

  sendMessage(message: OutgoingMessage): Promise<SentMessage> {
    return this.#open().send(message);
  }

  markRead(messageId: string): Promise<void> {
    return this.#open().markRead(messageId);
  }

  sendPresence(to: string, state: 'composing' | 'paused'): Promise<void> {
    return this.#open().sendPresence(to, state);
  }

  lookupContact(phoneNumber: string): Promise<ContactLookup> {
    return this.#open().lookupContact(phoneNumber);
  }

  downloadMedia(messageId: string): Promise<DownloadedMedia> {
    return this.#open().downloadMedia(messageId);
  }

  /** The messaging side of an open socket; the session layer only calls it when AUTHENTICATED. */
  #open(): BaileysMessaging {
    if (!this.#messaging || this.#closed) throw new AppError('SESSION_NOT_AUTHENTICATED', 'the connection is closed');
    return this.#messaging;
  }

  #emit(event: EngineEvent): void {
    try {
      this.#options.listener(event);
    } catch (err) {
      this.#options.logger.error({ err }, 'engine listener failed');
    }
  }

  #onUpdate(update: Partial<ConnectionState>): void {
    const creds = this.#auth?.state.creds;
    if (update.qr) {
      this.#markRegistrationReady();
      this.#emit({ type: 'qr', qr: update.qr });
    }
    if (update.isNewLogin && creds) {
      const user = userInfoFromCreds(creds);
      if (user) this.#emit({ type: 'linked', user });
    }
    if (update.connection === 'open' && creds) {
      const user = userInfoFromCreds(creds);
      if (user) this.#emit({ type: 'open', user });
    }
    if (update.connection === 'close') {
      const { code, message } = readDisconnectError(update.lastDisconnect?.error);
      let kind = classifyDisconnect(code, message);
      if (this.#intent === 'stop') kind = 'stopped';
      if (this.#intent === 'logout') kind = 'logged_out';
      // Creds written during pairing must be on disk before anyone reconnects with them.
      void (this.#auth?.flush() ?? Promise.resolve()).then(() => this.#finish(kind, code, message));
    }
  }

  #finish(kind: CloseKind, code: number | null, reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#markRegistrationReady();
    this.#emit({ type: 'close', kind, code, reason });
    for (const resolve of this.#closedWaiters.splice(0)) resolve();
  }

  async #endAndWait(end: () => void): Promise<void> {
    if (this.#closed) return;
    const closed = new Promise<void>((resolve) => this.#closedWaiters.push(resolve));
    end();
    await closed;
  }

  #markRegistrationReady(): void {
    this.#registrationReady = true;
    for (const resolve of this.#readyWaiters.splice(0)) resolve();
  }

  async #waitForRegistrationStream(): Promise<void> {
    if (this.#registrationReady) return;
    let timer: NodeJS.Timeout | undefined;
    const ready = new Promise<void>((resolve) => this.#readyWaiters.push(resolve));
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, PAIRING_READY_TIMEOUT_MS);
    });
    await Promise.race([ready, timeout]).finally(() => clearTimeout(timer));
  }
}
