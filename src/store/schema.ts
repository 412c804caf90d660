import type { Generated } from 'kysely';

/**
 * Table types as Kysely sees them. Timestamps are ISO-8601 UTC text (`toISOString()`, fixed width, so
 * text order is time order) on both dialects; JSON columns are text. Repositories hand out Dates.
 */
export interface SessionsTable {
  id: Generated<number>;
  session_id: string;
  status: string;
  user_info: string | null;
  last_seen_at: string | null;
  last_disconnect: string | null;
  created_at: string;
  updated_at: string;
}

export interface SessionStatusHistoryTable {
  id: Generated<number>;
  session_id: string;
  status: string;
  connection_status: string;
  reason: string | null;
  at: string;
}

export interface AuthCredsTable {
  session_id: string;
  creds: string;
  updated_at: string;
}

export interface AuthKeysTable {
  session_id: string;
  type: string;
  key_id: string;
  value: string;
}

export interface OutboxEventsTable {
  id: Generated<number>;
  event_id: string;
  session_id: string;
  type: string;
  payload: string;
  created_at: string;
}

export interface WebhookEndpointsTable {
  id: string;
  session_id: string | null;
  url: string;
  secret: string;
  events: string | null;
  /** 0 or 1. */
  enabled: number;
  disabled_reason: string | null;
  disabled_at: string | null;
  failure_count: Generated<number>;
  failing_since: string | null;
  created_at: string;
  updated_at: string;
}

export interface WebhookDeliveriesTable {
  id: string;
  event_seq: number;
  event_id: string;
  session_id: string;
  type: string;
  endpoint_id: string;
  status: string;
  attempts: Generated<number>;
  next_attempt_at: string;
  last_attempt_at: string | null;
  last_error: string | null;
  last_status_code: number | null;
  delivered_at: string | null;
  created_at: string;
}

export interface MessagesTable {
  session_id: string;
  message_id: string;
  chat_jid: string;
  /** 0 or 1: SQLite has no boolean. */
  from_me: number;
  type: string;
  payload: string;
  created_at: string;
}

export interface ApiKeysTable {
  id: string;
  name: string;
  /** JSON array of session ids, or `*`. */
  sessions: string;
  /** JSON array of scopes. */
  scopes: string;
  rate_limit_per_minute: number | null;
  secret_hash: string;
  created_at: string;
}

export interface StoreMetaTable {
  name: string;
  value: string;
}

export interface IdempotencyKeysTable {
  session_id: string;
  idempotency_key: string;
  body_hash: string;
  /** null while the first request is in flight. */
  status_code: number | null;
  answer: string | null;
  created_at: string;
}

export interface DatabaseSchema {
  sessions: SessionsTable;
  session_status_history: SessionStatusHistoryTable;
  auth_creds: AuthCredsTable;
  auth_keys: AuthKeysTable;
  outbox_events: OutboxEventsTable;
  messages: MessagesTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  api_keys: ApiKeysTable;
  store_meta: StoreMetaTable;
  idempotency_keys: IdempotencyKeysTable;
}
