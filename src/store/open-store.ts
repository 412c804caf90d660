import type { DatabaseConfig } from '../config/config.ts';
import { sealPlaintextRows, unlockDatabase } from './encryption-at-rest.ts';
import { migrateToLatest } from './migrate.ts';
import { openPostgresStore } from './postgres/postgres-store.ts';
import { createRowCipher, type RowCipher } from './row-cipher.ts';
import { openSqliteStore } from './sqlite/sqlite-store.ts';
import type { Store, StoreOptions } from './store.ts';

export interface StoreConfig {
  readonly database: DatabaseConfig;
  /** The 32-byte key every secret column is sealed with (`config/encryption-key.ts`). */
  readonly encryptionKey: Buffer;
  /** Keys that may also open values (the key rotation command passes the new one). */
  readonly alsoOpening?: readonly Buffer[];
}

// The one place that picks the adapter.
const openAdapter = (database: DatabaseConfig, options: StoreOptions, cipher: RowCipher): Store =>
  database.dialect === 'postgres'
    ? openPostgresStore(database.url, options, cipher)
    : openSqliteStore(database.filename, options, cipher);

/**
 * Opens the configured database with its dialect's adapter, brings its schema up to date, checks that
 * the encryption key opens it (EncryptionKeyMismatchError, with nothing changed, if not) and seals the
 * rows an install from before encryption left in plaintext.
 */
export async function openStore(config: StoreConfig, options: StoreOptions = {}): Promise<Store> {
  const { database } = config;
  const given = createRowCipher(config.encryptionKey, config.alsoOpening);
  let store = openAdapter(database, options, given);
  try {
    if (options.migrate ?? true) {
      await migrateToLatest(store.db, store.dialect);
      const cipher = await unlockDatabase(store.db, given);
      if (cipher !== given) {
        // A key rotation was interrupted: this adapter must also open the rows sealed with the other key.
        await store.destroy();
        store = openAdapter(database, options, cipher);
      }
      await sealPlaintextRows(store.db, cipher);
    }
  } catch (err) {
    await store.destroy();
    throw err;
  }
  return store;
}
