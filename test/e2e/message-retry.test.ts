import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startGateway, waitForConnectionStatus, type GatewayProcess } from '../support/gateway-process.ts';
import { createAndLink } from '../support/link-session.ts';
import { freshDatabaseUrl, tempDir } from '../support/test-databases.ts';
import { startTestSimulator, type TestSimulator } from '../support/test-simulator.ts';

const ME = '6281800000001';
const EKO = '6281800000002';

describe('WhatsApp retry requests are answered from stored messages', () => {
  let t: TestSimulator;
  let gateway: GatewayProcess;
  let databaseUrl: string;
  let dataDir: string;
  const apiKey = 'retry_test_key_0123456789';

  before(async () => {
    t = await startTestSimulator('message-retry');
    t.sim.createPhone({ phoneNumber: ME, name: 'Resender', platform: 'android' });
    t.sim.createPhone({ phoneNumber: EKO, name: 'Eko', platform: 'android' });
    databaseUrl = await freshDatabaseUrl('sqlite');
    dataDir = tempDir();
    gateway = await startGateway({ databaseUrl, dataDir, apiKey, env: t.gatewayEnv });
    await createAndLink(gateway, t.sim, 'resender', ME);
  });
  after(async () => {
    await gateway?.kill('SIGKILL');
    await t?.sim.stop();
  });

  test('after a SIGKILL restart, a retry receipt gets the same message again (no "waiting for this message")', async () => {
    const text = `Pesanan #${Date.now()} sudah dikirim`;
    const sent = await gateway.request('POST', '/sessions/resender/messages', { to: EKO, text });
    assert.equal(sent.status, 201);
    const id = sent.body.data.id as string;
    await t.sim.phone(EKO).waitForMessage((m) => m.id === id);

    // A new process has none of Baileys' in-memory recent-message cache: only the database can answer.
    await gateway.kill('SIGKILL');
    gateway = await startGateway({ databaseUrl, dataDir, apiKey, env: t.gatewayEnv });
    await waitForConnectionStatus(gateway, 'resender', 'AUTHENTICATED');

    t.sim.phone(EKO).sendRetryReceipt(id);
    const deadline = Date.now() + 15_000;
    const copies = () =>
      t.sim
        .phone(EKO)
        .received()
        .filter((m) => m.id === id);
    while (copies().length < 2) {
      assert.ok(Date.now() < deadline, 'the message was sent again');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.deepEqual(
      copies().map((m) => m.text),
      [text, text],
    );
  });
});
