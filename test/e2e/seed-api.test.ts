import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startSimulator, type Simulator } from '../../src/sim/simulator.ts';
import { startGateway, waitForConnectionStatus, type GatewayProcess } from '../support/gateway-process.ts';
import { DIALECTS, freshDatabaseUrl, tempDir } from '../support/test-databases.ts';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const SEED_BASIC_KEYS = [
  'id',
  'sessionId',
  'status',
  'createdAt',
  'updatedAt',
  'isActive',
  'isAuthenticated',
  'startTime',
  'connectionStatus',
];
const SEED_USER_KEYS = ['phoneNumber', 'name', 'jid', 'platform', 'registered'];

function assertSeedCredentials(data: Record<string, any>, phone: string, sessionId: string) {
  for (const key of [...SEED_BASIC_KEYS, 'userInfo']) assert.ok(key in data, `field ${key}`);
  assert.equal(typeof data.id, 'number');
  assert.equal(data.sessionId, sessionId);
  assert.equal(data.status, 'connected');
  assert.match(data.createdAt, ISO);
  assert.match(data.updatedAt, ISO);
  assert.equal(data.isActive, true);
  assert.equal(data.isAuthenticated, true);
  assert.equal(typeof data.startTime, 'number');
  assert.ok(Math.abs(Date.now() - data.startTime) < 10 * 60_000, 'startTime is epoch milliseconds');
  assert.equal(data.connectionStatus, 'AUTHENTICATED');
  for (const key of SEED_USER_KEYS) assert.ok(key in data.userInfo, `userInfo.${key}`);
  assert.equal(data.userInfo.phoneNumber, phone);
  assert.equal(data.userInfo.name, 'Popeye');
  assert.match(data.userInfo.jid, new RegExp(`^${phone}:\\d+@s\\.whatsapp\\.net$`));
  assert.equal(data.userInfo.platform, 'android');
  assert.equal(data.userInfo.registered, false, 'QR linking leaves Baileys registered=false');
  assert.match(data.userInfo.lid, /^\d+:\d+@lid$/);
}

for (const dialect of DIALECTS) {
  describe(`seed API end to end on ${dialect}`, () => {
    let sim: Simulator;
    let gateway: GatewayProcess;
    const phone = dialect === 'sqlite' ? '6283876013551' : '6283876013552';
    const sessionId = 'whatsapp_connectiona';

    before(async () => {
      sim = await startSimulator({ rootSeed: `seed-api-${dialect}` });
      gateway = await startGateway({
        databaseUrl: await freshDatabaseUrl(dialect),
        dataDir: tempDir(),
        env: { WA_WS_URL: sim.wsUrl, WA_ROOT_PUBLIC_KEY: sim.rootPublicKeyHex },
      });
      sim.createPhone({ phoneNumber: phone, name: 'Popeye', platform: 'android' });
    });
    after(async () => {
      await gateway?.kill('SIGTERM');
      await sim?.stop();
    });

    test('create → QR → scan → AUTHENTICATED', async () => {
      const created = await gateway.request('POST', '/sessions', { sessionId });
      assert.equal(created.status, 201);
      assert.equal(created.body.success, true);
      assert.equal(created.body.data.sessionId, sessionId);
      assert.equal(created.body.data.isActive, true);
      assert.equal(created.body.data.isAuthenticated, false);
      assert.equal('userInfo' in created.body.data, false, 'basic objects have no userInfo');

      await waitForConnectionStatus(gateway, sessionId, 'QR_REQUIRED');
      const qr = await gateway.request('GET', `/sessions/${sessionId}/qr`);
      assert.equal(qr.status, 200);
      assert.equal(qr.body.message, 'QR code retrieved successfully');
      assert.equal(qr.body.data.sessionId, sessionId);
      assert.match(qr.body.data.qr, /^https:\/\/wa\.me\/settings\/linked_devices#[^,]+,[^,]+,[^,]+,[^,]+,\d+$/);
      assert.match(qr.body.data.qrImage, /^data:image\/png;base64,[A-Za-z0-9+/=]+$/);
      const png = await gateway.request('GET', `/sessions/${sessionId}/qr`, undefined, { accept: 'image/png' });
      assert.equal(png.status, 200);
      assert.equal(png.headers.get('content-type'), 'image/png');
      assert.deepEqual([...(png.body as Buffer).subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);

      await sim.phone(phone).scan(qr.body.data.qr);
      await waitForConnectionStatus(gateway, sessionId, 'AUTHENTICATED');
      const noQr = await gateway.request('GET', `/sessions/${sessionId}/qr`);
      assert.equal(noQr.status, 409);
      assert.equal(noQr.body.success, false);
    });

    test('GET /sessions/:id/credentials matches the seed exactly', async () => {
      const response = await gateway.request('GET', `/sessions/${sessionId}/credentials`);
      assert.equal(response.status, 200);
      assert.deepEqual(Object.keys(response.body).sort(), ['data', 'message', 'success']);
      assert.equal(response.body.success, true);
      assert.equal(response.body.message, 'Session credentials retrieved successfully');
      assertSeedCredentials(response.body.data, phone, sessionId);
    });

    test('the four list endpoints and the basic object', async () => {
      await gateway.request('POST', '/sessions', { sessionId: 'unlinked_one' });
      await waitForConnectionStatus(gateway, 'unlinked_one', 'QR_REQUIRED');
      const expectations = [
        ['/sessions/connected/credentials', 'Connected sessions with credentials retrieved successfully', [sessionId]],
        [
          '/sessions/all/credentials',
          'All sessions with credentials retrieved successfully',
          [sessionId, 'unlinked_one'],
        ],
        ['/sessions/connected', 'Connected sessions retrieved successfully', [sessionId]],
        ['/sessions/all', 'All sessions retrieved successfully', [sessionId, 'unlinked_one']],
        ['/sessions', 'Active sessions retrieved successfully', [sessionId, 'unlinked_one']],
      ] as const;
      for (const [path, message, ids] of expectations) {
        const response = await gateway.request('GET', path);
        assert.equal(response.status, 200, path);
        assert.deepEqual(Object.keys(response.body).sort(), ['count', 'data', 'message', 'success'], path);
        assert.equal(response.body.message, message, path);
        assert.equal(response.body.count, ids.length, path);
        assert.deepEqual(
          response.body.data.map((s: { sessionId: string }) => s.sessionId),
          [...ids],
          path,
        );
        const linked = response.body.data.find((s: { sessionId: string }) => s.sessionId === sessionId);
        if (path.endsWith('/credentials')) assertSeedCredentials(linked, phone, sessionId);
        else assert.equal('userInfo' in linked, false, `${path} is basic`);
      }
      const unlinked = (await gateway.request('GET', '/sessions/unlinked_one/credentials')).body.data;
      assert.equal(unlinked.userInfo, null);
      assert.equal(unlinked.isAuthenticated, false);
      assert.equal(unlinked.connectionStatus, 'QR_REQUIRED');
      assert.equal(unlinked.status, 'qr');

      const basic = await gateway.request('GET', `/sessions/${sessionId}`);
      assert.equal(basic.body.message, 'Session retrieved successfully');
      for (const key of SEED_BASIC_KEYS) assert.ok(key in basic.body.data, key);
      assert.equal(basic.body.data.connectionStatus, 'AUTHENTICATED');
    });

    test('status reports liveness and a timestamped history', async () => {
      const response = await gateway.request('GET', `/sessions/${sessionId}/status`);
      assert.equal(response.status, 200);
      assert.equal(response.body.message, 'Session status retrieved successfully');
      const data = response.body.data;
      assert.equal(data.connectionStatus, 'AUTHENTICATED');
      assert.match(data.lastSeenAt, ISO);
      const seen = data.history.map((h: { connectionStatus: string }) => h.connectionStatus);
      assert.ok(seen.includes('QR_REQUIRED') && seen.includes('AUTHENTICATED'), JSON.stringify(seen));
      for (const entry of data.history) assert.match(entry.at, ISO);
    });
  });
}
