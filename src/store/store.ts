import type { Kysely } from 'kysely';
import type { ApiKeyStore } from '../access/api-key-store.ts';
import type { DatabaseConfig } from '../config/config.ts';
import type { AuthStateStore } from '../engine/auth-state-store.ts';
import type { MessageStore } from '../engine/message-store.ts';
import type { IdempotencyStore } from '../messages/idempotency-store.ts';
import type { DeliveryStore, OutboxStore, WebhookEndpointStore } from '../events/event-store.ts';
import type { SessionRecordStore } from '../sessions/session-record-store.ts';
import type { DatabaseSchema } from './schema.ts';

export type StoreDialect = DatabaseConfig['dialect'];

/**
 * Every repository port the gateway persists through, implemented on one database by one dialect
 * adapter (`sqlite/sqlite-store.ts` or `postgres/postgres-store.ts`; `open-store.ts` picks it).
 * Issue 16's cluster leases join here as a port of their own.
 */
export interface Store {
  readonly dialect: StoreDialect;
  /** Kysely on the same database: migrations and cold queries (and tests looking at the rows). */
  readonly db: Kysely<DatabaseSchema>;
  readonly auth: AuthStateStore;
  readonly messages: MessageStore;
  readonly records: SessionRecordStore;
  readonly outbox: OutboxStore;
  readonly deliveries: DeliveryStore;
  readonly webhooks: WebhookEndpointStore;
  readonly apiKeys: ApiKeyStore;
  readonly idempotency: IdempotencyStore;
  /** Waits for queued hot writes, then closes the pool or the SQLite file (checkpointing its WAL). */
  destroy(): Promise<void>;
}

export interface StoreOptions {
  /** Run pending migrations before returning (default true). */
  migrate?: boolean;
  /** PostgreSQL pool size (default 10). */
  poolSize?: number;
  /** Errors of idle pooled PostgreSQL connections (e.g. a server restart); they would crash the process otherwise. */
  onPoolError?: (err: Error) => void;
  /** SQLite file: checkpoint the WAL from a worker thread instead of inside commits (default false). */
  backgroundCheckpoints?: boolean;
}
