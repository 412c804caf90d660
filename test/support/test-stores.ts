import type { AuthStateStore } from '../../src/engine/auth-state-store.ts';
import type { SessionRecordStore } from '../../src/sessions/session-record-store.ts';
import type { StoreDialect } from '../../src/store/store.ts';
import { openTestDatabase } from './test-databases.ts';

export interface TestStores {
  records: SessionRecordStore;
  auth: AuthStateStore;
  close(): Promise<void>;
}

/** Real repositories on a fresh, migrated database of the dialect; close() drops it. */
export async function openTestStores(dialect: StoreDialect): Promise<TestStores> {
  const database = await openTestDatabase(dialect);
  return {
    records: database.records,
    auth: database.auth,
    close: () => database.destroy(),
  };
}
