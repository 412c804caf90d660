import type { Kysely, Selectable } from 'kysely';
import { AppError } from '../../errors/app-error.ts';
import type {
  SessionRecord,
  SessionRecordPatch,
  SessionRecordStore,
  StatusHistoryEntry,
} from '../../sessions/session-record-store.ts';
import type { ConnectionStatus, DisconnectInfo, SessionStatus, UserInfo } from '../../sessions/session-state.ts';
import { isForeignKeyViolation, isUniqueViolation } from './db-errors.ts';
import { deleteSessionWebhook } from './webhook-endpoint-queries.ts';
import type { DatabaseSchema, SessionsTable } from '../schema.ts';

const parseJson = <T>(text: string | null): T | null => (text === null ? null : (JSON.parse(text) as T));
const toJson = (value: unknown): string | null => (value === null ? null : JSON.stringify(value));
const toDate = (text: string | null): Date | null => (text === null ? null : new Date(text));

function toRecord(row: Selectable<SessionsTable>): SessionRecord {
  return {
    id: Number(row.id),
    sessionId: row.session_id,
    status: row.status as SessionStatus,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
    userInfo: parseJson<UserInfo>(row.user_info),
    lastSeenAt: toDate(row.last_seen_at),
    lastDisconnect: parseJson<DisconnectInfo>(row.last_disconnect),
  };
}

/** What a dialect adds to the transaction that deletes a session, before anything is deleted. */
export type BeforeSessionDelete = (trx: Kysely<DatabaseSchema>) => Promise<void>;

/** Sessions and their status history: cold queries, the same Kysely on SQLite and PostgreSQL. */
export function sessionRecordQueries(
  db: Kysely<DatabaseSchema>,
  beforeDelete: BeforeSessionDelete = async () => {},
): SessionRecordStore {
  return {
    async insert(sessionId) {
      const now = new Date().toISOString();
      try {
        const row = await db
          .insertInto('sessions')
          .values({ session_id: sessionId, status: 'created', created_at: now, updated_at: now })
          .returningAll()
          .executeTakeFirstOrThrow();
        return toRecord(row);
      } catch (err) {
        // The unique index, not a prior lookup, decides: two concurrent creates cannot both win.
        if (isUniqueViolation(err)) throw new AppError('SESSION_EXISTS', undefined, { cause: err });
        throw err;
      }
    },

    async find(sessionId) {
      const row = await db.selectFrom('sessions').selectAll().where('session_id', '=', sessionId).executeTakeFirst();
      return row && toRecord(row);
    },

    async list() {
      const rows = await db.selectFrom('sessions').selectAll().orderBy('id').execute();
      return rows.map(toRecord);
    },

    async update(sessionId, patch: SessionRecordPatch) {
      const row = await db
        .updateTable('sessions')
        .set({
          updated_at: new Date().toISOString(),
          ...(patch.status !== undefined && { status: patch.status }),
          ...(patch.userInfo !== undefined && { user_info: toJson(patch.userInfo) }),
          ...(patch.lastSeenAt !== undefined && { last_seen_at: patch.lastSeenAt?.toISOString() ?? null }),
          ...(patch.lastDisconnect !== undefined && { last_disconnect: toJson(patch.lastDisconnect) }),
        })
        .where('session_id', '=', sessionId)
        .returningAll()
        .executeTakeFirst();
      return row && toRecord(row);
    },

    async remove(sessionId) {
      // History and auth state go with the row (ON DELETE CASCADE); its webhook in the same transaction.
      return db.transaction().execute(async (trx) => {
        await beforeDelete(trx);
        await deleteSessionWebhook(trx, sessionId);
        const result = await trx.deleteFrom('sessions').where('session_id', '=', sessionId).executeTakeFirst();
        return result.numDeletedRows > 0n;
      });
    },

    async appendHistory(sessionId, entry) {
      try {
        await db
          .insertInto('session_status_history')
          .values({
            session_id: sessionId,
            status: entry.status,
            connection_status: entry.connectionStatus,
            reason: entry.reason,
            at: entry.at.toISOString(),
          })
          .execute();
      } catch (err) {
        // The session was deleted while its last state change was being recorded: nothing to keep.
        if (!isForeignKeyViolation(err)) throw err;
      }
    },

    async history(sessionId, limit) {
      const rows = await db
        .selectFrom('session_status_history')
        .select(['status', 'connection_status', 'reason', 'at'])
        .where('session_id', '=', sessionId)
        .orderBy('at', 'desc')
        .orderBy('id', 'desc')
        .limit(Math.max(0, Math.floor(limit)))
        .execute();
      return rows.map((row): StatusHistoryEntry => ({
        status: row.status as SessionStatus,
        connectionStatus: row.connection_status as ConnectionStatus,
        reason: row.reason,
        at: new Date(row.at),
      }));
    },

    async pruneHistory(before, keep) {
      const ranked = db.selectFrom('session_status_history').select((eb) => [
        'id',
        'at',
        eb.fn
          .agg<number>('row_number')
          .over((over) => over.partitionBy('session_id').orderBy('at', 'desc').orderBy('id', 'desc'))
          .as('newness'),
      ]);
      const result = await db
        .deleteFrom('session_status_history')
        .where(
          'id',
          'in',
          db
            .selectFrom(ranked.as('r'))
            .select('r.id')
            .where('r.newness', '>', Math.max(0, Math.floor(keep)))
            .where('r.at', '<', before.toISOString()),
        )
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
