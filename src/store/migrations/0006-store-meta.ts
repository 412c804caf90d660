import type { Kysely, Migration } from 'kysely';

/**
 * Facts about the database itself, one row per name: the encryption key check (a known value sealed
 * with the key) and, while a key rotation runs, its state (`store/encryption-at-rest.ts`).
 */
export function storeMetaMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('store_meta')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('store_meta').ifExists().execute();
    },
  };
}
