import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DisconnectReason } from '@whiskeysockets/baileys';
import type { Fault } from '../../src/sim/faults.ts';
import { startSimulator, type Simulator } from '../../src/sim/simulator.ts';
import { connectClient } from './support/baileys-client.ts';
import { linkAndOpen, type OpenDevice } from './support/linked-device.ts';
import { createMemoryAuth } from './support/memory-auth.ts';
import { silenceConsole } from './support/silence-console.ts';

describe('faults on demand map to the expected DisconnectReason', () => {
  let sim: Simulator;
  let device: OpenDevice;
  let restoreConsole: () => void;

  before(async () => {
    restoreConsole = silenceConsole();
    sim = await startSimulator({ port: 0, rootSeed: 'faults-test' });
    sim.createPhone({ phoneNumber: '15550003001', name: 'Gus' });
    device = await linkAndOpen(sim, '15550003001');
    device.client.end();
  });
  after(async () => {
    await sim.stop();
    restoreConsole();
  });

  /** Opens the linked device again, injects the fault, returns the close code. */
  async function closeCodeAfter(fault: Omit<Fault, 'jid'>, config = {}): Promise<number | undefined> {
    const client = connectClient(sim, device.auth, config);
    try {
      const login = sim.waitForLogin(device.jid);
      await client.waitForUpdate((u) => u.connection === 'open');
      await login;
      sim.injectFault({ ...fault, jid: device.jid });
      return await client.waitForClose(15_000);
    } finally {
      client.end();
    }
  }

  const cases: [string, Omit<Fault, 'jid'>, number][] = [
    ['drop-tcp', { kind: 'drop-tcp' }, DisconnectReason.connectionClosed],
    ['close-ws', { kind: 'close-ws' }, DisconnectReason.connectionClosed],
    ['stream-error 428', { kind: 'stream-error', code: 428 }, 428],
    ['stream-error 500', { kind: 'stream-error', code: 500 }, DisconnectReason.badSession],
    ['stream-error 503', { kind: 'stream-error', code: 503 }, DisconnectReason.unavailableService],
    ['stream-error 515', { kind: 'stream-error', code: 515 }, DisconnectReason.restartRequired],
    ['stream-error 401', { kind: 'stream-error', code: 401 }, DisconnectReason.loggedOut],
    ['conflict', { kind: 'conflict' }, DisconnectReason.connectionReplaced],
    ['failure 403', { kind: 'failure', code: 403 }, DisconnectReason.forbidden],
    ['failure 503', { kind: 'failure', code: 503 }, DisconnectReason.unavailableService],
  ];
  for (const [name, fault, expected] of cases) {
    it(`${name} → ${expected}`, async () => {
      assert.equal(await closeCodeAfter(fault), expected);
    });
  }

  it('silent (no pong, no frames) → 408 connectionLost', async () => {
    assert.equal(
      await closeCodeAfter({ kind: 'silent' }, { keepAliveIntervalMs: 1_000 }),
      DisconnectReason.connectionLost,
    );
  });

  it('a failure armed while offline refuses the next login', async () => {
    sim.injectFault({ kind: 'failure', code: 403, jid: device.jid });
    const client = connectClient(sim, device.auth);
    try {
      assert.equal(await client.waitForClose(), DisconnectReason.forbidden);
    } finally {
      client.end();
    }
  });

  it('stall-handshake → 408 timedOut, and the next connection works again', async () => {
    sim.injectFault({ kind: 'stall-handshake' });
    const stalled = connectClient(sim, createMemoryAuth(), { connectTimeoutMs: 1_000 });
    try {
      assert.equal(await stalled.waitForClose(), DisconnectReason.timedOut);
    } finally {
      stalled.end();
    }
    const client = connectClient(sim, device.auth);
    try {
      await client.waitForUpdate((u) => u.connection === 'open');
    } finally {
      client.end();
    }
  });

  it('a fault for a device without a live connection is refused', async () => {
    await sim.waitForOffline(device.jid);
    assert.throws(() => sim.injectFault({ kind: 'drop-tcp', jid: device.jid }), /no live connection/);
    assert.throws(() => sim.injectFault({ kind: 'drop-tcp', jid: '15550009999:1@s.whatsapp.net' }), /unknown device/);
  });
});
