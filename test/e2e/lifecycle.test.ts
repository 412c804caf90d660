import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startGateway, waitForConnectionStatus, type GatewayProcess } from '../support/gateway-process.ts';
import { createAndLink } from '../support/link-session.ts';
import { freshDatabaseUrl, tempDir } from '../support/test-databases.ts';
import { startTestSimulator, type TestSimulator } from '../support/test-simulator.ts';

describe('session lifecycle over HTTP against the simulator', () => {
  let t: TestSimulator;
  let gateway: GatewayProcess;

  before(async () => {
    t = await startTestSimulator('lifecycle');
    for (const [phoneNumber, name] of [
      ['6281300000001', 'Paired'],
      ['6281300000002', 'Leaver'],
      ['6281300000003', 'Gone'],
      ['6281300000004', 'Again'],
    ] as const) {
      t.sim.createPhone({ phoneNumber, name, platform: 'android' });
    }
    gateway = await startGateway({
      databaseUrl: await freshDatabaseUrl('postgres'),
      dataDir: tempDir(),
      env: t.gatewayEnv,
    });
  });
  after(async () => {
    await gateway?.kill('SIGKILL');
    await t?.sim.stop();
  });

  test('pairing code links a session; a wrong code links nothing', async () => {
    assert.equal((await gateway.request('POST', '/sessions', { sessionId: 'bycode' })).status, 201);
    const response = await gateway.request('POST', '/sessions/bycode/pairing-code', { phoneNumber: '+6281300000001' });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assert.equal(response.body.success, true);
    const { code } = response.body.data;
    assert.match(code, /^[1-9A-HJ-NP-TV-Z]{8}$/);
    const wrong = code.startsWith('A') ? `B${code.slice(1)}` : `A${code.slice(1)}`;
    await assert.rejects(t.features.enterPairingCode('6281300000001', wrong));
    assert.equal(t.sim.devices('6281300000001').length, 0, 'a wrong code links nothing');
    // As on a real phone, a failed attempt is over: ask for a fresh code and type that one.
    const fresh = await gateway.request('POST', '/sessions/bycode/pairing-code', { phoneNumber: '6281300000001' });
    assert.equal(fresh.status, 200, JSON.stringify(fresh.body));
    await t.features.enterPairingCode('6281300000001', fresh.body.data.code);
    const linked = await waitForConnectionStatus(gateway, 'bycode', 'AUTHENTICATED');
    assert.equal(linked.body.data.userInfo.phoneNumber, '6281300000001');
    assert.equal(linked.body.data.userInfo.registered, true, 'pairing-code links set registered');
    const again = await gateway.request('POST', '/sessions/bycode/pairing-code', { phoneNumber: '6281300000001' });
    assert.equal(again.status, 409, 'a linked session needs no code');
  });

  test('logout unlinks the device on WhatsApp and keeps the row', async () => {
    const jid = await createAndLink(gateway, t.sim, 'leaver', '6281300000002');
    const removal = t.sim.waitForRemoval(jid);
    const response = await gateway.request('POST', '/sessions/leaver/logout');
    assert.equal(response.status, 200);
    assert.equal(response.body.message, 'Session logged out successfully');
    assert.equal(await removal, 'logout');
    const after = (await gateway.request('GET', '/sessions/leaver/credentials')).body.data;
    assert.equal(after.status, 'logged_out');
    assert.equal(after.connectionStatus, 'LOGGED_OUT');
    assert.equal(after.isAuthenticated, false);
    assert.equal(after.isActive, false);
    assert.equal(after.userInfo.jid, jid);
  });

  test('delete logs out a linked session and removes everything', async () => {
    const jid = await createAndLink(gateway, t.sim, 'goner', '6281300000003');
    const removal = t.sim.waitForRemoval(jid);
    const response = await gateway.request('DELETE', '/sessions/goner');
    assert.equal(response.status, 200);
    assert.equal(response.body.message, 'Session deleted successfully');
    assert.equal(await removal, 'logout');
    const gone = await gateway.request('GET', '/sessions/goner');
    assert.equal(gone.status, 404);
    assert.equal(gone.body.message, 'Session not found');
    const all = await gateway.request('GET', '/sessions/all');
    assert.ok(!all.body.data.some((s: { sessionId: string }) => s.sessionId === 'goner'));
    const recreated = await gateway.request('POST', '/sessions', { sessionId: 'goner' });
    assert.equal(recreated.status, 201, 'the id is free again');
  });

  test('restart reconnects without a new link; stop then start', async () => {
    const jid = await createAndLink(gateway, t.sim, 'again', '6281300000004');
    const relogin = t.sim.waitForLogin(jid);
    const restarted = await gateway.request('POST', '/sessions/again/restart');
    assert.equal(restarted.status, 200);
    await relogin;
    await waitForConnectionStatus(gateway, 'again', 'AUTHENTICATED');
    const stopped = await gateway.request('POST', '/sessions/again/stop');
    assert.equal(stopped.body.data.connectionStatus, 'STOPPED');
    assert.equal(stopped.body.data.startTime, null);
    const listed = await gateway.request('GET', '/sessions');
    assert.ok(!listed.body.data.some((s: { sessionId: string }) => s.sessionId === 'again'), 'not active');
    await gateway.request('POST', '/sessions/again/start');
    await waitForConnectionStatus(gateway, 'again', 'AUTHENTICATED');
    assert.equal(t.sim.devices('6281300000004').length, 1);
  });
});
