import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { test } from 'node:test';
import { openStore } from '../open-store.ts';
import { freshDatabaseConfig, TEST_ENCRYPTION_KEY } from '../../../test/support/test-databases.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Writes about 600 pages (one 3 kB key each) in one commit: below SQLite's automatic checkpoint, so only a background one moves it. */
async function writeSixHundredPages(options: { backgroundCheckpoints: boolean }) {
  const fresh = await freshDatabaseConfig('sqlite');
  if (fresh.config.dialect !== 'sqlite') throw new Error('expected SQLite');
  const { filename } = fresh.config;
  const database = await openStore({ database: fresh.config, encryptionKey: TEST_ENCRYPTION_KEY }, options);
  await database.records.insert('bulk');
  const before = statSync(filename).size;
  const value = 'k'.repeat(3_000);
  const rows = Array.from({ length: 600 }, (_, i) => ({
    session_id: 'bulk',
    type: 'pre-key',
    key_id: String(i),
    value,
  }));
  await database.db.transaction().execute(async (trx) => {
    for (const row of rows) await trx.insertInto('auth_keys').values(row).execute();
  });
  let grown = false;
  for (let waited = 0; waited < 2_000 && !grown; waited += 50) {
    await sleep(50);
    grown = statSync(filename).size > before + 1_500_000;
  }
  await database.destroy();
  const walLeft = existsSync(`${filename}-wal`);
  await fresh.drop();
  return { grown, walLeft };
}

test('a worker thread checkpoints the WAL into the database file while the writer only commits', async () => {
  assert.deepEqual(await writeSixHundredPages({ backgroundCheckpoints: true }), { grown: true, walLeft: false });
});

test('without it the pages stay in the WAL until the automatic checkpoint (the control)', async () => {
  assert.deepEqual(await writeSixHundredPages({ backgroundCheckpoints: false }), { grown: false, walLeft: false });
});
