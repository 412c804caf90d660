import { Browsers, makeWASocket, WA_CERT_DETAILS, type ConnectionState, type WASocket } from '@whiskeysockets/baileys';
import { pino } from 'pino';
import { createMemoryAuth } from '../../test/sim/support/memory-auth.ts';
import type { SimProcess } from './simulator.ts';

const logger = pino({ level: 'silent' });

function waitForUpdate(sock: WASocket, match: (update: Partial<ConnectionState>) => boolean, timeoutMs: number): Promise<Partial<ConnectionState>> {
  return new Promise((resolve, reject) => {
    const listener = (update: Partial<ConnectionState>): void => {
      if (!match(update)) return;
      clearTimeout(timer);
      sock.ev.off('connection.update', listener);
      resolve(update);
    };
    const timer = setTimeout(() => {
      sock.ev.off('connection.update', listener);
      reject(new Error(`no matching connection.update within ${timeoutMs} ms`));
    }, timeoutMs);
    sock.ev.on('connection.update', listener);
  });
}

/**
 * Bare Baileys in this process: makeWASocket with an in-memory auth state, linked to the simulator by QR
 * (scan → 515 → reconnect) and open. Same socket settings the gateway uses (browser, no full history).
 */
export async function openBareSocket(sim: SimProcess, phoneNumber: string): Promise<WASocket> {
  WA_CERT_DETAILS.PUBLIC_KEY = Buffer.from(sim.rootPublicKeyHex, 'hex');
  const auth = createMemoryAuth();
  const make = () => {
    const sock = makeWASocket({
      browser: Browsers.ubuntu('Chrome'),
      syncFullHistory: false,
      auth: auth.state,
      waWebSocketUrl: sim.wsUrl,
      logger,
    });
    sock.ev.on('creds.update', (update) => Object.assign(auth.creds, update));
    return sock;
  };
  const registering = make();
  const { qr } = await waitForUpdate(registering, (u) => typeof u.qr === 'string', 30_000);
  if (!qr) throw new Error('no QR');
  const closed = waitForUpdate(registering, (u) => u.connection === 'close', 30_000);
  await sim.scan(phoneNumber, qr);
  await closed;
  registering.end(undefined);
  const sock = make();
  await waitForUpdate(sock, (u) => u.connection === 'open', 30_000);
  return sock;
}
