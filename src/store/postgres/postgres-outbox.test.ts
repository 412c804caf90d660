import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import type { GatewayEvent } from '../../events/event-types.ts';
import type { Store } from '../store.ts';
import { freshDatabaseConfig, TEST_ENCRYPTION_KEY } from '../../../test/support/test-databases.ts';
import { openStore } from '../open-store.ts';

// PostgreSQL only: SQLite has one writer, so an append and a session's delete cannot interleave there.
let store: Store;
let drop: () => Promise<void>;
let url: string;
before(async () => {
  const fresh = await freshDatabaseConfig('postgres');
  drop = fresh.drop;
  url = (fresh.config as { url: string }).url;
  store = await openStore({ database: fresh.config, encryptionKey: TEST_ENCRYPTION_KEY });
});
after(async () => {
  await store?.destroy();
  await drop?.();
});

const statusEvent = (sessionId: string): GatewayEvent => ({
  id: `evt_race_${Math.random().toString(16).slice(2)}`,
  type: 'session.status',
  sessionId,
  timestamp: new Date().toISOString(),
  data: {},
});

test('an append that runs while a session webhook is being deleted plans no delivery for it', async () => {
  await store.webhooks.putForSession('race', {
    url: 'http://127.0.0.1:9/race',
    secret: `whsec_${'A'.repeat(32)}`,
    events: null,
  });
  // A delete of the endpoint that has not committed yet, as in the middle of deleting the session.
  const deleting = new pg.Client({ connectionString: url });
  await deleting.connect();
  try {
    await deleting.query('begin');
    await deleting.query(`delete from webhook_endpoints where id = 'session:race'`);
    let appended = false;
    const append = store.outbox.append([statusEvent('race')]).then((result) => {
      appended = true;
      return result;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(appended, false, 'the append waits for the delete of an endpoint it would plan for');
    await deleting.query('commit');
    const result = await append;
    assert.equal(result.events.length, 1, 'the event itself is stored');
    assert.deepEqual(result.lanes, [], 'no lane for the deleted endpoint');
    const left = await deleting.query(`select count(*)::int as n from webhook_deliveries where endpoint_id = $1`, [
      'session:race',
    ]);
    assert.equal(left.rows[0].n, 0, 'no delivery row for the deleted endpoint');
  } finally {
    await deleting.end();
  }
});
