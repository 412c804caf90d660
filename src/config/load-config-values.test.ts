import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ConfigError } from './config.ts';
import { loadConfig } from './load-config.ts';
import { cwd, problemsOf } from '../../test/support/config-helpers.ts';

describe('loadConfig: secrets, messages, .env files', () => {
  test('webhook secrets: raw (16+ chars) or a well-formed whsec_; retry bounds in order', () => {
    const standard = `whsec_${Buffer.alloc(24, 7).toString('base64')}`;
    assert.equal(loadConfig({ WEBHOOK_SECRET: standard }, { cwd: cwd() }).webhookSecret, standard);
    assert.equal(
      loadConfig({ WEBHOOK_SECRET: 'a-raw-secret-of-some-length' }, { cwd: cwd() }).webhookSecret,
      'a-raw-secret-of-some-length',
    );
    const problems = problemsOf(() =>
      loadConfig(
        { WEBHOOK_SECRET: 'whsec_not*base64*at*all!!', WEBHOOK_RETRY_BASE_MS: '5000', WEBHOOK_RETRY_MAX_MS: '10' },
        { cwd: cwd() },
      ),
    );
    assert.deepEqual(problems.map((p) => p.split(':')[0]).sort(), ['WEBHOOK_RETRY_MAX_MS', 'WEBHOOK_SECRET']);
    const unsigned = problemsOf(() => loadConfig({ WEBHOOK_URL: 'https://hooks.example.test/in' }, { cwd: cwd() }));
    assert.deepEqual(
      unsigned.map((p) => p.split(':')[0]),
      ['WEBHOOK_SECRET'],
    );
    assert.doesNotMatch(problems.join('\n'), /not\*base64/, 'secret values must not appear');
  });

  test('ENCRYPTION_KEY: 32 bytes of base64 (standard or url-safe); anything else is refused, never echoed', () => {
    const key = Buffer.alloc(32, 7);
    assert.deepEqual(loadConfig({ ENCRYPTION_KEY: key.toString('base64') }, { cwd: cwd() }).encryptionKey, key);
    assert.deepEqual(loadConfig({ ENCRYPTION_KEY: key.toString('base64url') }, { cwd: cwd() }).encryptionKey, key);
    for (const bad of [
      Buffer.alloc(16, 7).toString('base64'),
      'not a key at all, not at all, not at all!!',
      'x'.repeat(44),
    ]) {
      const problems = problemsOf(() => loadConfig({ ENCRYPTION_KEY: bad }, { cwd: cwd() }));
      assert.deepEqual(
        problems.map((p) => p.split(':')[0]),
        ['ENCRYPTION_KEY'],
      );
      assert.ok(!problems.join('\n').includes(bad), 'the value must not appear');
    }
  });

  test('the error message lists each problem on its own line', () => {
    assert.throws(
      () => loadConfig({ PORT: 'x', LOG_LEVEL: 'y' }, { cwd: cwd() }),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.equal(err.message.split('\n').filter((line) => line.startsWith('  - ')).length, 2);
        return true;
      },
    );
  });

  test('a root key needs a WebSocket URL; a URL alone is fine', () => {
    const key = '0'.repeat(64);
    assert.deepEqual(
      problemsOf(() => loadConfig({ WA_ROOT_PUBLIC_KEY: key }, { cwd: cwd() })).map((p) => p.split(':')[0]),
      ['WA_ROOT_PUBLIC_KEY'],
    );
    assert.equal(loadConfig({ WA_WS_URL: 'wss://relay.test/ws' }, { cwd: cwd() }).waRootPublicKey, undefined);
  });

  test('empty values count as unset', () => {
    const config = loadConfig({ PORT: '', API_KEY: '  ', LOG_LEVEL: '' }, { cwd: cwd() });
    assert.equal(config.port, 3000);
    assert.equal(config.apiKey, undefined);
    assert.equal(config.logLevel, 'info');
  });

  test('the result is frozen, nested values too', () => {
    const config = loadConfig({}, { cwd: cwd() });
    assert.ok(Object.isFrozen(config));
    assert.ok(Object.isFrozen(config.database));
    assert.throws(() => {
      (config as { port: number }).port = 1;
    }, TypeError);
  });

  test('.env fills in what the environment leaves unset; the environment wins', () => {
    const dir = cwd();
    writeFileSync(join(dir, '.env'), 'PORT=4000\nLOG_LEVEL=warn\n# comment\nHOST="10.0.0.1"\n');
    const config = loadConfig({ PORT: '5000' }, { cwd: dir });
    assert.equal(config.port, 5000);
    assert.equal(config.logLevel, 'warn');
    assert.equal(config.host, '10.0.0.1');
    assert.equal(loadConfig({ PORT: '5000' }, { cwd: dir, envFile: false }).logLevel, 'info');
  });

  test('values from .env are validated like the rest', () => {
    const dir = cwd();
    writeFileSync(join(dir, '.env'), 'PORT=nope\n');
    assert.deepEqual(
      problemsOf(() => loadConfig({}, { cwd: dir })).map((p) => p.split(':')[0]),
      ['PORT'],
    );
  });

  test('an explicitly named env file must exist; the default one is optional', () => {
    const dir = cwd();
    assert.equal(loadConfig({}, { cwd: dir }).port, 3000);
    assert.match(
      problemsOf(() => loadConfig({}, { cwd: dir, envFile: 'prod.env' }))[0] ?? '',
      /prod\.env does not exist/,
    );
  });
});
