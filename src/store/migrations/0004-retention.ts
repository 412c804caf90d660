import type { Kysely, Migration } from 'kysely';

/**
 * Indexes for the retention sweep: events are pruned by age, and only once no delivery row points
 * at them (a pending delivery keeps its event).
 */
export function retentionMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createIndex('outbox_events_created_at')
        .on('outbox_events')
        .columns(['created_at', 'id'])
        .execute();
      await db.schema.createIndex('webhook_deliveries_event').on('webhook_deliveries').column('event_seq').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropIndex('webhook_deliveries_event').ifExists().execute();
      await db.schema.dropIndex('outbox_events_created_at').ifExists().execute();
    },
  };
}
