import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { autoEngineThreads, describeDatabase, loadConfig } from './load-config.ts';
import { cwd, problemsOf } from '../../test/support/config-helpers.ts';

describe('loadConfig', () => {
  test('defaults', () => {
    const dir = cwd();
    const config = loadConfig({}, { cwd: dir });
    assert.deepEqual(config, {
      port: 3000,
      host: '0.0.0.0',
      apiKey: undefined,
      database: { dialect: 'sqlite', filename: join(dir, 'data', 'wagate.sqlite') },
      encryptionKey: undefined,
      dataDir: join(dir, 'data'),
      logLevel: 'info',
      waWsUrl: undefined,
      waRootPublicKey: undefined,
      sessionStartConcurrency: 10,
      engineThreads: autoEngineThreads(),
      reconnectBaseMs: 1000,
      reconnectMaxMs: 60000,
      bodyLimitBytes: 1_048_576,
      mediaMaxBytes: 16_777_216,
      allowPrivateMediaUrls: false,
      mediaFetchTimeoutMs: 30_000,
      mediaFetchConcurrency: 8,
      requestTimeoutMs: 30_000,
      messageRetentionHours: 72,
      eventRetentionHours: 168,
      keepAliveIntervalMs: 30_000,
      connectTimeoutMs: 20_000,
      qrTimeoutMs: undefined,
      webhookUrl: undefined,
      webhookSecret: undefined,
      allowPrivateWebhooks: false,
      webhookTimeoutMs: 10_000,
      webhookRetryBaseMs: 1_000,
      webhookRetryMaxMs: 600_000,
      webhookMaxAttempts: 15,
      webhookDisableAfterFailures: 20,
      webhookDisableAfterMs: 3_600_000,
      eventsHeartbeatMs: 15_000,
      rateLimitPerMinute: 600,
      adminRateLimitPerMinute: null,
      authFailureLimit: 50,
      authFailureWindowMs: 60_000,
      trustProxy: false,
    });
  });

  test('rate limits and TRUST_PROXY', () => {
    const config = loadConfig(
      {
        RATE_LIMIT_PER_MINUTE: '30',
        ADMIN_RATE_LIMIT_PER_MINUTE: '900',
        AUTH_FAILURE_LIMIT: '5',
        TRUST_PROXY: '10.0.0.0/8, 127.0.0.1',
      },
      { cwd: cwd(), envFile: false },
    );
    assert.equal(config.rateLimitPerMinute, 30);
    assert.equal(config.adminRateLimitPerMinute, 900);
    assert.equal(config.authFailureLimit, 5);
    assert.equal(config.trustProxy, '10.0.0.0/8, 127.0.0.1');
    assert.equal(loadConfig({ TRUST_PROXY: '2' }, { cwd: cwd(), envFile: false }).trustProxy, 2);
    assert.equal(loadConfig({ TRUST_PROXY: 'true' }, { cwd: cwd(), envFile: false }).trustProxy, true);
    assert.throws(() => loadConfig({ AUTH_FAILURE_LIMIT: '51' }, { cwd: cwd(), envFile: false }), /AUTH_FAILURE_LIMIT/);
    assert.throws(() => loadConfig({ TRUST_PROXY: 'proxy.example' }, { cwd: cwd(), envFile: false }), /TRUST_PROXY/);
  });

  test('without DATABASE_URL the SQLite file lives in DATA_DIR', () => {
    const dir = cwd();
    const sqlite = (filename: string) => ({ dialect: 'sqlite', filename });
    const inState = loadConfig({ DATA_DIR: 'state' }, { cwd: dir }).database;
    assert.deepEqual(inState, sqlite(join(dir, 'state', 'wagate.sqlite')));
    assert.deepEqual(loadConfig({ DATA_DIR: '/srv/wa' }, { cwd: dir }).database, sqlite('/srv/wa/wagate.sqlite'));
    const explicit = loadConfig({ DATA_DIR: '/srv/wa', DATABASE_URL: 'sqlite:./other.sqlite' }, { cwd: dir }).database;
    assert.deepEqual(explicit, { dialect: 'sqlite', filename: join(dir, 'other.sqlite') }, 'DATABASE_URL still wins');
  });

  test('ENGINE_THREADS=auto: one per core, at most 8, none on a single core', () => {
    assert.deepEqual(
      [1, 2, 4, 8, 64].map((cores) => autoEngineThreads(cores)),
      [0, 2, 4, 8, 8],
    );
    assert.equal(loadConfig({ ENGINE_THREADS: 'auto' }, { cwd: cwd() }).engineThreads, autoEngineThreads());
    assert.equal(loadConfig({ ENGINE_THREADS: 'AUTO' }, { cwd: cwd() }).engineThreads, autoEngineThreads());
    assert.equal(loadConfig({}, { cwd: cwd() }).engineThreads, autoEngineThreads(), 'auto is the default');
    assert.equal(loadConfig({ ENGINE_THREADS: '0' }, { cwd: cwd() }).engineThreads, 0, '0 keeps the main thread');
  });

  test('every variable is read', () => {
    const key = 'AB'.repeat(32);
    const config = loadConfig(
      {
        PORT: '8080',
        HOST: '127.0.0.1',
        API_KEY: 'a-very-long-api-key',
        DATABASE_URL: 'postgresql://u:p@db:5432/wagate',
        DATA_DIR: '/var/lib/wagate',
        LOG_LEVEL: 'DEBUG',
        WA_WS_URL: 'ws://127.0.0.1:7777/ws/chat',
        WA_ROOT_PUBLIC_KEY: key,
        SESSION_START_CONCURRENCY: '4',
        ENGINE_THREADS: '2',
        RECONNECT_BASE_MS: '500',
        RECONNECT_MAX_MS: '500',
        BODY_LIMIT_BYTES: '2048',
        WEBHOOK_URL: 'https://hooks.example.test/in',
        WEBHOOK_SECRET: 'sixteen-chars-ok',
        WEBHOOK_TIMEOUT_MS: '2500',
        WEBHOOK_RETRY_BASE_MS: '50',
        WEBHOOK_RETRY_MAX_MS: '900',
        WEBHOOK_MAX_ATTEMPTS: '4',
        WEBHOOK_DISABLE_AFTER_FAILURES: '7',
        WEBHOOK_DISABLE_AFTER_MS: '0',
        EVENTS_HEARTBEAT_MS: '250',
        ALLOW_PRIVATE_WEBHOOKS: 'true',
        ALLOW_PRIVATE_MEDIA_URLS: 'true',
        MEDIA_FETCH_TIMEOUT_MS: '1500',
        MEDIA_FETCH_CONCURRENCY: '3',
        REQUEST_TIMEOUT_MS: '4000',
      },
      { cwd: cwd() },
    );
    assert.equal(config.port, 8080);
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.apiKey, 'a-very-long-api-key');
    assert.deepEqual(config.database, { dialect: 'postgres', url: 'postgresql://u:p@db:5432/wagate' });
    assert.equal(describeDatabase(config.database), 'postgresql://u:***@db:5432/wagate');
    assert.equal(config.dataDir, '/var/lib/wagate');
    assert.equal(config.logLevel, 'debug');
    assert.equal(config.waWsUrl, 'ws://127.0.0.1:7777/ws/chat');
    assert.equal(config.waRootPublicKey, key.toLowerCase());
    assert.equal(config.sessionStartConcurrency, 4);
    assert.equal(config.engineThreads, 2);
    assert.equal(config.reconnectBaseMs, 500);
    assert.equal(config.reconnectMaxMs, 500);
    assert.equal(config.bodyLimitBytes, 2048);
    assert.equal(config.webhookUrl, 'https://hooks.example.test/in');
    assert.equal(config.webhookSecret, 'sixteen-chars-ok');
    assert.equal(config.webhookTimeoutMs, 2500);
    assert.equal(config.webhookRetryBaseMs, 50);
    assert.equal(config.webhookRetryMaxMs, 900);
    assert.equal(config.webhookMaxAttempts, 4);
    assert.equal(config.webhookDisableAfterFailures, 7);
    assert.equal(config.webhookDisableAfterMs, 0);
    assert.equal(config.eventsHeartbeatMs, 250);
    assert.equal(config.allowPrivateWebhooks, true);
    assert.equal(config.allowPrivateMediaUrls, true);
    assert.equal(config.mediaFetchTimeoutMs, 1500);
    assert.equal(config.mediaFetchConcurrency, 3);
    assert.equal(config.requestTimeoutMs, 4000);
  });

  test('database URLs', () => {
    const dir = cwd();
    const db = (url: string) => loadConfig({ DATABASE_URL: url }, { cwd: dir }).database;
    assert.deepEqual(db('sqlite::memory:'), { dialect: 'sqlite', filename: ':memory:' });
    assert.deepEqual(db('sqlite:/abs/x.db'), { dialect: 'sqlite', filename: '/abs/x.db' });
    assert.deepEqual(db('sqlite:///abs/x.db'), { dialect: 'sqlite', filename: '/abs/x.db' });
    assert.deepEqual(db('sqlite:rel/x.db'), { dialect: 'sqlite', filename: join(dir, 'rel', 'x.db') });
    assert.equal(db('postgres://localhost/wagate').dialect, 'postgres');
  });

  test('every invalid value is listed at once, and secrets are not echoed', () => {
    const problems = problemsOf(() =>
      loadConfig(
        {
          PORT: '70000',
          HOST: 'bad host',
          API_KEY: 'short',
          DATABASE_URL: 'mysql://x',
          LOG_LEVEL: 'loud',
          WA_WS_URL: 'http://not-ws',
          WA_ROOT_PUBLIC_KEY: 'abc',
          SESSION_START_CONCURRENCY: '0',
          ENGINE_THREADS: '-1',
          RECONNECT_BASE_MS: '5000',
          RECONNECT_MAX_MS: '100',
          BODY_LIMIT_BYTES: '1.5e6',
          WEBHOOK_URL: 'ftp://x',
          WEBHOOK_SECRET: 'tiny',
        },
        { cwd: cwd() },
      ),
    );
    const names = problems.map((p) => p.split(':')[0]);
    assert.deepEqual([...names].sort(), [
      'API_KEY',
      'BODY_LIMIT_BYTES',
      'DATABASE_URL',
      'ENGINE_THREADS',
      'HOST',
      'LOG_LEVEL',
      'PORT',
      'RECONNECT_MAX_MS',
      'SESSION_START_CONCURRENCY',
      'WA_ROOT_PUBLIC_KEY',
      'WA_WS_URL',
      'WEBHOOK_SECRET',
      'WEBHOOK_URL',
    ]);
    const message = problems.join('\n');
    assert.doesNotMatch(message, /short|tiny/, 'secret values must not appear');
    assert.match(message, /PORT: must be an integer from 1 to 65535 \(got "70000"\)/);
    assert.match(message, /ENGINE_THREADS: must be auto or an integer from 0 to 64 \(got "-1"\)/);
  });
});
