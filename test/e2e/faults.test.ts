import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Fault } from '../../src/sim/faults.ts';
import { startGateway, waitForConnectionStatus, type GatewayProcess } from '../support/gateway-process.ts';
import { createAndLink } from '../support/link-session.ts';
import { freshDatabaseUrl, tempDir } from '../support/test-databases.ts';
import { startTestSimulator, type TestSimulator } from '../support/test-simulator.ts';

/** Status changes since `since` (history is newest first). */
async function historySince(gateway: GatewayProcess, sessionId: string, since: number): Promise<string[]> {
  const response = await gateway.request('GET', `/sessions/${sessionId}/status`);
  return response.body.data.history
    .filter((entry: { at: string }) => Date.parse(entry.at) >= since)
    .map((entry: { connectionStatus: string }) => entry.connectionStatus)
    .reverse();
}

describe('faults from WhatsApp lead to the documented state and recovery', () => {
  let t: TestSimulator;
  let gateway: GatewayProcess;
  let jid: string;
  const phone = '6281200000001';
  const id = 'faulty';

  before(async () => {
    t = await startTestSimulator('faults');
    t.sim.createPhone({ phoneNumber: phone, name: 'Faulty', platform: 'android' });
    gateway = await startGateway({
      databaseUrl: await freshDatabaseUrl('sqlite'),
      dataDir: tempDir(),
      env: { ...t.gatewayEnv, RECONNECT_BASE_MS: '300', RECONNECT_MAX_MS: '1000' },
    });
    jid = await createAndLink(gateway, t.sim, id, phone);
  });
  after(async () => {
    await gateway?.kill('SIGKILL');
    await t?.sim.stop();
  });

  const recoverable: Array<[string, Fault['kind'], number | undefined, number]> = [
    ['TCP drop', 'drop-tcp', undefined, 428],
    ['WebSocket close', 'close-ws', undefined, 428],
    ['stream error 428', 'stream-error', 428, 428],
    ['stream error 500', 'stream-error', 500, 500],
    ['stream error 503', 'stream-error', 503, 503],
    ['failure 503', 'failure', 503, 503],
  ];
  for (const [name, kind, code, expected] of recoverable) {
    test(`${name} → RECONNECTING with backoff → AUTHENTICATED`, async () => {
      const since = Date.now();
      const relogin = t.sim.waitForLogin(jid, 15_000);
      t.sim.injectFault({ kind, jid, ...(code ? { code } : {}) });
      await relogin;
      const back = await waitForConnectionStatus(gateway, id, 'AUTHENTICATED');
      assert.equal(back.body.data.lastDisconnect.code, expected);
      const seen = await historySince(gateway, id, since);
      assert.ok(
        seen.indexOf('RECONNECTING') >= 0 && seen.indexOf('RECONNECTING') < seen.lastIndexOf('AUTHENTICATED'),
        seen.join(' → '),
      );
    });
  }

  test('stream error 515 → reconnect at once, without backoff', async () => {
    const since = Date.now();
    const relogin = t.sim.waitForLogin(jid, 15_000);
    t.sim.injectFault({ kind: 'stream-error', jid, code: 515 });
    await relogin;
    const back = await waitForConnectionStatus(gateway, id, 'AUTHENTICATED');
    assert.equal(back.body.data.lastDisconnect.code, 515);
    const seen = await historySince(gateway, id, since);
    assert.ok(!seen.includes('RECONNECTING'), seen.join(' → '));
    assert.ok(seen.includes('CONNECTING'), seen.join(' → '));
  });

  test('440 (replaced) → STOPPED, no fighting back; start brings it back', async () => {
    t.sim.injectFault({ kind: 'conflict', jid });
    const stopped = await waitForConnectionStatus(gateway, id, 'STOPPED');
    assert.equal(stopped.body.data.lastDisconnect.code, 440);
    assert.equal(stopped.body.data.status, 'disconnected');
    assert.equal(stopped.body.data.isActive, false);
    assert.equal(stopped.body.data.isAuthenticated, true, 'the link itself is intact');
    await t.sim.waitForOffline(jid);
    await new Promise((resolve) => setTimeout(resolve, 1500)); // longer than the backoff window
    assert.equal(t.sim.devices(phone)[0]?.online, false, 'did not reconnect by itself');
    await gateway.request('POST', `/sessions/${id}/start`);
    await waitForConnectionStatus(gateway, id, 'AUTHENTICATED');
  });

  test('failure 403 → FAILED with the reason, not retried', async () => {
    t.sim.injectFault({ kind: 'failure', jid, code: 403 });
    const failed = await waitForConnectionStatus(gateway, id, 'FAILED');
    assert.equal(failed.body.data.status, 'failed');
    assert.equal(failed.body.data.lastDisconnect.code, 403);
    assert.equal(failed.body.data.isActive, false);
    const restarted = await gateway.request('POST', `/sessions/${id}/start`);
    assert.equal(restarted.status, 200);
    await waitForConnectionStatus(gateway, id, 'AUTHENTICATED');
  });

  test('unlinking on the phone → LOGGED_OUT, keys wiped, userInfo kept', async () => {
    const device = t.sim.devices(phone).find((d) => d.jid === jid);
    assert.ok(device);
    t.sim.phone(phone).unlink(device.deviceId);
    const out = await waitForConnectionStatus(gateway, id, 'LOGGED_OUT');
    assert.equal(out.body.data.status, 'logged_out');
    assert.equal(out.body.data.isAuthenticated, false);
    assert.equal(out.body.data.isActive, false);
    assert.equal(out.body.data.userInfo.jid, jid, 'last known userInfo is kept');
    assert.equal(out.body.data.lastDisconnect.code, 401);
    const all = await gateway.request('GET', '/sessions/all/credentials');
    assert.equal(all.body.data.find((s: { sessionId: string }) => s.sessionId === id).userInfo.jid, jid);
    // Starting again needs a new link: the old keys are gone.
    await gateway.request('POST', `/sessions/${id}/start`);
    await waitForConnectionStatus(gateway, id, 'QR_REQUIRED');
  });
});
