import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { apiKeyMatches, generateApiKey, resolveApiKey } from './api-key.ts';

const tempDir = () => mkdtempSync(join(tmpdir(), 'wagate-key-'));

describe('resolveApiKey', () => {
  test('API_KEY wins and nothing is written', () => {
    const dataDir = join(tempDir(), 'data');
    assert.deepEqual(resolveApiKey({ apiKey: 'from-the-environment', dataDir }), {
      key: 'from-the-environment',
      generated: false,
      path: null,
    });
    assert.throws(() => statSync(dataDir), { code: 'ENOENT' });
  });

  test('first start generates a strong key into a private file; later starts reuse it', () => {
    const dataDir = join(tempDir(), 'nested', 'data');
    const first = resolveApiKey({ apiKey: undefined, dataDir });
    assert.equal(first.generated, true);
    assert.equal(first.path, join(dataDir, 'api-key'));
    assert.match(first.key, /^wag_[A-Za-z0-9_-]{43}$/);
    assert.equal(readFileSync(first.path, 'utf8').trim(), first.key);
    assert.equal(statSync(first.path).mode & 0o777, 0o600);
    assert.equal(statSync(dataDir).mode & 0o777, 0o700);

    const second = resolveApiKey({ apiKey: undefined, dataDir });
    assert.deepEqual(second, { key: first.key, generated: false, path: first.path });
  });

  test('the dataDir argument overrides the config', () => {
    const dataDir = tempDir();
    assert.equal(
      resolveApiKey({ apiKey: undefined, dataDir: '/nonexistent/never' }, dataDir).path,
      join(dataDir, 'api-key'),
    );
  });

  test('a stored key written by hand is used as is', () => {
    const dataDir = tempDir();
    writeFileSync(join(dataDir, 'api-key'), 'my-own-stored-key-123\n', { mode: 0o600 });
    assert.equal(resolveApiKey({ apiKey: undefined, dataDir }).key, 'my-own-stored-key-123');
  });

  test('a damaged key file stops start-up instead of locking clients out with a new key', () => {
    const dataDir = tempDir();
    writeFileSync(join(dataDir, 'api-key'), '\n');
    assert.throws(() => resolveApiKey({ apiKey: undefined, dataDir }), /empty or damaged/);
  });

  test('generated keys differ', () => {
    assert.notEqual(generateApiKey(), generateApiKey());
  });
});

describe('apiKeyMatches', () => {
  test('accepts only the exact key', () => {
    const key = generateApiKey();
    assert.equal(apiKeyMatches(key, key), true);
    assert.equal(apiKeyMatches(key, `${key}x`), false);
    assert.equal(apiKeyMatches(key, key.slice(0, -1)), false);
    assert.equal(apiKeyMatches(key, key.toUpperCase()), false);
    assert.equal(apiKeyMatches(key, ''), false);
    assert.equal(apiKeyMatches(key, undefined), false);
    assert.equal(apiKeyMatches(key, null), false);
    assert.equal(apiKeyMatches('', ''), false);
    assert.equal(apiKeyMatches('ünïcødé-key-value', 'ünïcødé-key-value'), true);
  });
});
