import type { Kysely } from 'kysely';
import type { MessageStore } from '../engine/message-store.ts';
import type { DatabaseSchema } from './schema.ts';
import { createWriteBatch, type WriteBatch } from './write-batch.ts';

/**
 * Messages as rows keyed by (session, message id); old rows are pruned by age. Saves go through `batch`
 * (group commit on SQLite; pass the one shared with the auth state store).
 */
export function createMessageStore(db: Kysely<DatabaseSchema>, batch: WriteBatch = createWriteBatch(db)): MessageStore {
  return {
    async save(sessionId, message) {
      const row = {
        session_id: sessionId,
        message_id: message.id,
        chat_jid: message.chatJid,
        from_me: message.fromMe ? 1 : 0,
        type: message.type,
        payload: message.payload,
        created_at: new Date().toISOString(),
      };
      await batch.write(async (trx) => {
        await trx
          .insertInto('messages')
          .values(row)
          .onConflict((oc) => oc.columns(['session_id', 'message_id']).doUpdateSet({ payload: row.payload, type: row.type }))
          .execute();
      }, { statement: true });
    },

    async find(sessionId, messageId) {
      const row = await db
        .selectFrom('messages')
        .selectAll()
        .where('session_id', '=', sessionId)
        .where('message_id', '=', messageId)
        .executeTakeFirst();
      if (!row) return undefined;
      return {
        id: row.message_id,
        chatJid: row.chat_jid,
        fromMe: row.from_me === 1,
        type: row.type,
        payload: row.payload,
        createdAt: new Date(row.created_at),
      };
    },

    async prune(before) {
      const result = await db.deleteFrom('messages').where('created_at', '<', before.toISOString()).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
