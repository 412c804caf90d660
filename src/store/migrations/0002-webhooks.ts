import type { Kysely, Migration } from 'kysely';

/**
 * Webhook endpoints and their delivery rows. Retries are rows (status + next_attempt_at), never timers,
 * so they survive restarts. No foreign keys to sessions: a session's last events must still be
 * delivered after its row is gone.
 */
export function webhooksMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('webhook_endpoints')
        .addColumn('id', 'text', (c) => c.primaryKey())
        // null for the global endpoint from config; otherwise the one session it belongs to.
        .addColumn('session_id', 'text', (c) => c.unique())
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('secret', 'text', (c) => c.notNull())
        // JSON array of event types, or null for every type.
        .addColumn('events', 'text')
        .addColumn('enabled', 'integer', (c) => c.notNull())
        .addColumn('disabled_reason', 'text')
        .addColumn('disabled_at', 'text')
        .addColumn('failure_count', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('failing_since', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('webhook_deliveries')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('event_seq', 'integer', (c) => c.notNull())
        .addColumn('event_id', 'text', (c) => c.notNull())
        .addColumn('session_id', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('endpoint_id', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_attempt_at', 'text', (c) => c.notNull())
        .addColumn('last_attempt_at', 'text')
        .addColumn('last_error', 'text')
        .addColumn('last_status_code', 'integer')
        .addColumn('delivered_at', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      // The worker's lane lookup: the oldest pending event per (endpoint, session).
      await db.schema
        .createIndex('webhook_deliveries_lane')
        .on('webhook_deliveries')
        .columns(['status', 'endpoint_id', 'session_id', 'event_seq'])
        .execute();
      await db.schema
        .createIndex('webhook_deliveries_listing')
        .on('webhook_deliveries')
        .columns(['created_at', 'id'])
        .execute();
      await db.schema.createIndex('outbox_events_session').on('outbox_events').columns(['session_id', 'id']).execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropIndex('outbox_events_session').ifExists().execute();
      await db.schema.dropTable('webhook_deliveries').ifExists().execute();
      await db.schema.dropTable('webhook_endpoints').ifExists().execute();
    },
  };
}
