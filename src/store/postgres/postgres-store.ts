import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { apiKeyQueries } from '../common/api-key-queries.ts';
import { authStateQueries } from '../common/auth-state-queries.ts';
import { deliveryQueries } from '../common/delivery-queries.ts';
import { idempotencyQueries } from '../common/idempotency-queries.ts';
import { messageQueries } from '../common/message-queries.ts';
import { outboxQueries } from '../common/outbox-queries.ts';
import { sessionRecordQueries, type BeforeSessionDelete } from '../common/session-record-queries.ts';
import { webhookEndpointQueries } from '../common/webhook-endpoint-queries.ts';
import type { DatabaseSchema } from '../schema.ts';
import type { RowCipher } from '../row-cipher.ts';
import type { Store, StoreOptions } from '../store.ts';
import { createPostgresHotWrites } from './postgres-hot-writes.ts';
import { createPostgresOutboxAppend } from './postgres-outbox.ts';

/**
 * A session's delete waits for the outbox appends in flight and holds new ones until it commits. Without
 * it, an append whose snapshot still saw the session's webhook committed a delivery to it after the
 * delete had removed that webhook's deliveries. The lock conflicts with the appends' inserts and with
 * itself (two deletes take turns), and costs only the rare delete, not the send path.
 */
const serialiseWithAppends: BeforeSessionDelete = async (trx) => {
  await sql`lock table webhook_deliveries in share row exclusive mode`.execute(trx);
};

/**
 * The PostgreSQL adapter: one pool, shared by Kysely (cold queries) and the hot writes and the outbox
 * append, which run merged, prepared statements on it directly.
 */
export function openPostgresStore(url: string, options: StoreOptions, cipher: RowCipher): Store {
  const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 10 });
  pool.on('error', (err) => options.onPoolError?.(err));
  const db = new Kysely<DatabaseSchema>({ dialect: new PostgresDialect({ pool }) });
  const hot = createPostgresHotWrites(pool, cipher);
  return {
    dialect: 'postgres',
    db,
    auth: { ...authStateQueries(db, cipher), writeKeys: hot.writeKeys },
    messages: { ...messageQueries(db, cipher), save: hot.saveMessage },
    records: sessionRecordQueries(db, serialiseWithAppends),
    outbox: { ...outboxQueries(db, cipher), append: createPostgresOutboxAppend(pool, cipher) },
    deliveries: deliveryQueries(db, cipher),
    webhooks: webhookEndpointQueries(db, cipher),
    idempotency: idempotencyQueries(db),
    apiKeys: apiKeyQueries(db),
    async destroy() {
      await hot.idle();
      await db.destroy(); // ends the pool
    },
  };
}
