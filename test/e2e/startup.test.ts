import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { startGateway } from '../support/gateway-process.ts';
import { freshDatabaseUrl, tempDir } from '../support/test-databases.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('start-up', () => {
  test('without API_KEY a strong key is generated once, stored 0600, never logged, and reused', async () => {
    const dataDir = tempDir();
    const databaseUrl = await freshDatabaseUrl('sqlite');
    const first = await startGateway({ databaseUrl, dataDir, apiKey: null, env: { LOG_LEVEL: 'info' } });
    try {
      assert.match(first.apiKey, /^wag_[A-Za-z0-9_-]{43}$/);
      assert.equal(statSync(join(dataDir, 'api-key')).mode & 0o777, 0o600);
      assert.match(
        first.output(),
        new RegExp(join(dataDir, 'api-key').replace(/[/.]/g, '\\$&')),
        'tells where the key is',
      );
      assert.ok(!first.output().includes(first.apiKey), 'the key itself is never logged');
      assert.equal((await first.request('GET', '/sessions')).status, 200);
      assert.equal((await fetch(`${first.url}/sessions`)).status, 401, 'never runs without authentication');
    } finally {
      await first.kill('SIGTERM');
    }
    const second = await startGateway({ databaseUrl, dataDir, apiKey: null, env: { LOG_LEVEL: 'info' } });
    try {
      assert.equal(second.apiKey, first.apiKey, 'the stored key is reused');
      assert.doesNotMatch(second.output(), /generated/, 'and announced only once');
    } finally {
      await second.kill('SIGTERM');
    }
  });

  test('invalid configuration stops the process with every problem listed', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        PORT: 'eighty',
        LOG_LEVEL: 'loud',
        DATABASE_URL: 'mysql://x',
        DATA_DIR: tempDir(),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    assert.equal(code, 1);
    for (const name of ['PORT', 'LOG_LEVEL', 'DATABASE_URL'])
      assert.match(stderr, new RegExp(name), `${name} listed:\n${stderr}`);
  });

  test('a WEBHOOK_URL on a private address stops the start unless ALLOW_PRIVATE_WEBHOOKS=true', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        DATA_DIR: tempDir(),
        DATABASE_URL: 'sqlite::memory:',
        WEBHOOK_URL: 'http://user:secret-pass@127.0.0.1:9/in',
        WEBHOOK_SECRET: `whsec_${Buffer.alloc(24, 1).toString('base64')}`,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    assert.equal(code, 1);
    assert.match(output, /WEBHOOK_URL: points at a private or reserved address.*ALLOW_PRIVATE_WEBHOOKS=true/);
    assert.ok(!output.includes('secret-pass'), "the URL's password is not printed");
    const allowed = await startGateway({
      databaseUrl: await freshDatabaseUrl('sqlite'),
      dataDir: tempDir(),
      env: {
        ALLOW_PRIVATE_WEBHOOKS: 'true',
        WEBHOOK_URL: 'http://127.0.0.1:9/in',
        WEBHOOK_SECRET: `whsec_${Buffer.alloc(24, 1).toString('base64')}`,
      },
    });
    await allowed.kill('SIGTERM');
  });
});
