import type { Kysely } from 'kysely';
import type { MessageStore } from '../../engine/message-store.ts';
import type { RowCipher } from '../row-cipher.ts';
import type { DatabaseSchema } from '../schema.ts';
import { messageIdentity } from './sealed-columns.ts';

/** Stored messages' lookup and retention: cold queries, the same on both dialects (`save` is per dialect). */
export function messageQueries(db: Kysely<DatabaseSchema>, cipher: RowCipher): Omit<MessageStore, 'save'> {
  return {
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
        payload: cipher.open(messageIdentity(sessionId, messageId), row.payload),
        createdAt: new Date(row.created_at),
      };
    },

    async prune(before) {
      const result = await db.deleteFrom('messages').where('created_at', '<', before.toISOString()).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
