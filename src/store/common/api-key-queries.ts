import type { Kysely, Selectable } from 'kysely';
import type { ApiKeyRecord, ApiKeyStore, Scope, SessionGrant } from '../../access/api-key-store.ts';
import type { ApiKeysTable, DatabaseSchema } from '../schema.ts';

function toRecord(row: Selectable<ApiKeysTable>): ApiKeyRecord {
  return {
    id: row.id,
    name: row.name,
    sessions: row.sessions === '*' ? '*' : (JSON.parse(row.sessions) as string[]),
    scopes: JSON.parse(row.scopes) as Scope[],
    rateLimitPerMinute: row.rate_limit_per_minute === null ? null : Number(row.rate_limit_per_minute),
    createdAt: new Date(row.created_at),
    secretHash: row.secret_hash,
  };
}

const sessionsText = (sessions: SessionGrant): string => (sessions === '*' ? '*' : JSON.stringify(sessions));

/** Scoped API keys (cold queries, both dialects): a key is read once per process, then cached by ApiKeys. */
export function apiKeyQueries(db: Kysely<DatabaseSchema>): ApiKeyStore {
  return {
    async insert(record) {
      await db
        .insertInto('api_keys')
        .values({
          id: record.id,
          name: record.name,
          sessions: sessionsText(record.sessions),
          scopes: JSON.stringify(record.scopes),
          rate_limit_per_minute: record.rateLimitPerMinute,
          secret_hash: record.secretHash,
          created_at: record.createdAt.toISOString(),
        })
        .execute();
    },

    async find(id) {
      const row = await db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toRecord(row);
    },

    async list() {
      const rows = await db.selectFrom('api_keys').selectAll().orderBy('created_at').orderBy('id').execute();
      return rows.map(toRecord);
    },

    async remove(id) {
      const result = await db.deleteFrom('api_keys').where('id', '=', id).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
  };
}
