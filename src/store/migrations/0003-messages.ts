import type { Kysely, Migration } from 'kysely';

/** Messages kept for a bounded time so the engine can answer retries, quote, react and download media. */
export function messagesMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('messages')
        .addColumn('session_id', 'text', (c) => c.notNull().references('sessions.session_id').onDelete('cascade'))
        .addColumn('message_id', 'text', (c) => c.notNull())
        .addColumn('chat_jid', 'text', (c) => c.notNull())
        .addColumn('from_me', 'integer', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('messages_pk', ['session_id', 'message_id'])
        .execute();
      await db.schema.createIndex('messages_created_at').on('messages').column('created_at').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('messages').execute();
    },
  };
}
