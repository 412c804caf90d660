import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { buildApp } from '../../src/app.ts';
import { createEventPipeline, type EventPipeline } from '../../src/events/event-pipeline.ts';
import { MessagingService } from '../../src/messages/messaging-service.ts';
import { SessionManager } from '../../src/sessions/session-manager.ts';
import type { Store as Database, StoreDialect } from '../../src/store/store.ts';
import { openTestDatabase } from '../support/test-databases.ts';
import { FakeEngine } from '../support/fake-engine.ts';

export const TEST_KEY = 'wag_events_test_key_0123456789';

export interface EventsApp {
  app: FastifyInstance;
  manager: SessionManager;
  events: EventPipeline;
  database: Database;
  close(): Promise<void>;
}

/** The real HTTP app with the event pipeline on a fresh database, sessions on a fake engine. */
export interface EventsAppOptions {
  /** false: what a gateway does without ALLOW_PRIVATE_WEBHOOKS=true (the receivers here are on loopback). */
  allowPrivateWebhooks?: boolean;
  requestTimeoutMs?: number;
}

export async function openEventsApp(
  dialect: StoreDialect,
  heartbeatMs = 60_000,
  options: EventsAppOptions = {},
): Promise<EventsApp> {
  const allowPrivateWebhooks = options.allowPrivateWebhooks ?? true;
  const database = await openTestDatabase(dialect);
  const logger = pino({ level: 'silent' });
  const events: EventPipeline = createEventPipeline({
    outbox: database.outbox,
    endpoints: database.webhooks,
    deliveries: database.deliveries,
    logger,
    requireSession: async (sessionId) => void (await manager.get(sessionId)),
    // The receivers are on loopback: what ALLOW_PRIVATE_WEBHOOKS=true sets in a gateway.
    addresses: { allowPrivate: allowPrivateWebhooks },
    worker: { pollIntervalMs: 20, timeoutMs: 2_000, retry: { baseMs: 20, maxMs: 100 } },
  });
  const manager = new SessionManager({
    engine: new FakeEngine(),
    records: database.records,
    logger,
    backoff: { baseMs: 10, maxMs: 50 },
    startConcurrency: 4,
  });
  const app = await buildApp({
    manager,
    logger,
    verifyApiKey: (presented) => presented === TEST_KEY,
    bodyLimitBytes: 4096,
    ...(options.requestTimeoutMs !== undefined && { requestTimeoutMs: options.requestTimeoutMs }),
    messaging: new MessagingService({ manager, mediaMaxBytes: 2048, mediaFetch: { allowPrivate: false } }),
    mediaMaxBytes: 2048,
    version: 'test',
    events: { webhooks: events.webhooks, outbox: events.outbox, hub: events.hub, heartbeatMs },
  });
  return {
    app,
    manager,
    events,
    database,
    async close() {
      await app.close();
      await events.worker.stop();
      await manager.shutdown();
      await events.publisher.idle();
      await database.destroy();
    },
  };
}
