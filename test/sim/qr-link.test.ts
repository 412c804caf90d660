import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSimulator, type Simulator } from '../../src/sim/simulator.ts';
import { connectClient } from './support/baileys-client.ts';
import { waitForBaileysEvent } from './support/baileys-events.ts';
import { linkAndOpen } from './support/linked-device.ts';
import { createMemoryAuth } from './support/memory-auth.ts';
import { silenceConsole } from './support/silence-console.ts';

describe('QR linking and login against the real Baileys client', () => {
  let sim: Simulator;
  let restoreConsole: () => void;

  before(async () => {
    restoreConsole = silenceConsole();
    sim = await startSimulator({ port: 0, rootSeed: 'qr-link-test' });
  });
  after(async () => {
    await sim.stop();
    restoreConsole();
  });

  it('links by QR, restarts with 515 and opens with the account identity', async () => {
    const phone = sim.createPhone({ phoneNumber: '15550001001', name: 'Alice Phone', platform: 'smba' });
    const { auth, client, jid } = await linkAndOpen(sim, phone.phoneNumber);
    try {
      assert.equal(jid, `${phone.phoneNumber}:1@s.whatsapp.net`);
      assert.equal(auth.creds.me?.id, jid);
      assert.equal(auth.creds.me?.lid, `${phone.lid}:1@lid`);
      assert.equal(auth.creds.me?.name, 'Alice Phone');
      assert.equal(auth.creds.platform, 'smba');
      assert.ok(auth.creds.account?.accountSignatureKey);
      const [device] = phone.devices();
      assert.equal(device?.status, 'linked');
      assert.equal(device?.online, true);
      assert.ok((device?.oneTimePreKeys ?? 0) > 0, 'the first login uploads one-time pre-keys');
    } finally {
      client.end();
    }
  });

  it('reopens a linked device without a new upload', async () => {
    const phone = sim.createPhone({ phoneNumber: '15550001002', name: 'Bob', platform: 'android' });
    const { auth, client, jid } = await linkAndOpen(sim, phone.phoneNumber);
    client.end();
    // Key fetches consume the lowest ids; an upload would add higher ones.
    const highestPreKeyId = (): number =>
      Math.max(...(sim.core.accounts.findDevice(jid)?.signal.oneTimePreKeys.keys() ?? []));
    const uploaded = highestPreKeyId();
    assert.ok(uploaded > 5);
    const again = connectClient(sim, auth);
    try {
      const login = sim.waitForLogin(jid);
      await again.waitForUpdate((u) => u.connection === 'open');
      await login;
      assert.equal(auth.creds.platform, 'android');
      assert.equal(highestPreKeyId(), uploaded);
    } finally {
      again.end();
    }
  });

  it("the first login gets the phone's history-sync notification, so the initial sync completes", async () => {
    const phone = sim.createPhone({ phoneNumber: '15550001004', name: 'Dan' });
    const auth = createMemoryAuth();
    const registering = connectClient(sim, auth);
    const { qr } = await registering.waitForUpdate((u) => typeof u.qr === 'string');
    assert.ok(qr);
    const restart = registering.waitForClose();
    await phone.scan(qr);
    assert.equal(await restart, 515);
    registering.end();
    assert.equal(auth.creds.accountSyncCounter, 0);
    const client = connectClient(sim, auth);
    try {
      const history = waitForBaileysEvent(client.sock, 'messaging-history.set', (set) => set.syncType ?? -1);
      // Without the notification Baileys would only bump the counter after its 20 s wait (> this timeout).
      const synced = waitForBaileysEvent(
        client.sock,
        'creds.update',
        (update) => update.accountSyncCounter || undefined,
        10_000,
      );
      await client.waitForUpdate((u) => u.connection === 'open');
      assert.equal(await history, 0 /* INITIAL_BOOTSTRAP */);
      assert.equal(await synced, 1);
    } finally {
      client.end();
    }
  });

  it('links a companion once: a second scan of the same QR is refused', async () => {
    const phone = sim.createPhone({ phoneNumber: '15550001005', name: 'Ezra' });
    const auth = createMemoryAuth();
    const client = connectClient(sim, auth);
    try {
      const { qr } = await client.waitForUpdate((u) => typeof u.qr === 'string');
      assert.ok(qr);
      const first = phone.scan(qr);
      await assert.rejects(phone.scan(qr), /already being linked/);
      assert.equal((await first).status, 'linked');
      assert.equal(phone.devices().length, 1);
    } finally {
      client.end();
    }
  });

  it('refuses a QR whose ref no companion shows', async () => {
    const phone = sim.createPhone({ phoneNumber: '15550001003', name: 'Carol' });
    const auth = createMemoryAuth();
    const client = connectClient(sim, auth);
    try {
      const { qr } = await client.waitForUpdate((u) => typeof u.qr === 'string');
      assert.ok(qr);
      const forged = qr.replace('#2@', '#2@x');
      await assert.rejects(phone.scan(forged), /unknown or expired ref/);
    } finally {
      client.end();
    }
  });
});
