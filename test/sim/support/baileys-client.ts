import {
  type ConnectionState,
  makeWASocket,
  type UserFacingSocketConfig,
  WA_CERT_DETAILS,
  type WASocket,
} from '@whiskeysockets/baileys';
import { pino } from 'pino';
import type { Simulator } from '../../../src/sim/simulator.ts';
import { nextConnectionUpdate } from './connection-update.ts';
import type { MemoryAuth } from './memory-auth.ts';

/** A Baileys socket pointed at the simulator, with helpers that wait for connection updates. */
export interface TestClient {
  readonly sock: WASocket;
  /** Resolves with the first connection.update matching `match`; rejects after `timeoutMs`. */
  waitForUpdate(
    match: (update: Partial<ConnectionState>) => boolean,
    timeoutMs?: number,
  ): Promise<Partial<ConnectionState>>;
  /** Resolves with `lastDisconnect.error.output.statusCode` of the close. */
  waitForClose(timeoutMs?: number): Promise<number | undefined>;
  end(): void;
}

const logger = pino({ level: 'silent' });

/** Connects the real Baileys client to the simulator with small timeouts. */
export function connectClient(
  sim: Simulator,
  auth: MemoryAuth,
  config: Partial<UserFacingSocketConfig> = {},
): TestClient {
  // Process-global trust seam: Baileys checks the cert chain against this key.
  WA_CERT_DETAILS.PUBLIC_KEY = Buffer.from(sim.rootPublicKey);
  const sock = makeWASocket({
    auth: auth.state,
    waWebSocketUrl: sim.wsUrl,
    logger,
    qrTimeout: 5_000,
    connectTimeoutMs: 5_000,
    keepAliveIntervalMs: 5_000,
    defaultQueryTimeoutMs: 5_000,
    markOnlineOnConnect: false,
    ...config,
  });
  sock.ev.on('creds.update', (update) => Object.assign(auth.creds, update));
  const updates: Partial<ConnectionState>[] = [];
  sock.ev.on('connection.update', (update) => updates.push(update));

  const waitForUpdate: TestClient['waitForUpdate'] = async (match, timeoutMs = 10_000) =>
    updates.find(match) ?? nextConnectionUpdate(sock, match, timeoutMs);

  return {
    sock,
    waitForUpdate,
    async waitForClose(timeoutMs) {
      const update = await waitForUpdate((u) => u.connection === 'close', timeoutMs);
      const error = update.lastDisconnect?.error as { output?: { statusCode?: number } } | undefined;
      return error?.output?.statusCode;
    },
    end: () => sock.end(undefined),
  };
}
