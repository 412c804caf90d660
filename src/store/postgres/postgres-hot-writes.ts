import type pg from 'pg';
import type { KeyWrite } from '../../engine/auth-state-store.ts';
import type { StoredMessage } from '../../engine/message-store.ts';
import { finalKeyWrites } from '../common/auth-state-queries.ts';
import { createGroupedWrites } from '../common/grouped-writes.ts';
import { messageIdentity, sealKeyValue } from '../common/sealed-columns.ts';
import type { RowCipher } from '../row-cipher.ts';

/*
 * Each statement takes whole columns as arrays (`unnest`), so one fixed text serves any number of rows:
 * it is prepared once per connection (a named statement) and never hits the bound-parameter limit.
 */
const UPSERT_KEYS = {
  name: 'wagate_upsert_keys',
  text: `insert into auth_keys (session_id, type, key_id, value)
    select * from unnest($1::text[], $2::text[], $3::text[], $4::text[])
    on conflict (session_id, type, key_id) do update set value = excluded.value`,
};
const DELETE_KEYS = {
  name: 'wagate_delete_keys',
  text: `delete from auth_keys k using unnest($1::text[], $2::text[], $3::text[]) as d(session_id, type, key_id)
    where k.session_id = d.session_id and k.type = d.type and k.key_id = d.key_id`,
};
const UPSERT_MESSAGES = {
  name: 'wagate_upsert_messages',
  text: `insert into messages (session_id, message_id, chat_jid, from_me, type, payload, created_at)
    select * from unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[], $7::text[])
    on conflict (session_id, message_id) do update set payload = excluded.payload, type = excluded.type`,
};

/** One hot write as rows: a key batch of one session, or one stored message. */
type PostgresWork =
  | { keys: { sessionId: string; writes: readonly KeyWrite[] } }
  | { message: { sessionId: string; message: Omit<StoredMessage, 'createdAt'>; createdAt: string } };

export interface PostgresHotWrites {
  writeKeys(sessionId: string, writes: readonly KeyWrite[]): Promise<void>;
  saveMessage(sessionId: string, message: Omit<StoredMessage, 'createdAt'>): Promise<void>;
  /** Resolves once every queued write has committed (or failed). */
  idle(): Promise<void>;
}

/** The statements that apply these works as if one after the other: the last write per key (or message) wins. */
function mergedStatements(works: readonly PostgresWork[]): pg.QueryConfig[] {
  const keys = finalKeyWrites(works.flatMap((work) => ('keys' in work ? [work.keys] : [])));
  const upserts = keys.filter((key) => key.value !== null);
  const deletes = keys.filter((key) => key.value === null);
  const messages = new Map<string, Extract<PostgresWork, { message: unknown }>['message']>();
  for (const work of works) {
    if ('message' in work) messages.set(`${work.message.sessionId}\u0000${work.message.message.id}`, work.message);
  }
  const statements: pg.QueryConfig[] = [];
  if (upserts.length > 0) {
    statements.push({
      ...UPSERT_KEYS,
      values: [
        upserts.map((k) => k.sessionId),
        upserts.map((k) => k.type),
        upserts.map((k) => k.id),
        upserts.map((k) => k.value),
      ],
    });
  }
  if (deletes.length > 0) {
    statements.push({
      ...DELETE_KEYS,
      values: [deletes.map((k) => k.sessionId), deletes.map((k) => k.type), deletes.map((k) => k.id)],
    });
  }
  if (messages.size > 0) {
    const rows = [...messages.values()];
    statements.push({
      ...UPSERT_MESSAGES,
      values: [
        rows.map((r) => r.sessionId),
        rows.map((r) => r.message.id),
        rows.map((r) => r.message.chatJid),
        rows.map((r) => (r.message.fromMe ? 1 : 0)),
        rows.map((r) => r.message.type),
        rows.map((r) => r.message.payload),
        rows.map((r) => r.createdAt),
      ],
    });
  }
  return statements;
}

/** Runs the statements atomically: a lone statement is atomic by itself and needs no BEGIN and COMMIT round trips. */
async function runAtomically(pool: pg.Pool, statements: readonly pg.QueryConfig[]): Promise<void> {
  const [only] = statements;
  if (statements.length <= 1) {
    if (only) await pool.query(only);
    return;
  }
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('begin');
    for (const statement of statements) await client.query(statement);
    await client.query('commit');
  } catch (err) {
    await client.query('rollback').catch((rollbackError: Error) => (broken = rollbackError));
    throw err;
  } finally {
    client.release(broken);
  }
}

/**
 * The send path's writes on PostgreSQL, where every statement is a round trip: the works of one
 * event-loop turn, from every session, merge into one statement per kind of row, in one transaction.
 */
export function createPostgresHotWrites(pool: pg.Pool, cipher: RowCipher): PostgresHotWrites {
  const grouped = createGroupedWrites<PostgresWork>((works) => runAtomically(pool, mergedStatements(works)));
  return {
    // Values are sealed at the call; the merge then only compares keys.
    writeKeys(sessionId, writes) {
      if (writes.length === 0) return Promise.resolve();
      const sealed = writes.map((w) => ({ ...w, value: sealKeyValue(cipher, sessionId, w.type, w.id, w.value) }));
      return grouped.write({ keys: { sessionId, writes: sealed } });
    },
    saveMessage(sessionId, message) {
      const payload = cipher.seal(messageIdentity(sessionId, message.id), message.payload);
      return grouped.write({
        message: { sessionId, message: { ...message, payload }, createdAt: new Date().toISOString() },
      });
    },
    idle: () => grouped.idle(),
  };
}
