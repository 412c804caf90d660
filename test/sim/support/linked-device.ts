import assert from 'node:assert/strict';
import type { UserFacingSocketConfig } from '@whiskeysockets/baileys';
import type { Simulator } from '../../../src/sim/simulator.ts';
import { connectClient, type TestClient } from './baileys-client.ts';
import { createMemoryAuth, type MemoryAuth } from './memory-auth.ts';

/** A phone with one linked, logged-in Baileys device. */
export interface OpenDevice {
  readonly auth: MemoryAuth;
  readonly client: TestClient;
  /** `PHONE:DEV@s.whatsapp.net` */
  readonly jid: string;
}

/** Links a fresh Baileys device by QR (scan → 515) and reconnects it, with `config`, until `open`. */
export async function linkAndOpen(
  sim: Simulator,
  phoneNumber: string,
  config: Partial<UserFacingSocketConfig> = {},
): Promise<OpenDevice> {
  const phone = sim.phone(phoneNumber);
  const auth = createMemoryAuth();
  const registering = connectClient(sim, auth);
  const { qr } = await registering.waitForUpdate((u) => typeof u.qr === 'string');
  assert.ok(qr);
  const linked = phone.scan(qr);
  assert.equal(await registering.waitForClose(), 515);
  const device = await linked;
  registering.end();
  const client = connectClient(sim, auth, config);
  await client.waitForUpdate((u) => u.connection === 'open');
  return { auth, client, jid: device.jid };
}
