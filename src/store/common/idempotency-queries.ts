import type { Kysely } from 'kysely';
import type { IdempotencyStore } from '../../messages/idempotency-store.ts';
import type { DatabaseSchema } from '../schema.ts';

/** Idempotency-Key claims: cold queries, the same on both dialects (only sends with the header use them). */
export function idempotencyQueries(db: Kysely<DatabaseSchema>): IdempotencyStore {
  return {
    async claim(sessionId, key, bodyHash, since) {
      const now = new Date().toISOString();
      return db.transaction().execute(async (trx) => {
        // An expired claim is gone for good; the insert below then takes the key.
        await trx
          .deleteFrom('idempotency_keys')
          .where('session_id', '=', sessionId)
          .where('idempotency_key', '=', key)
          .where('created_at', '<', since.toISOString())
          .execute();
        const inserted = await trx
          .insertInto('idempotency_keys')
          .values({ session_id: sessionId, idempotency_key: key, body_hash: bodyHash, created_at: now })
          .onConflict((oc) => oc.columns(['session_id', 'idempotency_key']).doNothing())
          .executeTakeFirst();
        if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0) return { kind: 'claimed' as const };
        const row = await trx
          .selectFrom('idempotency_keys')
          .selectAll()
          .where('session_id', '=', sessionId)
          .where('idempotency_key', '=', key)
          .executeTakeFirstOrThrow();
        if (row.body_hash !== bodyHash) return { kind: 'other_body' as const };
        if (row.status_code === null || row.answer === null) return { kind: 'in_flight' as const };
        return { kind: 'answered' as const, answer: { statusCode: Number(row.status_code), body: row.answer } };
      });
    },

    async answer(sessionId, key, answer) {
      await db
        .updateTable('idempotency_keys')
        .set({ status_code: answer.statusCode, answer: answer.body })
        .where('session_id', '=', sessionId)
        .where('idempotency_key', '=', key)
        .execute();
    },

    async release(sessionId, key) {
      await db
        .deleteFrom('idempotency_keys')
        .where('session_id', '=', sessionId)
        .where('idempotency_key', '=', key)
        .where('status_code', 'is', null)
        .execute();
    },

    async prune(before) {
      const result = await db
        .deleteFrom('idempotency_keys')
        .where('created_at', '<', before.toISOString())
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
