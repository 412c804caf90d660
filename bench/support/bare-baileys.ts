import { Browsers, makeWASocket, WA_CERT_DETAILS, type WASocket } from '@whiskeysockets/baileys';
import { pino } from 'pino';
import { nextConnectionUpdate } from '../../test/sim/support/connection-update.ts';
import { createMemoryAuth } from '../../test/sim/support/memory-auth.ts';
import type { SimProcess } from './simulator.ts';

const logger = pino({ level: 'silent' });

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
  const { qr } = await nextConnectionUpdate(registering, (u) => typeof u.qr === 'string', 30_000);
  if (!qr) throw new Error('no QR');
  const closed = nextConnectionUpdate(registering, (u) => u.connection === 'close', 30_000);
  await sim.scan(phoneNumber, qr);
  await closed;
  registering.end(undefined);
  const sock = make();
  await nextConnectionUpdate(sock, (u) => u.connection === 'open', 30_000);
  return sock;
}
