import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DisconnectReason } from '@whiskeysockets/baileys';
import { startSimulator, type Simulator } from '../../src/sim/simulator.ts';
import { connectClient } from './support/baileys-client.ts';
import { linkAndOpen } from './support/linked-device.ts';
import { silenceConsole } from './support/silence-console.ts';

/** A removed device logs in again: 401, and it never becomes the live stream. */
async function assertNextLoginRefused(sim: Simulator, auth: Parameters<typeof connectClient>[1], jid: string) {
  const again = connectClient(sim, auth);
  try {
    assert.equal(await again.waitForClose(), DisconnectReason.loggedOut);
    assert.equal(sim.core.liveStream(jid), undefined);
  } finally {
    again.end();
  }
}

describe('unlink, logout and replaced logins', () => {
  let sim: Simulator;
  let restoreConsole: () => void;

  before(async () => {
    restoreConsole = silenceConsole();
    sim = await startSimulator({ port: 0, rootSeed: 'unlink-test' });
  });
  after(async () => {
    await sim.stop();
    restoreConsole();
  });

  it('the phone unlinks a device: 401 now, 401 failure at the next login', async () => {
    const phone = sim.createPhone({ phoneNumber: '15550002001', name: 'Dora' });
    const { auth, client, jid } = await linkAndOpen(sim, phone.phoneNumber);
    const closed = client.waitForClose();
    assert.equal(sim.unlink(jid).status, 'removed');
    assert.equal(await closed, DisconnectReason.loggedOut);
    client.end();
    assert.equal(phone.devices()[0]?.status, 'removed');

    await assertNextLoginRefused(sim, auth, jid);
  });

  it('sock.logout() removes the device; the next login is refused with 401', async () => {
    const phone = sim.createPhone({ phoneNumber: '15550002002', name: 'Eve' });
    const { auth, client, jid } = await linkAndOpen(sim, phone.phoneNumber);
    const removed = sim.waitForRemoval(jid);
    const closed = client.waitForClose();
    await client.sock.logout();
    assert.equal(await removed, 'logout');
    assert.equal(await closed, DisconnectReason.loggedOut);
    client.end();
    assert.equal(phone.devices()[0]?.status, 'removed');

    await assertNextLoginRefused(sim, auth, jid);
  });

  it('a second login of the same device replaces the first with 440', async () => {
    const phone = sim.createPhone({ phoneNumber: '15550002003', name: 'Finn' });
    const { auth, client, jid } = await linkAndOpen(sim, phone.phoneNumber);
    const firstClosed = client.waitForClose();
    const second = connectClient(sim, auth);
    try {
      await second.waitForUpdate((u) => u.connection === 'open');
      assert.equal(await firstClosed, DisconnectReason.connectionReplaced);
      assert.ok(sim.core.liveStream(jid), 'the second login stays live');
      assert.equal(phone.devices()[0]?.status, 'linked');
    } finally {
      client.end();
      second.end();
    }
  });
});
