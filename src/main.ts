import { chmodSync, mkdirSync } from 'node:fs';
import pino from 'pino';
import { ApiKeys } from './access/api-keys.ts';
import { buildApp } from './app.ts';
import { createApiKeyVerifier, resolveApiKey } from './config/api-key.ts';
import { resolveEncryptionKey } from './config/encryption-key.ts';
import { loadConfig } from './config/load-config.ts';
import { startupSummary } from './config/startup-summary.ts';
import { limitSourceMappedStacks } from './errors/stack-traces.ts';
import { installConsoleGuard } from './engine/baileys/console-guard.ts';
import { WorkerEngine } from './engine/worker/worker-engine.ts';
import { createEventPipeline } from './events/event-pipeline.ts';
import { assertAllowedTarget } from './events/webhook-service.ts';
import { publishSessionEvents } from './events/session-event-bridge.ts';
import { publishMessageEvents } from './messages/message-event-bridge.ts';
import { IDEMPOTENCY_WINDOW_HOURS, IdempotentSends } from './messages/idempotent-sends.ts';
import { MessagingService } from './messages/messaging-service.ts';
import { GatewayMetrics } from './operations/gateway-metrics.ts';
import { meterEngine } from './operations/metered-engine.ts';
import { Readiness } from './operations/readiness.ts';
import { SessionManager } from './sessions/session-manager.ts';
import { STATUS_HISTORY_KEPT } from './sessions/session-record-store.ts';
import { createDatabaseProbe } from './store/database-probe.ts';
import { EncryptionKeyMismatchError } from './store/encryption-at-rest.ts';
import { openStore } from './store/open-store.ts';
import { RetentionSweeper } from './store/retention-sweeper.ts';

const VERSION = '0.1.0';

/** Composition root: config → logger → database → engine → sessions → HTTP; then signals. */
async function main(): Promise<void> {
  limitSourceMappedStacks();
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    process.stderr.write(`wagate: invalid configuration\n${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
  try {
    // WEBHOOK_URL goes through the same check as a session's webhook.
    if (config.webhookUrl) await assertAllowedTarget(config.webhookUrl, { allowPrivate: config.allowPrivateWebhooks });
  } catch {
    process.stderr.write(
      'wagate: invalid configuration\n  - WEBHOOK_URL: points at a private or reserved address ' +
        '(set ALLOW_PRIVATE_WEBHOOKS=true for a receiver on your own network)\n',
    );
    process.exit(1);
  }
  const logger = pino({ level: config.logLevel });
  installConsoleGuard(logger);
  // Files the gateway creates (key files, the SQLite file and its -wal/-shm) are the owner's only.
  process.umask(0o077);
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  chmodSync(config.dataDir, 0o700);

  const apiKey = resolveApiKey(config);
  if (apiKey.generated) {
    logger.warn({ path: apiKey.path }, 'no API_KEY set: generated one and stored it in this file (shown only there)');
  }
  const encryption = resolveEncryptionKey(config);
  if (encryption.generated) {
    logger.warn(
      { path: encryption.path },
      'no ENCRYPTION_KEY set: generated one and stored it in this file; back it up',
    );
  }
  // A send's Signal keys and its stored message, from every session, share commits (the store's group commit).
  const store = await openStore(
    { database: config.database, encryptionKey: encryption.key },
    {
      onPoolError: (err) => logger.error({ err }, 'idle database connection failed'),
      backgroundCheckpoints: true,
    },
  ).catch((err: unknown) => {
    if (!(err instanceof EncryptionKeyMismatchError)) throw err;
    process.stderr.write(`wagate: ${err.message}\n`);
    process.exit(1);
  });
  const { records, messages: messageStore, auth: authStore } = store;
  // Scrape-time sources; `manager` exists long before the first scrape.
  const metrics = new GatewayMetrics({
    logger,
    sources: {
      connectionStatuses: async () => (await manager.list('all')).map((view) => view.connectionStatus),
      pendingDeliveries: () => store.deliveries.countPending(),
    },
  });
  const readiness = new Readiness({ probeDatabase: createDatabaseProbe(store.db), logger });
  const socketConfig = {
    keepAliveIntervalMs: config.keepAliveIntervalMs,
    connectTimeoutMs: config.connectTimeoutMs,
    ...(config.qrTimeoutMs ? { qrTimeout: config.qrTimeoutMs } : {}),
  };
  // ENGINE_THREADS > 0 (or `auto`): Baileys runs in worker threads (docs/architecture.md).
  const workerEngine =
    config.engineThreads > 0
      ? await WorkerEngine.start({
          threads: config.engineThreads,
          authStore,
          messageStore,
          logger,
          setup: {
            wsUrl: config.waWsUrl,
            rootPublicKeyHex: config.waRootPublicKey,
            socketConfig,
            logLevel: config.logLevel,
          },
        })
      : undefined;
  // Imported only when used: with engine threads, the main thread does not load the Baileys engine.
  // The metrics count sends, received messages and closes at the port.
  const engine = meterEngine(
    workerEngine ??
      (await import('./engine/baileys/baileys-engine.ts')).createBaileysEngine({
        authStore,
        messageStore,
        wsUrl: config.waWsUrl,
        rootPublicKey: config.waRootPublicKey ? Buffer.from(config.waRootPublicKey, 'hex') : undefined,
        socketConfig,
      }),
    metrics,
  );
  // Events first, so every layer below can be handed `events.publisher` (an EventPublisher).
  const endpoints = store.webhooks;
  const events = createEventPipeline({
    outbox: store.outbox,
    endpoints,
    deliveries: store.deliveries,
    logger,
    // Only called by requests, long after `manager` exists.
    requireSession: async (sessionId) => void (await manager.get(sessionId)),
    addresses: { allowPrivate: config.allowPrivateWebhooks },
    worker: {
      timeoutMs: config.webhookTimeoutMs,
      retry: {
        baseMs: config.webhookRetryBaseMs,
        maxMs: config.webhookRetryMaxMs,
        maxAttempts: config.webhookMaxAttempts,
      },
      disable: { afterFailures: config.webhookDisableAfterFailures, afterMs: config.webhookDisableAfterMs },
      onOutcome: metrics.deliveryOutcome,
    },
  });
  const { webhookUrl, webhookSecret } = config;
  await endpoints.syncGlobal(webhookUrl && webhookSecret ? { url: webhookUrl, secret: webhookSecret } : undefined);
  const manager = new SessionManager({
    engine,
    records,
    logger,
    backoff: { baseMs: config.reconnectBaseMs, maxMs: config.reconnectMaxMs },
    startConcurrency: config.sessionStartConcurrency,
  });
  const verifyApiKey = createApiKeyVerifier(apiKey.key);
  const apiKeys = new ApiKeys({
    store: store.apiKeys,
    verifyAdminKey: verifyApiKey,
    defaultRateLimitPerMinute: config.rateLimitPerMinute,
    adminRateLimitPerMinute: config.adminRateLimitPerMinute,
  });
  const app = await buildApp({
    manager,
    logger,
    verifyApiKey,
    apiKeys,
    rateLimits: { authFailureLimit: config.authFailureLimit, authFailureWindowMs: config.authFailureWindowMs },
    trustProxy: config.trustProxy,
    bodyLimitBytes: config.bodyLimitBytes,
    requestTimeoutMs: config.requestTimeoutMs,
    messaging: new MessagingService({
      manager,
      mediaMaxBytes: config.mediaMaxBytes,
      mediaFetch: {
        allowPrivate: config.allowPrivateMediaUrls,
        timeoutMs: config.mediaFetchTimeoutMs,
        maxConcurrent: config.mediaFetchConcurrency,
      },
    }),
    idempotency: new IdempotentSends(store.idempotency),
    mediaMaxBytes: config.mediaMaxBytes,
    version: VERSION,
    events: {
      webhooks: events.webhooks,
      outbox: events.outbox,
      hub: events.hub,
      heartbeatMs: config.eventsHeartbeatMs,
    },
    metrics,
    readiness,
  });
  const retention = new RetentionSweeper(
    [
      {
        what: 'stored messages',
        retentionHours: config.messageRetentionHours,
        prune: (before) => messageStore.prune(before),
      },
      {
        what: 'events and finished webhook deliveries',
        retentionHours: config.eventRetentionHours,
        prune: (before) => events.outbox.prune(before),
      },
      {
        what: 'idempotency keys',
        retentionHours: IDEMPOTENCY_WINDOW_HOURS,
        prune: (before) => store.idempotency.prune(before),
      },
      {
        what: 'session status history',
        retentionHours: config.eventRetentionHours,
        prune: (before) => records.pruneHistory(before, STATUS_HISTORY_KEPT),
      },
    ],
    logger,
  );
  manager.onEvent(publishSessionEvents(events.publisher, logger));
  manager.onEvent(publishMessageEvents(events.publisher, logger));
  await app.listen({ port: config.port, host: config.host });
  const summary = startupSummary(config, VERSION);
  logger.info(summary.fields, summary.message);
  events.worker.start();
  retention.start();
  const restored = await manager.restoreAll();
  readiness.markRestoreScheduled();
  logger.info({ restored }, 'sessions restored');

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: closing sockets without logging out');
    await app.close();
    await retention.stop();
    await manager.shutdown();
    await workerEngine?.stop();
    await events.publisher.idle();
    await events.worker.stop();
    await store.destroy();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

await main();
