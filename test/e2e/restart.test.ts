import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startGateway, waitForConnectionStatus, type GatewayProcess } from '../support/gateway-process.ts';
import { createAndLink } from '../support/link-session.ts';
import { freshDatabaseUrl, tempDir } from '../support/test-databases.ts';
import { startTestSimulator, type TestSimulator } from '../support/test-simulator.ts';

describe('restart safety', () => {
  let t: TestSimulator;
  let gateway: GatewayProcess;
  let databaseUrl: string;
  let dataDir: string;
  const apiKey = 'restart_test_key_1234567890';

  before(async () => {
    t = await startTestSimulator('restart');
    t.sim.createPhone({ phoneNumber: '6281100000001', name: 'Keeper', platform: 'android' });
    t.sim.createPhone({ phoneNumber: '6281100000002', name: 'Sleeper', platform: 'smba' });
    databaseUrl = await freshDatabaseUrl('sqlite');
    dataDir = tempDir();
    gateway = await startGateway({ databaseUrl, dataDir, apiKey, env: t.gatewayEnv });
  });
  after(async () => {
    await gateway?.kill('SIGKILL');
    await t?.sim.stop();
  });

  test('SIGKILL loses no linked session; a stopped one stays stopped', async () => {
    const keeperJid = await createAndLink(gateway, t.sim, 'keeper', '6281100000001');
    const sleeperJid = await createAndLink(gateway, t.sim, 'sleeper', '6281100000002');
    const stopped = await gateway.request('POST', '/sessions/sleeper/stop');
    assert.equal(stopped.status, 200);
    assert.equal(stopped.body.data.status, 'stopped');
    await t.sim.waitForOffline(sleeperJid);

    assert.equal(await gateway.kill('SIGKILL'), 'SIGKILL');
    await t.sim.waitForOffline(keeperJid);
    const loggedIn = t.sim.waitForLogin(keeperJid, 20_000);
    gateway = await startGateway({ databaseUrl, dataDir, apiKey, env: t.gatewayEnv });
    await loggedIn;
    const keeper = await waitForConnectionStatus(gateway, 'keeper', 'AUTHENTICATED');
    assert.equal(keeper.body.data.userInfo.jid, keeperJid, 'same device, no new scan');
    assert.equal(keeper.body.data.status, 'connected');
    assert.equal(t.sim.devices('6281100000001').length, 1, 'no second device was linked');

    const sleeper = (await gateway.request('GET', '/sessions/sleeper/credentials')).body.data;
    assert.equal(sleeper.status, 'stopped');
    assert.equal(sleeper.connectionStatus, 'STOPPED');
    assert.equal(sleeper.isActive, false);
    assert.equal(sleeper.userInfo.platform, 'smba', 'stopped sessions keep their userInfo');
    assert.equal(t.sim.devices('6281100000002')[0]?.online, false);

    const started = await gateway.request('POST', '/sessions/sleeper/start');
    assert.equal(started.status, 200);
    await waitForConnectionStatus(gateway, 'sleeper', 'AUTHENTICATED');
  });

  test('SIGTERM closes sockets without logging out; the next boot restores them', async () => {
    assert.equal(await gateway.kill('SIGTERM'), 0);
    for (const device of [...t.sim.devices('6281100000001'), ...t.sim.devices('6281100000002')]) {
      assert.equal(device.status, 'linked', `${device.jid} still linked on WhatsApp`);
    }
    gateway = await startGateway({ databaseUrl, dataDir, apiKey, env: t.gatewayEnv });
    await waitForConnectionStatus(gateway, 'keeper', 'AUTHENTICATED');
    await waitForConnectionStatus(gateway, 'sleeper', 'AUTHENTICATED');
    const output = gateway.output();
    assert.doesNotMatch(output, /privKey|Closing session|Opening session|BEGIN PRIVATE/i, 'no key material in logs');
    assert.ok(!output.includes(apiKey), 'the API key is never logged');
  });
});
