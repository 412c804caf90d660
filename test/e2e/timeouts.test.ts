import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startGateway, waitForConnectionStatus, type GatewayProcess } from '../support/gateway-process.ts';
import { createAndLink } from '../support/link-session.ts';
import { freshDatabaseUrl, tempDir } from '../support/test-databases.ts';
import { startTestSimulator, type TestSimulator } from '../support/test-simulator.ts';

describe('timeouts: expired QR codes, a silent socket, a stalled handshake', () => {
  let t: TestSimulator;
  let gateway: GatewayProcess;
  const phone = '6281500000001';

  before(async () => {
    t = await startTestSimulator('timeouts');
    t.sim.createPhone({ phoneNumber: phone, name: 'Patience', platform: 'android' });
    gateway = await startGateway({
      databaseUrl: await freshDatabaseUrl('sqlite'),
      dataDir: tempDir(),
      env: {
        ...t.gatewayEnv,
        WA_QR_TIMEOUT_MS: '250',
        WA_KEEP_ALIVE_MS: '1000',
        WA_CONNECT_TIMEOUT_MS: '1500',
        RECONNECT_BASE_MS: '200',
        RECONNECT_MAX_MS: '500',
      },
    });
  });
  after(async () => {
    await gateway?.kill('SIGKILL');
    await t?.sim.stop();
  });

  test('when every QR code expires unscanned the session stops with a clear reason, and can start again', async () => {
    await gateway.request('POST', '/sessions', { sessionId: 'unscanned' });
    const stopped = await waitForConnectionStatus(gateway, 'unscanned', 'STOPPED', 15_000);
    assert.equal(stopped.body.data.status, 'stopped');
    assert.equal(stopped.body.data.lastDisconnect.code, 408);
    assert.match(stopped.body.data.lastDisconnect.reason, /QR refs attempts ended/);
    const status = await gateway.request('GET', '/sessions/unscanned/status');
    assert.ok(status.body.data.history.some((h: { reason: string | null }) => /QR code expired/.test(h.reason ?? '')));
    const noQr = await gateway.request('GET', '/sessions/unscanned/qr');
    assert.equal(noQr.status, 409);
    await gateway.request('POST', '/sessions/unscanned/start');
    await waitForConnectionStatus(gateway, 'unscanned', 'QR_REQUIRED');
    await gateway.request('POST', '/sessions/unscanned/stop');
  });

  test('a socket that goes silent is noticed by keep-alive and replaced', async () => {
    const jid = await createAndLink(gateway, t.sim, 'quiet', phone);
    const since = Date.now();
    const relogin = t.sim.waitForLogin(jid, 20_000);
    t.sim.injectFault({ kind: 'silent', jid });
    await relogin;
    const back = await waitForConnectionStatus(gateway, 'quiet', 'AUTHENTICATED');
    assert.equal(back.body.data.lastDisconnect.code, 408);
    const history = (await gateway.request('GET', '/sessions/quiet/status')).body.data.history
      .filter((h: { at: string }) => Date.parse(h.at) >= since)
      .map((h: { connectionStatus: string }) => h.connectionStatus);
    assert.ok(history.includes('RECONNECTING'), 'the dead socket stopped reading AUTHENTICATED');
  });

  test('a stalled handshake times out and the retry gets through', async () => {
    const jid = (await gateway.request('GET', '/sessions/quiet/credentials')).body.data.userInfo.jid;
    const since = Date.now();
    t.sim.injectFault({ kind: 'stall-handshake' });
    const relogin = t.sim.waitForLogin(jid, 20_000);
    t.sim.injectFault({ kind: 'drop-tcp', jid });
    await relogin;
    await waitForConnectionStatus(gateway, 'quiet', 'AUTHENTICATED');
    const history = (await gateway.request('GET', '/sessions/quiet/status')).body.data.history.filter(
      (h: { at: string }) => Date.parse(h.at) >= since,
    );
    const retries = history.filter((h: { connectionStatus: string }) => h.connectionStatus === 'RECONNECTING');
    assert.ok(retries.length >= 2, `dropped, then timed out: ${JSON.stringify(history)}`);
    assert.ok(
      retries.some((h: { reason: string }) => /Timed Out|408/i.test(h.reason)),
      JSON.stringify(retries),
    );
  });
});
