import type { Kysely } from 'kysely';
import type { MessageStore } from '../engine/message-store.ts';
import type { DatabaseSchema, MessagesTable } from './schema.ts';
import { chunk } from './chunk.ts';
import { compileRowStatement } from './sqlite-handle.ts';
import { createWriteBatch, type WriteBatch } from './write-batch.ts';

const MESSAGE_COLUMNS = ['session_id', 'message_id', 'chat_jid', 'from_me', 'type', 'payload', 'created_at'] as const;
/** 7 parameters a row: far under PostgreSQL's 65,535. */
const ROWS_PER_UPSERT = 1_000;

/**
 * Messages as rows keyed by (session, message id); old rows are pruned by age. Saves go through `batch`
 * (the group commit; pass the one shared with the auth state store).
 */
export function createMessageStore(db: Kysely<DatabaseSchema>, batch: WriteBatch = createWriteBatch(db)): MessageStore {
  const upsert = (qb: Kysely<DatabaseSchema>, row: MessagesTable | readonly MessagesTable[]) =>
    qb.insertInto('messages').values(row).onConflict((oc) => oc.columns(['session_id', 'message_id']).doUpdateSet((eb) => ({
      payload: eb.ref('excluded.payload'),
      type: eb.ref('excluded.type'),
    })));
  // The PostgreSQL form: the rows of every save in one group commit as one statement (a later save of
  // the same message wins, as it would one after the other).
  const upsertRows = async (qb: Kysely<DatabaseSchema>, rows: readonly MessagesTable[]) => {
    const last = new Map(rows.map((row) => [`${row.session_id}\u0000${row.message_id}`, row]));
    for (const part of chunk([...last.values()], ROWS_PER_UPSERT)) await upsert(qb, part).execute();
  };
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
      }, {
        statement: true,
        sqlite: (sqlite) => sqlite.statement(upsertRow.sql).run(upsertRow.bind(row)),
        merge: { kind: 'messages', rows: [row], run: (qb, rows) => upsertRows(qb, rows as MessagesTable[]) },
      });
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
