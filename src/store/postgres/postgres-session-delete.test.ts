import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import type { GatewayEvent } from '../../events/event-types.ts';
import type { Store } from '../store.ts';
import { eventually } from '../../../test/support/eventually.ts';
import { freshDatabaseConfig, TEST_ENCRYPTION_KEY } from '../../../test/support/test-databases.ts';
import { openStore } from '../open-store.ts';

// PostgreSQL only: SQLite has one writer, so an outbox append and a session's delete cannot interleave there.
let store: Store;
let drop: () => Promise<void>;
let observer: pg.Client;
before(async () => {
  const fresh = await freshDatabaseConfig('postgres');
  drop = fresh.drop;
  store = await openStore({ database: fresh.config, encryptionKey: TEST_ENCRYPTION_KEY });
  observer = new pg.Client({ connectionString: (fresh.config as { url: string }).url });
  await observer.connect();
});
after(async () => {
  await observer?.end();
  await store?.destroy();
  await drop?.();
});

/** Resolves once a backend waits for a lock on `table` (nothing else here takes conflicting locks). */
const waitingForLockOn = (table: string, what: string) =>
  eventually(async () => {
    const { rows } = await observer.query(
      `select 1 from pg_locks where locktype = 'relation' and not granted and relation = $1::regclass`,
      [table],
    );
    return rows.length > 0 ? true : undefined;
  }, what);

test('an outbox append that runs while a session is being deleted leaves no delivery to its webhook', async () => {
  await store.records.insert('race');
  await store.webhooks.putForSession('race', {
    url: 'http://127.0.0.1:9/race',
    secret: `whsec_${'A'.repeat(32)}`,
    events: null,
  });
  // Holds the session's delete at its last step (the sessions row), after its webhook and deliveries went.
  await observer.query('begin');
  await observer.query('lock table sessions in access exclusive mode');
  const removed = store.records.remove('race');
  await waitingForLockOn('sessions', 'the delete to reach the sessions row');

  let appended = false;
  const event: GatewayEvent = {
    id: `evt_race_${Math.random().toString(16).slice(2)}`,
    type: 'session.status',
    sessionId: 'race',
    timestamp: new Date().toISOString(),
    data: {},
  };
  const append = store.outbox.append([event]).then((result) => ((appended = true), result));
  await Promise.race([
    waitingForLockOn('webhook_deliveries', 'the append to wait for the delete'),
    append.then(() => assert.fail('the append finished while the delete was still open')),
  ]);
  assert.equal(appended, false);

  await observer.query('commit');
  assert.equal(await removed, true);
  const result = await append;
  assert.equal(result.events.length, 1, 'the event itself is stored');
  assert.deepEqual(result.lanes, [], 'no lane for the deleted webhook');
  const left = await observer.query(`select count(*)::int as n from webhook_deliveries where session_id = 'race'`);
  assert.equal(left.rows[0].n, 0, 'no delivery row for the deleted session');
});
