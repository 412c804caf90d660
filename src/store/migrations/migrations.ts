import type { Migration, MigrationProvider } from 'kysely';
import { initialMigration, type MigrationDialect } from './0001-initial.ts';
import { webhooksMigration } from './0002-webhooks.ts';
import { messagesMigration } from './0003-messages.ts';
import { retentionMigration } from './0004-retention.ts';
import { apiKeysMigration } from './0005-api-keys.ts';
import { storeMetaMigration } from './0006-store-meta.ts';
import { idempotencyKeysMigration } from './0007-idempotency-keys.ts';

/**
 * Every migration, in code (no directory scan, so bundling or a changed cwd cannot lose one). Names sort
 * in the order they must run; never rename or edit a released one, add a new one instead.
 */
export function createMigrationProvider(dialect: MigrationDialect): MigrationProvider {
  const migrations: Record<string, Migration> = {
    '0001_initial': initialMigration(dialect),
    '0002_webhooks': webhooksMigration(),
    '0003_messages': messagesMigration(),
    '0004_retention': retentionMigration(),
    '0005_api_keys': apiKeysMigration(),
    '0006_store_meta': storeMetaMigration(),
    '0007_idempotency_keys': idempotencyKeysMigration(),
  };
  return { getMigrations: async () => migrations };
}
