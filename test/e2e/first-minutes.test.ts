import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startGateway, waitForConnectionStatus, type GatewayProcess } from '../support/gateway-process.ts';
import { freshDatabaseUrl, tempDir } from '../support/test-databases.ts';
import { startTestSimulator, type TestSimulator } from '../support/test-simulator.ts';
import { autoEngineThreads } from '../../src/config/load-config.ts';

const PHONE = '6281900000001';
/** The start-up summary line, once the gateway's output has carried it here (it is logged right after listen). */
async function summaryLine(gateway: GatewayProcess): Promise<string> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const lines = gateway
      .output()
      .split('\n')
      .filter((line) => line.includes('"listen"'));
    if (lines.length > 0 || Date.now() > deadline) return lines.join('\n');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const CONTACT = '6281900000002';

/**
 * What a new user meets in the first minutes (issue 19), on a gateway started as the README says: no
 * DATABASE_URL (so the SQLite file goes to DATA_DIR), logging at info, pointed at the simulator, and
 * without trusting the simulator's media certificate.
 */
describe('the first ten minutes, against the simulator', () => {
  let t: TestSimulator;
  let gateway: GatewayProcess;
  let dataDir: string;

  before(async () => {
    t = await startTestSimulator('first-minutes');
    t.sim.createPhone({ phoneNumber: PHONE, name: 'Newcomer', platform: 'android' });
    t.sim.createPhone({ phoneNumber: CONTACT, name: 'Contact', platform: 'android' });
    const { NODE_EXTRA_CA_CERTS: _trusted, ...untrusting } = t.gatewayEnv;
    dataDir = tempDir();
    gateway = await startGateway({ databaseUrl: '', dataDir, env: { ...untrusting, LOG_LEVEL: 'info' } });
  });
  after(async () => {
    await gateway?.kill('SIGTERM');
    await t?.sim.stop();
  });

  test('without DATABASE_URL the SQLite file is DATA_DIR/wagate.sqlite, and the start-up line says so', async () => {
    const file = join(dataDir, 'wagate.sqlite');
    assert.ok(existsSync(file), `${file} exists`);
    const lines = (await summaryLine(gateway)).split('\n');
    assert.equal(lines.length, 1, 'one start-up summary line');
    const summary = JSON.parse(lines[0] ?? '{}');
    assert.equal(summary.level, 30, 'at info');
    assert.equal(summary.database, `SQLite ${file}`);
    assert.equal(summary.listen, gateway.url);
    assert.equal(summary.engineThreads, Number(process.env.WAGATE_TEST_ENGINE_THREADS ?? autoEngineThreads()));
    assert.match(summary.msg, /^wagate \d+\.\d+\.\d+; database SQLite /);
    assert.match(summary.msg, new RegExp(`simulator mode \\(WA_WS_URL=${escapeRegExp(t.sim.wsUrl)}\\)`));
  });

  test('create, then at once GET /qr: 200 with the QR; linking logs no error and no lastDisconnect', async () => {
    const created = await gateway.request('POST', '/sessions', { sessionId: 'eager' });
    assert.equal(created.status, 201);
    assert.deepEqual([created.body.data.status, created.body.data.connectionStatus], ['created', 'CONNECTING']);
    const qr = await gateway.request('GET', '/sessions/eager/qr');
    assert.equal(qr.status, 200, JSON.stringify(qr.body));
    assert.equal(qr.body.message, 'QR code retrieved successfully');
    assert.match(qr.body.data.qr, /^https:\/\/wa\.me\/settings\/linked_devices#/);

    await t.sim.phone(PHONE).scan(qr.body.data.qr);
    const linked = await waitForConnectionStatus(gateway, 'eager', 'AUTHENTICATED');
    assert.equal(linked.body.data.lastDisconnect, null, 'the pairing restart is not a lost connection');
    const log = gateway.output();
    assert.match(log, /"level":30[^\n]*"msg":"linked; restarting the stream"/);
    assert.doesNotMatch(log, /stream errored out/);
    assert.doesNotMatch(log, /"level":50/, 'nothing at error level');

    const linkedQr = await gateway.request('GET', '/sessions/eager/qr');
    assert.equal(linkedQr.status, 409, 'no QR is coming for a linked session');
    assert.match(linkedQr.body.error, /already linked/);
  });

  test('start and restart answer a status that agrees with connectionStatus', async () => {
    const stopped = await gateway.request('POST', '/sessions/eager/stop');
    assert.deepEqual([stopped.body.data.status, stopped.body.data.connectionStatus], ['stopped', 'STOPPED']);
    const stoppedQr = await gateway.request('GET', '/sessions/eager/qr');
    assert.equal(stoppedQr.status, 409, 'no QR is coming for a stopped session');
    for (const command of ['start', 'restart']) {
      const answer = await gateway.request('POST', `/sessions/eager/${command}`);
      assert.equal(answer.status, 200);
      assert.deepEqual(
        [answer.body.data.status, answer.body.data.connectionStatus],
        ['authenticated', 'CONNECTING'],
        command,
      );
    }
    const open = await waitForConnectionStatus(gateway, 'eager', 'AUTHENTICATED');
    assert.equal(open.body.data.status, 'connected');
  });

  test('a media upload to a host with an untrusted certificate is 502 naming the host and the cause', async () => {
    const image = { base64: Buffer.from('not really a png').toString('base64'), mimetype: 'image/png' };
    const response = await gateway.request('POST', '/sessions/eager/messages', { to: CONTACT, image });
    assert.equal(response.status, 502, JSON.stringify(response.body));
    assert.equal(response.body.success, false);
    assert.equal(response.body.message, 'Media upload to WhatsApp failed');
    assert.equal(response.body.code, 'MEDIA_UPLOAD_FAILED');
    assert.match(response.body.error, new RegExp(`127\\.0\\.0\\.1:${t.sim.media.port}: self-signed certificate`));
    assert.equal(t.sim.phone(CONTACT).received().length, 0, 'nothing reached the contact');
    const text = await gateway.request('POST', '/sessions/eager/messages', { to: CONTACT, text: 'texts still go' });
    assert.equal(text.status, 201, JSON.stringify(text.body));
  });
});

describe('the start-up line on PostgreSQL', () => {
  test('names the host and the database, never a password', async () => {
    const url = new URL(await freshDatabaseUrl('postgres'));
    url.password = 'not-a-real-secret-123';
    const gateway = await startGateway({
      databaseUrl: url.toString(),
      dataDir: tempDir(),
      env: { LOG_LEVEL: 'info' },
    }).catch((err: Error) => err);
    // Trust authentication accepts a password it does not need; if not, the failure must not show it either.
    const line = gateway instanceof Error ? '' : await summaryLine(gateway);
    if (!(gateway instanceof Error)) await gateway.kill('SIGTERM');
    const output = gateway instanceof Error ? gateway.message : gateway.output();
    assert.doesNotMatch(output, /not-a-real-secret-123/);
    assert.ok(!(gateway instanceof Error), output);
    assert.match(line, new RegExp(`database PostgreSQL ${url.host} database ${url.pathname.slice(1)}`));
    assert.doesNotMatch(line, /simulator mode/);
  });
});
