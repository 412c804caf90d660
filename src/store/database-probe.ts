import { sql, type Kysely } from 'kysely';

/** The readiness probe's query: one round trip (PostgreSQL) or one statement on the connection (SQLite). */
export function createDatabaseProbe<DB>(db: Kysely<DB>): () => Promise<void> {
  return async () => {
    await sql`select 1`.execute(db);
  };
}
