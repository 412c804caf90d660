import type { Kysely } from 'kysely';
import type { AuthStateStore, KeyWrite } from '../engine/auth-state-store.ts';
import { chunk } from './chunk.ts';
import type { DatabaseSchema } from './schema.ts';
import { compileRowStatement } from './sqlite-handle.ts';
import { createWriteBatch, type SqliteWork, type WriteBatch } from './write-batch.ts';

/**
 * Rows per statement: 500 rows × 4 columns stays far under SQLite's 32,766 and PostgreSQL's 65,535
 * bound parameters, while Baileys' 812 first-login pre-keys still take only two statements.
 */
const CHUNK = 500;

type Upsert = { type: string; id: string; value: string };

/**
 * Collapses a batch to one final value per key. Baileys may set and delete the same key in one call,
 * and PostgreSQL refuses an upsert that touches one row twice in a statement.
 */
function finalWrites(writes: readonly KeyWrite[]): { upserts: Upsert[]; deletes: Map<string, string[]> } {
  const byKey = new Map<string, KeyWrite>();
  for (const write of writes) byKey.set(`${write.type}\u0000${write.id}`, write);
  const upserts: Upsert[] = [];
  const deletes = new Map<string, string[]>(); // type → ids
  for (const { type, id, value } of byKey.values()) {
    if (value !== null) upserts.push({ type, id, value });
    else {
      const ids = deletes.get(type) ?? [];
      ids.push(id);
      deletes.set(type, ids);
    }
  }
  return { upserts, deletes };
}

/**
 * Baileys' creds and Signal keys as rows; values are opaque text the engine serialised. Key writes go
 * through `batch` (the group commit; pass the one shared with the message store).
 */
export function createAuthStateStore(db: Kysely<DatabaseSchema>, batch: WriteBatch = createWriteBatch(db)): AuthStateStore {
  type KeyRow = { session_id: string; type: string; key_id: string; value: string };
  const upsert = (qb: Kysely<DatabaseSchema>, rows: KeyRow | readonly KeyRow[]) =>
    qb.insertInto('auth_keys').values(rows).onConflict((oc) => oc.columns(['session_id', 'type', 'key_id']).doUpdateSet((eb) => ({
      value: eb.ref('excluded.value'),
    })));
  /** Rows of any number of key writes, one statement per CHUNK; a later row for the same key wins. */
  const upsertRows = async (qb: Kysely<DatabaseSchema>, rows: readonly KeyRow[]) => {
    const last = new Map(rows.map((row) => [`${row.session_id}\u0000${row.type}\u0000${row.key_id}`, row]));
    for (const part of chunk([...last.values()], CHUNK)) await upsert(qb, part).execute();
  };
  // The SQLite form of a key write: one prepared statement per row, no query building per send.
  const upsertOne = compileRowStatement<KeyRow>(['session_id', 'type', 'key_id', 'value'], (row) => upsert(db, row));
  const deleteOne = compileRowStatement<Omit<KeyRow, 'value'>>(['session_id', 'type', 'key_id'], (row) =>
    db.deleteFrom('auth_keys').where('session_id', '=', row.session_id).where('type', '=', row.type).where('key_id', '=', row.key_id));
  const sqliteWrites = (sessionId: string, rows: readonly KeyRow[], deletes: ReadonlyMap<string, string[]>): SqliteWork => (sqlite) => {
    const insert = sqlite.statement(upsertOne.sql);
    for (const row of rows) insert.run(upsertOne.bind(row));
    const remove = sqlite.statement(deleteOne.sql);
    for (const [type, ids] of deletes) for (const id of ids) remove.run(deleteOne.bind({ session_id: sessionId, type, key_id: id }));
  };

  return {
    async readCreds(sessionId) {
      const row = await db.selectFrom('auth_creds').select('creds').where('session_id', '=', sessionId).executeTakeFirst();
      return row?.creds;
    },

    async writeCreds(sessionId, creds) {
      await db
        .insertInto('auth_creds')
        .values({ session_id: sessionId, creds, updated_at: new Date().toISOString() })
        .onConflict((oc) => oc.column('session_id').doUpdateSet((eb) => ({
          creds: eb.ref('excluded.creds'),
          updated_at: eb.ref('excluded.updated_at'),
        })))
        .execute();
    },

    async readKeys(sessionId, type, ids) {
      const found = new Map<string, string>();
      for (const part of chunk([...new Set(ids)], CHUNK)) {
        const rows = await db
          .selectFrom('auth_keys')
          .select(['key_id', 'value'])
          .where('session_id', '=', sessionId)
          .where('type', '=', type)
          .where('key_id', 'in', part)
          .execute();
        for (const row of rows) found.set(row.key_id, row.value);
      }
      return found;
    },

    async writeKeys(sessionId, writes) {
      const { upserts, deletes } = finalWrites(writes);
      if (upserts.length === 0 && deletes.size === 0) return;
      const rows = upserts.map((w): KeyRow => ({ session_id: sessionId, type: w.type, key_id: w.id, value: w.value }));
      // One transaction: a crash or error midway leaves the previous key set intact, never half of a
      // Signal session update (which would break decryption with that contact for good).
      await batch.write(async (trx) => {
        await upsertRows(trx, rows);
        for (const [type, ids] of deletes) {
          for (const part of chunk(ids, CHUNK)) {
            await trx
              .deleteFrom('auth_keys')
              .where('session_id', '=', sessionId)
              .where('type', '=', type)
              .where('key_id', 'in', part)
              .execute();
          }
        }
      }, {
        // One upsert statement is atomic by itself: PostgreSQL then needs no BEGIN and COMMIT round trips.
        statement: deletes.size === 0 && rows.length <= CHUNK,
        sqlite: sqliteWrites(sessionId, rows, deletes),
        // Upserts only: PostgreSQL merges them with the other key writes of the turn.
        ...(deletes.size === 0 ? { merge: { kind: 'auth_keys', rows, run: (qb, merged) => upsertRows(qb, merged as KeyRow[]) } } : {}),
      });
    },

    async clear(sessionId) {
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('auth_keys').where('session_id', '=', sessionId).execute();
        await trx.deleteFrom('auth_creds').where('session_id', '=', sessionId).execute();
      });
    },
  };
}
