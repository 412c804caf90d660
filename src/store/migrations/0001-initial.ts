import type { Kysely, Migration } from 'kysely';

export type MigrationDialect = 'sqlite' | 'postgres';

/**
 * The first schema. Migrations are frozen history: they use raw Kysely on `Kysely<unknown>` and never
 * import app code, so a later refactor cannot change what an old migration does.
 */
export function initialMigration(dialect: MigrationDialect): Migration {
  const idType = dialect === 'postgres' ? 'serial' : 'integer';
  // SQLite needs AUTOINCREMENT so ids of deleted sessions are never handed out again.
  const autoIncrement = dialect === 'sqlite';

  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('sessions')
        .addColumn('id', idType, (c) => (autoIncrement ? c.primaryKey().autoIncrement() : c.primaryKey()))
        .addColumn('session_id', 'text', (c) => c.notNull().unique())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('user_info', 'text')
        .addColumn('last_seen_at', 'text')
        .addColumn('last_disconnect', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('session_status_history')
        .addColumn('id', idType, (c) => (autoIncrement ? c.primaryKey().autoIncrement() : c.primaryKey()))
        .addColumn('session_id', 'text', (c) => c.notNull().references('sessions.session_id').onDelete('cascade'))
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('connection_status', 'text', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('session_status_history_session_at')
        .on('session_status_history')
        .columns(['session_id', 'at', 'id'])
        .execute();

      await db.schema
        .createTable('auth_creds')
        .addColumn('session_id', 'text', (c) => c.primaryKey().references('sessions.session_id').onDelete('cascade'))
        .addColumn('creds', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('auth_keys')
        .addColumn('session_id', 'text', (c) => c.notNull().references('sessions.session_id').onDelete('cascade'))
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('key_id', 'text', (c) => c.notNull())
        .addColumn('value', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('auth_keys_pk', ['session_id', 'type', 'key_id'])
        .execute();

      // No foreign key on purpose: a session's last events (e.g. its deletion) must outlive its row
      // until the webhook worker has delivered them.
      await db.schema
        .createTable('outbox_events')
        .addColumn('id', idType, (c) => (autoIncrement ? c.primaryKey().autoIncrement() : c.primaryKey()))
        .addColumn('event_id', 'text', (c) => c.notNull().unique())
        .addColumn('session_id', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<unknown>) {
      for (const table of ['outbox_events', 'auth_keys', 'auth_creds', 'session_status_history', 'sessions']) {
        await db.schema.dropTable(table).ifExists().execute();
      }
    },
  };
}
