import { apiKeyQueries } from '../common/api-key-queries.ts';
import { authStateQueries } from '../common/auth-state-queries.ts';
import { deliveryQueries } from '../common/delivery-queries.ts';
import { idempotencyQueries } from '../common/idempotency-queries.ts';
import { messageQueries } from '../common/message-queries.ts';
import { outboxQueries } from '../common/outbox-queries.ts';
import { sessionRecordQueries } from '../common/session-record-queries.ts';
import { webhookEndpointQueries } from '../common/webhook-endpoint-queries.ts';
import type { RowCipher } from '../row-cipher.ts';
import type { Store, StoreOptions } from '../store.ts';
import { openSqliteConnection } from './sqlite-connection.ts';
import { createSqliteHotWrites } from './sqlite-hot-writes.ts';
import { createSqliteOutboxAppend } from './sqlite-outbox.ts';

/** The SQLite adapter: the cold queries on Kysely, the hot writes and the outbox append on prepared statements. */
export function openSqliteStore(filename: string, options: StoreOptions, cipher: RowCipher): Store {
  const connection = openSqliteConnection(filename, options);
  const { db } = connection;
  const hot = createSqliteHotWrites(connection, cipher);
  return {
    dialect: 'sqlite',
    db,
    auth: { ...authStateQueries(db, cipher), writeKeys: hot.writeKeys },
    messages: { ...messageQueries(db, cipher), save: hot.saveMessage },
    records: sessionRecordQueries(db),
    outbox: { ...outboxQueries(db, cipher), append: createSqliteOutboxAppend(connection, cipher) },
    deliveries: deliveryQueries(db, cipher),
    webhooks: webhookEndpointQueries(db, cipher),
    idempotency: idempotencyQueries(db),
    apiKeys: apiKeyQueries(db),
    async destroy() {
      await hot.idle();
      await connection.close();
    },
  };
}
