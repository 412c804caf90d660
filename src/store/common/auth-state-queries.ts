import type { Kysely } from 'kysely';
import type { AuthStateStore, KeyWrite } from '../../engine/auth-state-store.ts';
import type { RowCipher } from '../row-cipher.ts';
import { chunk } from './chunk.ts';
import { credsIdentity, keyIdentity } from './sealed-columns.ts';
import type { DatabaseSchema } from '../schema.ts';

/** Ids per IN list: far under SQLite's 32,766 and PostgreSQL's 65,535 bound parameters. */
const IDS_PER_READ = 500;

/** One key's final state after a batch: `value` null deletes it. */
export interface FinalKeyWrite {
  sessionId: string;
  type: string;
  id: string;
  value: string | null;
}

/**
 * Collapses key writes to one final value per key, the last one winning, as if they ran one after the
 * other: Baileys may set and delete the same key in one call, and a group commit merges the calls of
 * every session in one turn.
 */
export function finalKeyWrites(batches: Iterable<{ sessionId: string; writes: readonly KeyWrite[] }>): FinalKeyWrite[] {
  const byKey = new Map<string, FinalKeyWrite>();
  for (const { sessionId, writes } of batches) {
    for (const { type, id, value } of writes) {
      byKey.set(`${sessionId}\u0000${type}\u0000${id}`, { sessionId, type, id, value });
    }
  }
  return [...byKey.values()];
}

/**
 * Baileys' creds and Signal key reads: cold queries, the same on both dialects. `writeKeys`, on the
 * send path, is per dialect (`sqlite/sqlite-hot-writes.ts`, `postgres/postgres-hot-writes.ts`).
 */
export function authStateQueries(db: Kysely<DatabaseSchema>, cipher: RowCipher): Omit<AuthStateStore, 'writeKeys'> {
  return {
    async readCreds(sessionId) {
      const row = await db
        .selectFrom('auth_creds')
        .select('creds')
        .where('session_id', '=', sessionId)
        .executeTakeFirst();
      return row && cipher.open(credsIdentity(sessionId), row.creds);
    },

    async writeCreds(sessionId, creds) {
      await db
        .insertInto('auth_creds')
        .values({
          session_id: sessionId,
          creds: cipher.seal(credsIdentity(sessionId), creds),
          updated_at: new Date().toISOString(),
        })
        .onConflict((oc) =>
          oc.column('session_id').doUpdateSet((eb) => ({
            creds: eb.ref('excluded.creds'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute();
    },

    async readKeys(sessionId, type, ids) {
      const found = new Map<string, string>();
      for (const part of chunk([...new Set(ids)], IDS_PER_READ)) {
        const rows = await db
          .selectFrom('auth_keys')
          .select(['key_id', 'value'])
          .where('session_id', '=', sessionId)
          .where('type', '=', type)
          .where('key_id', 'in', part)
          .execute();
        for (const row of rows) found.set(row.key_id, cipher.open(keyIdentity(sessionId, type, row.key_id), row.value));
      }
      return found;
    },

    async clear(sessionId) {
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('auth_keys').where('session_id', '=', sessionId).execute();
        await trx.deleteFrom('auth_creds').where('session_id', '=', sessionId).execute();
      });
    },
  };
}
