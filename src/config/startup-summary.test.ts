import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadConfig } from './load-config.ts';
import { startupSummary } from './startup-summary.ts';

describe('startupSummary', () => {
  test('SQLite: names the file, the listen address, the threads; no simulator without WA_WS_URL', () => {
    const config = loadConfig(
      { DATA_DIR: '/srv/wa', HOST: '127.0.0.1', PORT: '8080', ENGINE_THREADS: '0' },
      { cwd: '/', envFile: false },
    );
    const { message, fields } = startupSummary(config, '1.2.3');
    assert.equal(
      message,
      'wagate 1.2.3; database SQLite /srv/wa/wagate.sqlite; listening on http://127.0.0.1:8080; ' +
        'engine on the main thread',
    );
    assert.equal(fields.simulator, undefined);
  });

  test('PostgreSQL: host and database, never the user or password; simulator mode is said', () => {
    const config = loadConfig(
      {
        DATABASE_URL: 'postgres://wagate:s3cret-pass@db.internal:6543/wa_prod',
        ENGINE_THREADS: '2',
        WA_WS_URL: 'ws://127.0.0.1:7777/ws/chat',
        HOST: '::1',
      },
      { cwd: '/', envFile: false },
    );
    const { message } = startupSummary(config, '1.2.3');
    assert.match(message, /database PostgreSQL db\.internal:6543 database wa_prod/);
    assert.match(message, /listening on http:\/\/\[::1\]:3000/);
    assert.match(message, /2 engine threads/);
    assert.match(message, /simulator mode \(WA_WS_URL=ws:\/\/127\.0\.0\.1:7777\/ws\/chat\)/);
    assert.doesNotMatch(JSON.stringify(startupSummary(config, '1.2.3')), /s3cret|wagate:/);
  });
});
