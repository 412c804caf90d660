import type { Kysely } from 'kysely';
import type { MessageStore } from '../engine/message-store.ts';
import type { DatabaseSchema, MessagesTable } from './schema.ts';
import { compileRowStatement } from './sqlite-handle.ts';
import { createWriteBatch, type WriteBatch } from './write-batch.ts';

const MESSAGE_COLUMNS = ['session_id', 'message_id', 'chat_jid', 'from_me', 'type', 'payload', 'created_at'] as const;

/**
 * Messages as rows keyed by (session, message id); old rows are pruned by age. Saves go through `batch`
 * (group commit on SQLite; pass the one shared with the auth state store).
 */
export function createMessageStore(db: Kysely<DatabaseSchema>, batch: WriteBatch = createWriteBatch(db)): MessageStore {
  const upsert = (qb: Kysely<DatabaseSchema>, row: MessagesTable) =>
    qb.insertInto('messages').values(row).onConflict((oc) => oc.columns(['session_id', 'message_id']).doUpdateSet((eb) => ({
      payload: eb.ref('excluded.payload'),
      type: eb.ref('excluded.type'),
    })));
  // The SQLite form: compiled once, run as a prepared statement inside the group commit.
  const upsertRow = compileRowStatement<MessagesTable>(MESSAGE_COLUMNS, (row) => upsert(db, row));

  return {
    async save(sessionId, message) {
      const row: MessagesTable = {
        session_id: sessionId,
        message_id: message.id,
        chat_jid: message.chatJid,
        from_me: message.fromMe ? 1 : 0,
        type: message.type,
        payload: message.payload,
        created_at: new Date().toISOString(),
      };
      await batch.write(async (trx) => {
        await upsert(trx, row).execute();
      }, { statement: true, sqlite: (sqlite) => sqlite.statement(upsertRow.sql).run(upsertRow.bind(row)) });
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
