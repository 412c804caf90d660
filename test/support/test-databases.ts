import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshDatabaseConfig, TEST_DIALECTS } from '../../src/store/test-database.ts';

export type Dialect = (typeof TEST_DIALECTS)[number];
export const DIALECTS = TEST_DIALECTS;

/** A fresh temp directory for one test's data (SQLite file, generated key). */
export const tempDir = (prefix = 'wagate-test-'): string => mkdtempSync(join(tmpdir(), prefix));

/** A DATABASE_URL for a brand-new, empty database of the given dialect (for a gateway process). */
export async function freshDatabaseUrl(dialect: Dialect): Promise<string> {
  const { config } = await freshDatabaseConfig(dialect);
  return config.dialect === 'sqlite' ? `sqlite:${config.filename}` : config.url;
}
