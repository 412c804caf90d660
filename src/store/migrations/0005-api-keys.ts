import type { Kysely, Migration } from 'kysely';

/** Scoped API keys (issue 15): looked up by id, the secret kept only as a SHA-256 hash. */
export function apiKeysMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('api_keys')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        // JSON array of session ids, or '*' for every session.
        .addColumn('sessions', 'text', (c) => c.notNull())
        // JSON array of scopes.
        .addColumn('scopes', 'text', (c) => c.notNull())
        .addColumn('rate_limit_per_minute', 'integer')
        .addColumn('secret_hash', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('api_keys').ifExists().execute();
    },
  };
}
