import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseDatabaseUrl } from '../../src/config/database-url.ts';
import { openStore } from '../../src/store/open-store.ts';
import type { Store } from '../../src/store/store.ts';
import { countRows, databaseBytes, hasMetaRow, logicalDump, sqliteFiles } from '../support/database-dump.ts';
import { ROOT } from '../support/gateway-command.ts';
import { startGateway, waitForConnectionStatus, type GatewayProcess } from '../support/gateway-process.ts';
import { freshDatabaseUrl, tempDir, TEST_DIALECTS } from '../support/test-databases.ts';
import { startTestSimulator, type TestSimulator } from '../support/test-simulator.ts';

const ME = '6281500000001';
const DORA = '6281500000002';

const mode = (path: string): number => statSync(path).mode & 0o777;

/** Runs `npm run rotate-key`'s program; SIGKILLs it once `killWhen` says so. Resolves with the exit code or signal. */
function runRotation(env: Record<string, string>, newKeyFile: string, killWhen?: () => Promise<boolean>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/rotate-key.ts', '--new-key-file', newKeyFile], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let running = true;
  const exited = new Promise<{ code: number | string | null; output: string }>((resolve) =>
    child.once('exit', (code, signal) => {
      running = false;
      resolve({ code: code ?? signal, output });
    }),
  );
  void (async () => {
    while (killWhen && running) {
      if (await killWhen().catch(() => false)) {
        child.kill('SIGKILL');
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  })();
  return exited;
}

async function withStore<T>(databaseUrl: string, key: Buffer, use: (store: Store) => Promise<T>): Promise<T> {
  const parsed = parseDatabaseUrl(databaseUrl, ROOT);
  if (!parsed.ok) throw new Error(parsed.problem);
  const store = await openStore({ database: parsed.value, encryptionKey: key });
  try {
    return await use(store);
  } finally {
    await store.destroy();
  }
}

/** Whether a store opens with `key` (in-process, as the gateway would) and reads the session's creds. */
async function opensWith(databaseUrl: string, key: Buffer, sessionId: string): Promise<boolean> {
  const parsed = parseDatabaseUrl(databaseUrl, ROOT);
  if (!parsed.ok) throw new Error(parsed.problem);
  try {
    const store = await openStore({ database: parsed.value, encryptionKey: key });
    try {
      return (await store.auth.readCreds(sessionId)) !== undefined;
    } finally {
      await store.destroy();
    }
  } catch {
    return false;
  }
}

for (const dialect of TEST_DIALECTS) {
  describe(`encryption at rest, key rotation and idempotent sends (${dialect})`, () => {
    let t: TestSimulator;
    let gateway: GatewayProcess | undefined;
    let databaseUrl: string;
    let dataDir: string;
    let qr = '';
    const apiKey = `crypt_test_${randomBytes(8).toString('hex')}`;
    const sentText = `secret text ${randomBytes(6).toString('hex')}`;
    const receivedText = `secret reply ${randomBytes(6).toString('hex')}`;
    const start = (env: Record<string, string> = {}) =>
      startGateway({ databaseUrl, dataDir, apiKey, env: { ...t.gatewayEnv, ALLOW_PRIVATE_WEBHOOKS: 'true', ...env } });

    before(async () => {
      t = await startTestSimulator(`crypt-${dialect}`);
      t.sim.createPhone({ phoneNumber: ME, name: 'Keeper', platform: 'android' });
      t.sim.createPhone({ phoneNumber: DORA, name: 'Dora', platform: 'iphone' });
      databaseUrl = await freshDatabaseUrl(dialect);
      dataDir = join(tempDir(), 'data');
      gateway = await start();
    });
    after(async () => {
      await gateway?.kill('SIGKILL');
      await t?.sim.stop();
    });

    test('linked, sent and received: no key material and no text in the database; files are private', async () => {
      const g = gateway!;
      assert.equal((await g.request('POST', '/sessions', { sessionId: 'keeper' })).status, 201);
      await waitForConnectionStatus(g, 'keeper', 'QR_REQUIRED');
      qr = (await g.request('GET', '/sessions/keeper/qr')).body.data.qr;
      await t.sim.phone(ME).scan(qr);
      await waitForConnectionStatus(g, 'keeper', 'AUTHENTICATED');
      const sent = await g.request('POST', '/sessions/keeper/messages', { to: DORA, text: sentText });
      assert.equal(sent.status, 201, JSON.stringify(sent.body));
      await t.sim.phone(DORA).waitForMessage((m) => m.id === sent.body.data.id);
      await t.sim.phone(DORA).sendText(ME, receivedText);
      const secret = { whsec: `whsec_${randomBytes(24).toString('base64')}` };
      const hook = await g.request('PUT', '/sessions/keeper/webhook', {
        url: 'http://127.0.0.1:9/hook',
        secret: secret.whsec,
      });
      assert.ok(hook.status < 300, JSON.stringify(hook.body));
      // The received message is stored beside the sent one.
      for (let waited = 0; (await countRows(databaseUrl, 'messages')) < 2; waited += 50) {
        assert.ok(waited < 10_000, 'the received message was stored');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.equal(await g.kill('SIGKILL'), 'SIGKILL');
      gateway = undefined;

      const [, , identityPub, advSecret] = qr.split(',');
      const needles: Array<[string, Buffer]> = [
        ['the sent text', Buffer.from(sentText)],
        ['the received text', Buffer.from(receivedText)],
        ['the webhook secret', Buffer.from(secret.whsec)],
      ];
      for (const [name, base64] of [
        ['advSecretKey', advSecret],
        ['identity key', identityPub],
      ] as const) {
        const raw = Buffer.from(base64 ?? '', 'base64');
        assert.ok(raw.length >= 32, `${name} parsed from the QR`);
        needles.push(
          [`${name} (base64)`, Buffer.from(raw.toString('base64'))],
          [`${name} (hex)`, Buffer.from(raw.toString('hex'))],
          [`${name} (raw bytes)`, raw],
        );
      }
      const bytes = await databaseBytes(databaseUrl);
      assert.ok(bytes.length > 10_000, 'the database holds the linked session');
      assert.ok(bytes.includes(Buffer.from('wgc1:')), 'sealed values are there');
      for (const [name, needle] of needles) assert.equal(bytes.indexOf(needle), -1, `${name} found in the database`);

      assert.equal(mode(dataDir), 0o700);
      assert.equal(mode(join(dataDir, 'encryption-key')), 0o600);
      for (const file of sqliteFiles(databaseUrl)) assert.equal(mode(file), 0o600, file);
    });

    test('a restart with the right key restores the session without a rescan', async () => {
      const loggedIn = t.sim.waitForLogin(t.sim.devices(ME)[0]!.jid, 20_000);
      gateway = await start();
      await loggedIn;
      await waitForConnectionStatus(gateway, 'keeper', 'AUTHENTICATED');
      assert.equal(t.sim.devices(ME).length, 1, 'no second device was linked');
      assert.ok(
        !gateway.output().includes(readFileSync(join(dataDir, 'encryption-key'), 'utf8').trim()),
        'key not logged',
      );
    });

    test('Idempotency-Key: a retry after a SIGKILL replays the first answer and sends nothing again', async () => {
      const text = `once only ${randomBytes(4).toString('hex')}`;
      const headers = { 'idempotency-key': `order-${randomBytes(4).toString('hex')}` };
      const first = await gateway!.request('POST', '/sessions/keeper/messages', { to: DORA, text }, headers);
      assert.equal(first.status, 201, JSON.stringify(first.body));
      assert.equal(await gateway!.kill('SIGKILL'), 'SIGKILL');
      gateway = await start();
      await waitForConnectionStatus(gateway, 'keeper', 'AUTHENTICATED');
      const retry = await gateway.request('POST', '/sessions/keeper/messages', { to: DORA, text }, headers);
      assert.equal(retry.status, 201);
      assert.deepEqual(retry.body, first.body);
      assert.equal(retry.headers.get('idempotent-replayed'), 'true');
      const other = await gateway.request('POST', '/sessions/keeper/messages', { to: DORA, text: `${text}!` }, headers);
      assert.equal(other.status, 422);
      assert.equal(other.body.success, false);
      assert.equal(other.body.message, 'Idempotency-Key was already used with a different request body');
      const bad = await gateway.request(
        'POST',
        '/sessions/keeper/messages',
        { to: DORA, text },
        { 'idempotency-key': 'x'.repeat(256) },
      );
      assert.equal(bad.status, 400);
      // A control send proves the contact still receives: then exactly one message carries the text.
      const control = await gateway.request('POST', '/sessions/keeper/messages', { to: DORA, text: `control ${text}` });
      await t.sim.phone(DORA).waitForMessage((m) => m.id === control.body.data.id);
      const texts = t.sim
        .phone(DORA)
        .received()
        .map((m) => m.message.extendedTextMessage?.text ?? m.message.conversation);
      assert.equal(texts.filter((got) => got === text).length, 1);
    });

    test('a wrong key refuses to start with one line and changes nothing', async () => {
      assert.equal(await gateway!.kill('SIGKILL'), 'SIGKILL');
      gateway = undefined;
      const before = await logicalDump(databaseUrl);
      const wrong = randomBytes(32).toString('base64');
      const failure = await start({ ENCRYPTION_KEY: wrong }).then(
        () => null,
        (err: Error) => err.message,
      );
      assert.ok(failure, 'the gateway did not start');
      assert.match(failure, /exited early \(1\)/);
      const lines = failure.split('\n').filter((line) => /ENCRYPTION_KEY does not decrypt this database/.test(line));
      assert.equal(lines.length, 1, failure);
      assert.doesNotMatch(failure, /\n\s+at /, 'no stack');
      assert.ok(!failure.includes(wrong), 'the key is not printed');
      assert.equal(await logicalDump(databaseUrl), before, 'no row changed');
    });

    test('rotation: SIGKILLed at any point the database opens with the old or the new key; a rerun finishes', async () => {
      const oldKey = Buffer.from(readFileSync(join(dataDir, 'encryption-key'), 'utf8').trim(), 'base64');
      const newKey = randomBytes(32);
      const newKeyFile = join(dataDir, '..', 'new-key');
      writeFileSync(newKeyFile, newKey.toString('base64'), { mode: 0o600 });
      const env = { DATABASE_URL: databaseUrl, DATA_DIR: dataDir };
      // Enough rows that the rotation takes many batches, so a kill can land in the middle.
      await withStore(databaseUrl, oldKey, (store) =>
        store.auth.writeKeys(
          'keeper',
          Array.from({ length: 5_000 }, (_, i) => ({ type: 'test-filler', id: String(i), value: `filler ${i}` })),
        ),
      );
      const midway = await runRotation(env, newKeyFile, () => hasMetaRow(databaseUrl, 'key_rotation'));
      assert.equal(midway.code, 'SIGKILL', midway.output);
      assert.equal(await hasMetaRow(databaseUrl, 'key_rotation'), true, 'killed in the middle of the rotation');
      assert.equal(await opensWith(databaseUrl, oldKey, 'keeper'), true, 'mid-rotation, the old key opens it');
      assert.equal(await opensWith(databaseUrl, newKey, 'keeper'), true, 'mid-rotation, the new key opens it');
      const done = await runRotation(env, newKeyFile);
      assert.equal(done.code, 0, done.output);
      assert.equal(readFileSync(join(dataDir, 'encryption-key'), 'utf8').trim(), newKey.toString('base64'));
      assert.equal(await opensWith(databaseUrl, oldKey, 'keeper'), false, 'the old key no longer opens it');
      const again = await runRotation(env, newKeyFile);
      assert.equal(again.code, 0, again.output);
      assert.match(again.output, /0 rows re-sealed/);

      gateway = await start();
      await waitForConnectionStatus(gateway, 'keeper', 'AUTHENTICATED');
      assert.equal(t.sim.devices(ME).length, 1, 'restored with the new key, no rescan');
    });
  });
}
