import type { KeyWrite } from '../../engine/auth-state-store.ts';
import type { StoredMessage } from '../../engine/message-store.ts';
import { finalKeyWrites } from '../common/auth-state-queries.ts';
import { createGroupedWrites } from '../common/grouped-writes.ts';
import { messageIdentity, sealKeyValue } from '../common/sealed-columns.ts';
import type { RowCipher } from '../row-cipher.ts';
import type { SqliteConnection, SqliteStatement } from './sqlite-connection.ts';

const UPSERT_KEY = `insert into auth_keys (session_id, type, key_id, value) values (?, ?, ?, ?)
  on conflict (session_id, type, key_id) do update set value = excluded.value`;
const DELETE_KEY = 'delete from auth_keys where session_id = ? and type = ? and key_id = ?';
const UPSERT_MESSAGE = `insert into messages (session_id, message_id, chat_jid, from_me, type, payload, created_at)
  values (?, ?, ?, ?, ?, ?, ?)
  on conflict (session_id, message_id) do update set payload = excluded.payload, type = excluded.type`;

/** Synchronous statements on the raw connection; the works of one turn run in one transaction. */
type SqliteWork = () => void;

export interface SqliteHotWrites {
  writeKeys(sessionId: string, writes: readonly KeyWrite[]): Promise<void>;
  saveMessage(sessionId: string, message: Omit<StoredMessage, 'createdAt'>): Promise<void>;
  /** Resolves once every queued write has committed (or failed). */
  idle(): Promise<void>;
}

/**
 * The send path's writes on SQLite: prepared statements run synchronously, every session's works of
 * one event-loop turn in one transaction (each commit rewrites the touched pages into the WAL, so
 * sharing it is what makes a send cheap). Statements are prepared on first use, after the migrations.
 */
export function createSqliteHotWrites(connection: SqliteConnection, cipher: RowCipher): SqliteHotWrites {
  let statements: Record<'upsertKey' | 'deleteKey' | 'upsertMessage', SqliteStatement> | undefined;
  const prepared = () =>
    (statements ??= {
      upsertKey: connection.prepare(UPSERT_KEY),
      deleteKey: connection.prepare(DELETE_KEY),
      upsertMessage: connection.prepare(UPSERT_MESSAGE),
    });
  const grouped = createGroupedWrites<SqliteWork>((works) =>
    connection.transaction(() => {
      for (const work of works) work();
    }),
  );

  return {
    // All or nothing: a failure midway rolls back the whole key set, never half of a Signal session
    // update (which would break decryption with that contact for good).
    writeKeys(sessionId, writes) {
      const final = finalKeyWrites([{ sessionId, writes }]);
      if (final.length === 0) return Promise.resolve();
      const sealed = final.map((key) => sealKeyValue(cipher, sessionId, key.type, key.id, key.value));
      return grouped.write(() => {
        const { upsertKey, deleteKey } = prepared();
        final.forEach((key, i) => {
          const value = sealed[i];
          if (value === null || value === undefined) deleteKey.run(sessionId, key.type, key.id);
          else upsertKey.run(sessionId, key.type, key.id, value);
        });
      });
    },

    saveMessage(sessionId, message) {
      const createdAt = new Date().toISOString();
      const payload = cipher.seal(messageIdentity(sessionId, message.id), message.payload);
      return grouped.write(() => {
        prepared().upsertMessage.run(
          sessionId,
          message.id,
          message.chatJid,
          message.fromMe ? 1 : 0,
          message.type,
          payload,
          createdAt,
        );
      });
    },

    idle: () => grouped.idle(),
  };
}
