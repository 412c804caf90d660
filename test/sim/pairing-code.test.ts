import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSimulator, type Simulator } from '../../src/sim/simulator.ts';
import { connectClient, type TestClient } from './support/baileys-client.ts';
import { createMemoryAuth, type MemoryAuth } from './support/memory-auth.ts';
import { silenceConsole } from './support/silence-console.ts';

/** Waits (bounded) until the companion_hello of requestPairingCode reached the simulator. */
async function codeRequested(sim: Simulator, phoneNumber: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (sim.features.linkCode.hasRequest(phoneNumber)) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.fail('the companion never asked for a pairing code');
}

/** A fresh companion that shows a pairing code for the phone. */
async function companionWithCode(
  sim: Simulator,
  phoneNumber: string,
): Promise<{ auth: MemoryAuth; client: TestClient; code: string }> {
  const auth = createMemoryAuth();
  const client = connectClient(sim, auth);
  await client.waitForUpdate((u) => typeof u.qr === 'string');
  const code = await client.sock.requestPairingCode(phoneNumber);
  await codeRequested(sim, phoneNumber);
  return { auth, client, code };
}

const post = (sim: Simulator, path: string, body: unknown) =>
  fetch(`${sim.controlUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('pairing code against the real Baileys client', () => {
  let sim: Simulator;
  let restoreConsole: () => void;

  before(async () => {
    restoreConsole = silenceConsole();
    sim = await startSimulator({ port: 0, rootSeed: 'pairing-code-test' });
  });
  after(async () => {
    await sim.stop();
    restoreConsole();
  });

  it('links with the code Baileys shows, restarts with 515 and opens', async () => {
    const phone = sim.createPhone({ phoneNumber: '15550003001', name: 'Paula' });
    const { auth, client, code } = await companionWithCode(sim, phone.phoneNumber);
    assert.match(code, /^[1-9A-HJ-NP-TV-Z]{8}$/);
    const closed = client.waitForClose();
    const device = await phone.enterPairingCode(code.toLowerCase());
    assert.equal(await closed, 515);
    client.end();
    assert.equal(device.jid, `${phone.phoneNumber}:1@s.whatsapp.net`);
    assert.equal(auth.creds.me?.id, device.jid);
    assert.equal(auth.creds.registered, true);
    assert.ok(auth.creds.account?.accountSignatureKey, 'pair-success verified with the derived adv secret');

    const again = connectClient(sim, auth);
    try {
      await again.waitForUpdate((u) => u.connection === 'open');
      assert.equal(phone.devices()[0]?.online, true);
    } finally {
      again.end();
    }
  });

  it('a wrong code links nothing and fails with 400; the request is then used up (404)', async () => {
    const phone = sim.createPhone({ phoneNumber: '15550003002', name: 'Wendy' });
    const { auth, client, code } = await companionWithCode(sim, phone.phoneNumber);
    try {
      const wrong = code.startsWith('A') ? `B${code.slice(1)}` : `A${code.slice(1)}`;
      const res = await post(sim, `/phones/${phone.phoneNumber}/pairing-code`, { code: wrong });
      assert.equal(res.status, 400);
      assert.match(String(((await res.json()) as { message?: unknown }).message), /wrong pairing code/);
      assert.deepEqual(phone.devices(), []);
      assert.equal(auth.creds.account, undefined, 'no pair-success reached the companion');
      // companion_finish was answered with an error, so Baileys never set registered (cf. fact sheet gotcha 17).
      assert.equal(auth.creds.registered, false);
      const retry = await post(sim, `/phones/${phone.phoneNumber}/pairing-code`, { code });
      assert.equal(retry.status, 404);
    } finally {
      client.end();
    }
  });

  it('links through the control route', async () => {
    const phone = sim.createPhone({ phoneNumber: '15550003003', name: 'Rita' });
    const { client, code } = await companionWithCode(sim, phone.phoneNumber);
    try {
      const closed = client.waitForClose();
      const res = await post(sim, `/phones/${phone.phoneNumber}/pairing-code`, { code });
      assert.equal(res.status, 200);
      const body = (await res.json()) as { device?: { jid?: string; status?: string } };
      assert.equal(body.device?.status, 'linked');
      assert.equal(await closed, 515);
    } finally {
      client.end();
    }
  });

  it('answers bad control input with 4xx', async () => {
    const phone = sim.createPhone({ phoneNumber: '15550003004', name: 'Nora' });
    assert.equal((await post(sim, '/phones/19999999999/pairing-code', { code: 'ABCDEFGH' })).status, 404);
    assert.equal((await post(sim, `/phones/${phone.phoneNumber}/pairing-code`, {})).status, 400);
    assert.equal((await post(sim, `/phones/${phone.phoneNumber}/pairing-code`, { code: 'ABC' })).status, 400);
    assert.equal(
      (await post(sim, `/phones/${phone.phoneNumber}/pairing-code`, { code: 'ABCDEFGH' })).status,
      404,
      'no companion asked',
    );
  });
});
