import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { ConfigError, LOG_LEVELS, type Config, type DatabaseConfig } from './config.ts';
import { parseDatabaseUrl, redactUrl } from './database-url.ts';
import { parseEncryptionKey } from './encryption-key.ts';
import { createEnvReader, type EnvReader, type EnvSource } from './env-reader.ts';

export interface LoadConfigOptions {
  /** Base for relative paths and for the default `.env`; defaults to process.cwd(). */
  cwd?: string;
  /** A `.env` file to read (relative to cwd), or false for none. Default `.env`, read only if it exists. */
  envFile?: string | false;
}

const MIN_SECRET_LENGTH = 16;
/** Without DATABASE_URL the database is this SQLite file in DATA_DIR. */
const DEFAULT_SQLITE_FILE = 'wagate.sqlite';
const MAX_AUTO_ENGINE_THREADS = 8;

/**
 * `ENGINE_THREADS=auto`: one engine worker thread per core (at most 8), or none on a single core, where
 * threads would only add hops. On 2 cores, 2 threads beat 1 and the main thread for sending (docs/benchmarks.md).
 */
export function autoEngineThreads(cores: number = availableParallelism()): number {
  return cores < 2 ? 0 : Math.min(cores, MAX_AUTO_ENGINE_THREADS);
}

/**
 * `auto` by default (docs/architecture.md, engine threads): on 2 cores, sends with 8 in flight ran at 88 % of
 * bare Baileys against 62 % on the main thread, and restores still met their goals. A single core gets 0.
 */
function readEngineThreads(read: EnvReader): number {
  const value = read.raw('ENGINE_THREADS');
  if (value === undefined || value.toLowerCase() === 'auto') return autoEngineThreads();
  if (!/^\d+$/.test(value)) {
    read.report('ENGINE_THREADS', `must be auto or an integer from 0 to 64 (got ${JSON.stringify(value)})`);
    return 0;
  }
  return read.integer('ENGINE_THREADS', 0, 0, 64);
}

/** TRUST_PROXY: false (default), true, a hop count, or a comma-separated list of proxy addresses/CIDRs. */
function readTrustProxy(read: EnvReader): boolean | number | string {
  const value = read.raw('TRUST_PROXY')?.trim();
  if (value === undefined || value === '' || value.toLowerCase() === 'false') return false;
  if (value.toLowerCase() === 'true') return true;
  if (/^\d+$/.test(value)) return read.integer('TRUST_PROXY', 0, 0, 100);
  if (!/^[0-9A-Fa-f:.,/ ]+$/.test(value)) {
    read.report('TRUST_PROXY', 'must be true, false, a hop count or a comma-separated list of proxy addresses/CIDRs');
    return false;
  }
  return value;
}

/**
 * `.env` values under the real environment (the environment wins). Parsed with node's own `.env` parser
 * (the one behind process.loadEnvFile) but without writing into process.env, so loading stays pure.
 */
function withEnvFile(env: EnvSource, cwd: string, envFile: string | false, required: boolean): EnvSource {
  if (envFile === false) return env;
  const path = resolve(cwd, envFile);
  if (!existsSync(path)) {
    if (required) throw new ConfigError([`env file ${path} does not exist`]);
    return env;
  }
  return { ...parseEnv(readFileSync(path, 'utf8')), ...env };
}

/** Parses, validates and freezes the configuration; throws ConfigError listing every problem. */
export function loadConfig(env: EnvSource = process.env, options: LoadConfigOptions = {}): Config {
  const cwd = options.cwd ?? process.cwd();
  const source = withEnvFile(env, cwd, options.envFile ?? '.env', options.envFile !== undefined);
  const read = createEnvReader(source);

  const host = read.raw('HOST') ?? '0.0.0.0';
  if (/\s/.test(host)) read.report('HOST', 'must not contain whitespace');

  const apiKey = read.raw('API_KEY');
  if (apiKey !== undefined && (apiKey.length < MIN_SECRET_LENGTH || /\s/.test(apiKey))) {
    read.report(
      'API_KEY',
      `must be at least ${MIN_SECRET_LENGTH} characters without whitespace (leave it unset to generate one)`,
    );
  }

  const encryptionKeyText = read.raw('ENCRYPTION_KEY');
  const encryptionKey = encryptionKeyText === undefined ? undefined : parseEncryptionKey(encryptionKeyText);
  if (encryptionKeyText !== undefined && !encryptionKey) {
    read.report(
      'ENCRYPTION_KEY',
      'must be 32 bytes in base64, e.g. from `openssl rand -base64 32` (leave it unset to generate one)',
    );
  }

  const dataDir = resolve(cwd, read.raw('DATA_DIR') ?? './data');
  const databaseText = read.raw('DATABASE_URL') ?? `sqlite:${join(dataDir, DEFAULT_SQLITE_FILE)}`;
  const parsedDatabase = parseDatabaseUrl(databaseText, cwd);
  if (!parsedDatabase.ok) read.report('DATABASE_URL', parsedDatabase.problem);
  const database: DatabaseConfig = parsedDatabase.ok
    ? parsedDatabase.value
    : { dialect: 'sqlite', filename: ':memory:' };

  const waWsUrl = read.url('WA_WS_URL', ['ws:', 'wss:']);
  let waRootPublicKey = read.raw('WA_ROOT_PUBLIC_KEY')?.toLowerCase();
  if (waRootPublicKey !== undefined && !/^[0-9a-f]{64}$/.test(waRootPublicKey)) {
    read.report('WA_ROOT_PUBLIC_KEY', 'must be exactly 64 hex characters (a 32-byte public key)');
    waRootPublicKey = undefined;
  }
  // A foreign root key with WhatsApp's real endpoint would fail every handshake: it only makes sense
  // together with a simulator's URL. The URL alone is fine (a relay in front of real WhatsApp).
  if (read.raw('WA_ROOT_PUBLIC_KEY') !== undefined && read.raw('WA_WS_URL') === undefined) {
    read.report('WA_ROOT_PUBLIC_KEY', 'is only allowed together with WA_WS_URL (both point at a simulator)');
  }

  const reconnectBaseMs = read.integer('RECONNECT_BASE_MS', 1_000, 1, 3_600_000);
  const reconnectMaxMs = read.integer('RECONNECT_MAX_MS', 60_000, 1, 86_400_000);
  if (reconnectBaseMs > reconnectMaxMs) {
    read.report(
      'RECONNECT_MAX_MS',
      `must not be smaller than RECONNECT_BASE_MS (${reconnectMaxMs} < ${reconnectBaseMs})`,
    );
  }

  const webhookSecret = read.raw('WEBHOOK_SECRET');
  if (webhookSecret !== undefined && webhookSecret.length < MIN_SECRET_LENGTH) {
    read.report('WEBHOOK_SECRET', `must be at least ${MIN_SECRET_LENGTH} characters`);
  } else if (webhookSecret?.startsWith('whsec_') && !/^whsec_[A-Za-z0-9+/]{22,}={0,2}$/.test(webhookSecret)) {
    read.report('WEBHOOK_SECRET', 'a whsec_ secret must be whsec_ followed by base64 of at least 16 bytes');
  }
  if (read.raw('WEBHOOK_URL') !== undefined && webhookSecret === undefined) {
    read.report('WEBHOOK_SECRET', 'is required with WEBHOOK_URL (every webhook is signed)');
  }
  const webhookRetryBaseMs = read.integer('WEBHOOK_RETRY_BASE_MS', 1_000, 1, 3_600_000);
  const webhookRetryMaxMs = read.integer('WEBHOOK_RETRY_MAX_MS', 600_000, 1, 86_400_000);
  if (webhookRetryBaseMs > webhookRetryMaxMs) {
    read.report(
      'WEBHOOK_RETRY_MAX_MS',
      `must not be smaller than WEBHOOK_RETRY_BASE_MS (${webhookRetryMaxMs} < ${webhookRetryBaseMs})`,
    );
  }

  const config: Config = {
    port: read.integer('PORT', 3000, 1, 65_535),
    host,
    apiKey,
    database: Object.freeze(database),
    encryptionKey,
    dataDir,
    logLevel: read.oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
    waWsUrl,
    waRootPublicKey,
    sessionStartConcurrency: read.integer('SESSION_START_CONCURRENCY', 10, 1, 1_000),
    engineThreads: readEngineThreads(read),
    reconnectBaseMs,
    reconnectMaxMs,
    bodyLimitBytes: read.integer('BODY_LIMIT_BYTES', 1_048_576, 1_024, 1_073_741_824),
    mediaMaxBytes: read.integer('MEDIA_MAX_BYTES', 16 * 1_048_576, 1_024, 104_857_600),
    allowPrivateMediaUrls: read.oneOf('ALLOW_PRIVATE_MEDIA_URLS', ['true', 'false'], 'false') === 'true',
    mediaFetchTimeoutMs: read.integer('MEDIA_FETCH_TIMEOUT_MS', 30_000, 100, 600_000),
    mediaFetchConcurrency: read.integer('MEDIA_FETCH_CONCURRENCY', 8, 1, 1_000),
    requestTimeoutMs: read.integer('REQUEST_TIMEOUT_MS', 30_000, 1_000, 3_600_000),
    messageRetentionHours: read.integer('MESSAGE_RETENTION_HOURS', 72, 1, 24 * 365),
    eventRetentionHours: read.integer('EVENT_RETENTION_HOURS', 168, 1, 24 * 365),
    keepAliveIntervalMs: read.integer('WA_KEEP_ALIVE_MS', 30_000, 1_000, 600_000),
    connectTimeoutMs: read.integer('WA_CONNECT_TIMEOUT_MS', 20_000, 500, 600_000),
    qrTimeoutMs:
      read.raw('WA_QR_TIMEOUT_MS') === undefined ? undefined : read.integer('WA_QR_TIMEOUT_MS', 60_000, 100, 600_000),
    webhookUrl: read.url('WEBHOOK_URL', ['http:', 'https:']),
    webhookSecret,
    allowPrivateWebhooks: read.oneOf('ALLOW_PRIVATE_WEBHOOKS', ['true', 'false'], 'false') === 'true',
    webhookTimeoutMs: read.integer('WEBHOOK_TIMEOUT_MS', 10_000, 100, 300_000),
    webhookRetryBaseMs,
    webhookRetryMaxMs,
    webhookMaxAttempts: read.integer('WEBHOOK_MAX_ATTEMPTS', 15, 1, 1_000),
    webhookDisableAfterFailures: read.integer('WEBHOOK_DISABLE_AFTER_FAILURES', 20, 1, 1_000_000),
    webhookDisableAfterMs: read.integer('WEBHOOK_DISABLE_AFTER_MS', 3_600_000, 0, 2_592_000_000),
    eventsHeartbeatMs: read.integer('EVENTS_HEARTBEAT_MS', 15_000, 100, 600_000),
    rateLimitPerMinute: read.integer('RATE_LIMIT_PER_MINUTE', 600, 1, 1_000_000),
    adminRateLimitPerMinute: read.integer('ADMIN_RATE_LIMIT_PER_MINUTE', 0, 0, 1_000_000) || null,
    authFailureLimit: read.integer('AUTH_FAILURE_LIMIT', 50, 1, 50),
    authFailureWindowMs: read.integer('AUTH_FAILURE_WINDOW_MS', 60_000, 1_000, 86_400_000),
    trustProxy: readTrustProxy(read),
  };
  if (read.problems.length > 0) throw new ConfigError(read.problems);
  return Object.freeze(config);
}

/** The database URL as it may appear in logs (password hidden). */
export const describeDatabase = (database: DatabaseConfig): string =>
  database.dialect === 'sqlite' ? `sqlite:${database.filename}` : redactUrl(database.url);
