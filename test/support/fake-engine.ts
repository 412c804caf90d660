import type { ConnectOptions, Engine, EngineConnection, EngineEvent, UserInfo } from '../../src/engine/engine.ts';
import type { ContactLookup, DownloadedMedia, OutgoingMessage, SentMessage } from '../../src/engine/messaging-types.ts';

/** A connection the test drives by hand: it emits whatever the test tells it to. */
export class FakeConnection implements EngineConnection {
  readonly sessionId: string;
  readonly #options: ConnectOptions;
  readonly #engine: FakeEngine;
  closed = false;
  loggedOut = false;
  /** What `lastSeenAt()` answers; tests set it to stand for a frame received. */
  seenAt: number | null = null;

  constructor(options: ConnectOptions, engine: FakeEngine) {
    this.sessionId = options.sessionId;
    this.#options = options;
    this.#engine = engine;
  }

  emit(event: EngineEvent): void {
    if (event.type === 'linked' || event.type === 'open') this.#engine.users.set(this.sessionId, event.user);
    if (event.type === 'close') this.closed = true;
    this.#options.listener(event);
  }

  lastSeenAt(): number | null {
    return this.seenAt;
  }

  async close(): Promise<void> {
    if (!this.closed) this.emit({ type: 'close', kind: 'stopped', code: null, reason: 'closed' });
  }

  async logout(): Promise<void> {
    this.loggedOut = true;
    this.#engine.users.delete(this.sessionId);
    if (!this.closed) this.emit({ type: 'close', kind: 'logged_out', code: 401, reason: 'Intentional Logout' });
  }

  async requestPairingCode(): Promise<string> {
    return 'ABCD1234';
  }

  readonly sent: OutgoingMessage[] = [];

  async sendMessage(message: OutgoingMessage): Promise<SentMessage> {
    this.sent.push(message);
    return { id: `FAKE${this.sent.length}`, to: message.to, timestamp: Date.now() };
  }

  async markRead(): Promise<void> {}

  async sendPresence(): Promise<void> {}

  async lookupContact(phoneNumber: string): Promise<ContactLookup> {
    return { phoneNumber, exists: false, jid: null, lid: null };
  }

  async downloadMedia(): Promise<DownloadedMedia> {
    throw new Error('the fake engine stores no media');
  }
}

/** Engine fake for unit tests of the session layer; it never touches the network. */
export class FakeEngine implements Engine {
  readonly capabilities = { qr: true, pairingCode: true };
  readonly users = new Map<string, UserInfo>();
  readonly connections: FakeConnection[] = [];
  readonly #waiters: Array<(connection: FakeConnection) => void> = [];

  connect(options: ConnectOptions): EngineConnection {
    const connection = new FakeConnection(options, this);
    this.connections.push(connection);
    for (const waiter of this.#waiters.splice(0)) waiter(connection);
    return connection;
  }

  async readUser(sessionId: string): Promise<UserInfo | null> {
    return this.users.get(sessionId) ?? null;
  }

  async wipe(sessionId: string): Promise<void> {
    this.users.delete(sessionId);
  }

  /** The newest connection of a session, waiting (bounded) for it to be opened. */
  async nextConnection(sessionId: string, after = 0, timeoutMs = 5_000): Promise<FakeConnection> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.connections.filter((c) => c.sessionId === sessionId)[after];
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no connection #${after} for ${sessionId}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 50);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}

export const sampleUser = (phone = '6283876013551', device = 12): UserInfo => ({
  phoneNumber: phone,
  name: 'Popeye',
  jid: `${phone}:${device}@s.whatsapp.net`,
  lid: `1234567${device}:${device}@lid`,
  platform: 'android',
  registered: false,
});
