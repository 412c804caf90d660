import type { DatabaseConfig } from '../config/config.ts';
import { migrateToLatest } from './migrate.ts';
import { openPostgresStore } from './postgres/postgres-store.ts';
import { openSqliteStore } from './sqlite/sqlite-store.ts';
import type { Store, StoreOptions } from './store.ts';

/** Opens the configured database with its dialect's adapter and brings its schema up to date. */
export async function openStore(
  config: { readonly database: DatabaseConfig },
  options: StoreOptions = {},
): Promise<Store> {
  const { database } = config;
  // The one place that picks the adapter.
  const store = database.dialect === 'postgres'
    ? openPostgresStore(database.url, options)
    : openSqliteStore(database.filename, options);
  try {
    if (options.migrate ?? true) await migrateToLatest(store.db, store.dialect);
  } catch (err) {
    await store.destroy();
    throw err;
  }
  return store;
}
