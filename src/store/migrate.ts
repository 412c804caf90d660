import { Migrator, type Kysely } from 'kysely';
import { createMigrationProvider } from './migrations/migrations.ts';

/** Applies every pending migration; safe to run on every start and from several processes at once. */
export async function migrateToLatest<DB>(db: Kysely<DB>, dialect: 'sqlite' | 'postgres'): Promise<string[]> {
  const migrator = new Migrator({ db, provider: createMigrationProvider(dialect) });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName;
    throw new Error(failed ? `database migration ${failed} failed` : 'database migration failed', { cause: error });
  }
  return (results ?? []).filter((result) => result.status === 'Success').map((result) => result.migrationName);
}
