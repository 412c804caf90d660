import type { Kysely, Selectable } from 'kysely';
import type { OutboxStore, StoredEvent } from '../../events/event-store.ts';
import type { EventType } from '../../events/event-types.ts';
import type { RowCipher } from '../row-cipher.ts';
import type { DatabaseSchema, OutboxEventsTable } from '../schema.ts';
import { eventIdentity } from './sealed-columns.ts';

/** Rows per DELETE of the retention sweep: short statements, so other writers are never held up for long. */
const ROWS_PER_PRUNE = 1_000;

/** Runs a bounded delete until it deletes fewer rows than its bound; returns the total. */
async function deleteInChunks(run: () => Promise<{ numDeletedRows: bigint }>): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = Number((await run()).numDeletedRows);
    total += deleted;
    if (deleted < ROWS_PER_PRUNE) return total;
  }
}

export function toStoredEvent(row: Selectable<OutboxEventsTable>, cipher: RowCipher): StoredEvent {
  return {
    id: row.event_id,
    type: row.type as EventType,
    sessionId: row.session_id,
    timestamp: row.created_at,
    data: JSON.parse(cipher.open(eventIdentity(row.event_id), row.payload)) as Record<string, unknown>,
    sequence: Number(row.id),
  };
}

/** The outbox's reads and its retention sweep: cold queries, the same on both dialects (`append` is per dialect). */
export function outboxQueries(db: Kysely<DatabaseSchema>, cipher: RowCipher): Omit<OutboxStore, 'append'> {
  return {
    async after(sequence, { sessionId, limit }) {
      let query = db.selectFrom('outbox_events').selectAll().where('id', '>', sequence);
      if (sessionId !== undefined) query = query.where('session_id', '=', sessionId);
      const rows = await query.orderBy('id').limit(limit).execute();
      return rows.map((row) => toStoredEvent(row, cipher));
    },

    async prune(before) {
      const cutoff = before.toISOString();
      const finishedDeliveries = db
        .selectFrom('webhook_deliveries')
        .select('id')
        .where('created_at', '<', cutoff)
        .where('status', 'in', ['delivered', 'failed'])
        .limit(ROWS_PER_PRUNE);
      const unreferencedEvents = db
        .selectFrom('outbox_events as e')
        .select('e.id')
        .where('e.created_at', '<', cutoff)
        .where(({ not, exists, selectFrom }) =>
          not(exists(selectFrom('webhook_deliveries as d').select('d.id').whereRef('d.event_seq', '=', 'e.id'))),
        )
        .limit(ROWS_PER_PRUNE);
      // Deliveries first: the events they pointed at become unreferenced.
      const deliveries = await deleteInChunks(() =>
        db.deleteFrom('webhook_deliveries').where('id', 'in', finishedDeliveries).executeTakeFirst(),
      );
      const events = await deleteInChunks(() =>
        db.deleteFrom('outbox_events').where('id', 'in', unreferencedEvents).executeTakeFirst(),
      );
      return { events, deliveries };
    },

    async lastSequence() {
      const row = await db
        .selectFrom('outbox_events')
        .select((eb) => eb.fn.max('id').as('max'))
        .executeTakeFirst();
      return Number(row?.max ?? 0);
    },
  };
}
