import type { Kysely } from 'kysely';
import type { DeliveryJob, DeliveryRecord, DeliveryStatus, DeliveryStore } from '../../events/event-store.ts';
import type { RowCipher } from '../row-cipher.ts';
import type { DatabaseSchema } from '../schema.ts';
import { chunk } from './chunk.ts';
import { toStoredEvent } from './outbox-queries.ts';
import { endpointIdentity } from './sealed-columns.ts';

const toDate = (text: string | null): Date | null => (text === null ? null : new Date(text));

/** Webhook delivery rows: the worker's queue (lane heads) and the API's listing and replay (both dialects). */
export function deliveryQueries(db: Kysely<DatabaseSchema>, cipher: RowCipher): DeliveryStore {
  const listing = () =>
    db
      .selectFrom('webhook_deliveries as d')
      .innerJoin('outbox_events as o', 'o.id', 'd.event_seq')
      .leftJoin('webhook_endpoints as e', 'e.id', 'd.endpoint_id')
      .select([
        'd.id',
        'd.event_id',
        'd.event_seq',
        'd.session_id',
        'd.type',
        'd.endpoint_id',
        'e.url',
        'd.status',
        'd.attempts',
        'd.next_attempt_at',
        'd.last_attempt_at',
        'd.last_error',
        'd.last_status_code',
        'd.delivered_at',
        'd.created_at',
      ]);
  type ListingRow = Awaited<ReturnType<ReturnType<typeof listing>['execute']>>[number];
  const toRecord = (row: ListingRow): DeliveryRecord => ({
    id: row.id,
    eventId: row.event_id,
    sequence: Number(row.event_seq),
    sessionId: row.session_id,
    type: row.type,
    endpointId: row.endpoint_id,
    url: row.url,
    status: row.status as DeliveryStatus,
    attempts: Number(row.attempts),
    nextAttemptAt: new Date(row.next_attempt_at),
    lastAttemptAt: toDate(row.last_attempt_at),
    lastError: row.last_error,
    lastStatusCode: row.last_status_code === null ? null : Number(row.last_status_code),
    deliveredAt: toDate(row.delivered_at),
    createdAt: new Date(row.created_at),
  });

  const jobs = () =>
    db
      .selectFrom('webhook_deliveries as d')
      .innerJoin('webhook_endpoints as e', 'e.id', 'd.endpoint_id')
      .innerJoin('outbox_events as o', 'o.id', 'd.event_seq')
      .select([
        'd.id as delivery_id',
        'd.endpoint_id',
        'd.attempts',
        'd.next_attempt_at',
        'e.url',
        'e.secret',
        'e.failure_count',
      ])
      .selectAll('o')
      .where('d.status', '=', 'pending')
      .where('e.enabled', '=', 1);
  type JobRow = Awaited<ReturnType<ReturnType<typeof jobs>['execute']>>[number];
  const toJob = (row: JobRow): DeliveryJob => ({
    id: row.delivery_id,
    event: toStoredEvent(row, cipher),
    endpointId: row.endpoint_id,
    url: row.url,
    secret: cipher.open(endpointIdentity(row.endpoint_id), row.secret),
    attempts: Number(row.attempts),
    endpointFailing: Number(row.failure_count) > 0,
  });

  return {
    async due(now, limit) {
      // Lane heads first (one MIN per lane from the covering lane index), then their rows. CROSS JOIN
      // makes SQLite start from the few heads instead of every pending row; PostgreSQL plans it as an
      // inner join either way.
      const heads = db
        .selectFrom('webhook_deliveries')
        .select(['endpoint_id', 'session_id', (eb) => eb.fn.min('event_seq').as('head_seq')])
        .where('status', '=', 'pending')
        .groupBy(['endpoint_id', 'session_id'])
        .as('h');
      const rows = await db
        .selectFrom(heads)
        .crossJoin('webhook_deliveries as d')
        .innerJoin('webhook_endpoints as e', 'e.id', 'd.endpoint_id')
        .innerJoin('outbox_events as o', 'o.id', 'd.event_seq')
        .select([
          'd.id as delivery_id',
          'd.endpoint_id',
          'd.attempts',
          'd.next_attempt_at',
          'e.url',
          'e.secret',
          'e.failure_count',
        ])
        .selectAll('o')
        .whereRef('d.endpoint_id', '=', 'h.endpoint_id')
        .whereRef('d.session_id', '=', 'h.session_id')
        .whereRef('d.event_seq', '=', 'h.head_seq')
        .where('d.status', '=', 'pending')
        .where('e.enabled', '=', 1)
        .where('d.next_attempt_at', '<=', now.toISOString())
        .orderBy('d.event_seq')
        .limit(limit)
        .execute();
      return rows.map(toJob);
    },

    async laneBatch(endpointId, sessionId, now, limit) {
      const rows = await jobs()
        .where('d.session_id', '=', sessionId)
        .where('d.endpoint_id', '=', endpointId)
        .orderBy('d.event_seq')
        .limit(limit)
        .execute();
      const cutoff = now.toISOString();
      const notDue = rows.findIndex((row) => row.next_attempt_at > cutoff);
      return (notDue === -1 ? rows : rows.slice(0, notDue)).map(toJob);
    },

    async markDelivered(delivered, at) {
      if (delivered.length === 0) return;
      const when = at.toISOString();
      const byStatus = new Map<number, string[]>();
      for (const { job, statusCode } of delivered)
        byStatus.set(statusCode, [...(byStatus.get(statusCode) ?? []), job.id]);
      await db.transaction().execute(async (trx) => {
        for (const [statusCode, ids] of byStatus) {
          for (const part of chunk(ids, 500)) {
            await trx
              .updateTable('webhook_deliveries')
              .set((eb) => ({
                status: 'delivered',
                attempts: eb('attempts', '+', 1),
                last_attempt_at: when,
                delivered_at: when,
                last_status_code: statusCode,
                last_error: null,
              }))
              .where('id', 'in', part)
              .execute();
          }
        }
        const failing = [
          ...new Set(delivered.filter(({ job }) => job.endpointFailing).map(({ job }) => job.endpointId)),
        ];
        if (failing.length === 0) return;
        await trx
          .updateTable('webhook_endpoints')
          .set({ failure_count: 0, failing_since: null })
          .where('id', 'in', failing)
          .where('failure_count', '>', 0)
          .execute();
      });
    },

    async recordFailure(job, attempt) {
      const when = attempt.at.toISOString();
      return db.transaction().execute(async (trx) => {
        await trx
          .updateTable('webhook_deliveries')
          .set({
            status: attempt.nextAttemptAt === null ? 'failed' : 'pending',
            attempts: attempt.attempts,
            last_attempt_at: when,
            last_error: attempt.error,
            last_status_code: attempt.statusCode,
            ...(attempt.nextAttemptAt !== null && { next_attempt_at: attempt.nextAttemptAt.toISOString() }),
          })
          .where('id', '=', job.id)
          .execute();
        const streak = await trx
          .updateTable('webhook_endpoints')
          .set((eb) => ({
            failure_count: eb('failure_count', '+', 1),
            failing_since: eb.fn.coalesce('failing_since', eb.val(when)),
          }))
          .where('id', '=', job.endpointId)
          .returning(['failure_count', 'failing_since'])
          .executeTakeFirst();
        return {
          failureCount: Number(streak?.failure_count ?? 1),
          failingSince: new Date(streak?.failing_since ?? when),
        };
      });
    },

    async disableEndpoint(endpointId, reason, at) {
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable('webhook_endpoints')
          .set({ enabled: 0, disabled_reason: reason, disabled_at: at.toISOString() })
          .where('id', '=', endpointId)
          .execute();
        await trx
          .updateTable('webhook_deliveries')
          .set({ status: 'failed', last_error: `endpoint disabled: ${reason}` })
          .where('endpoint_id', '=', endpointId)
          .where('status', '=', 'pending')
          .execute();
      });
    },

    async list({ status, sessionId, limit }) {
      let query = listing();
      if (status !== undefined) query = query.where('d.status', '=', status);
      if (sessionId !== undefined) query = query.where('d.session_id', '=', sessionId);
      const rows = await query.orderBy('d.event_seq', 'desc').orderBy('d.id').limit(limit).execute();
      return rows.map(toRecord);
    },

    async find(id) {
      const row = await listing().where('d.id', '=', id).executeTakeFirst();
      return row && toRecord(row);
    },

    async retry(id, now) {
      const when = now.toISOString();
      const found = await db.transaction().execute(async (trx) => {
        const row = await trx
          .updateTable('webhook_deliveries')
          .set({ status: 'pending', attempts: 0, next_attempt_at: when, delivered_at: null })
          .where('id', '=', id)
          .returning('endpoint_id')
          .executeTakeFirst();
        if (!row) return false;
        await trx
          .updateTable('webhook_endpoints')
          .set({
            enabled: 1,
            disabled_reason: null,
            disabled_at: null,
            failure_count: 0,
            failing_since: null,
            updated_at: when,
          })
          .where('id', '=', row.endpoint_id)
          .where('enabled', '=', 0)
          .execute();
        return true;
      });
      return found ? this.find(id) : undefined;
    },

    async endpointExists(endpointId) {
      const row = await db.selectFrom('webhook_endpoints').select('id').where('id', '=', endpointId).executeTakeFirst();
      return row !== undefined;
    },

    async countPending() {
      // The lane index starts with status, so this counts index entries, not rows.
      const row = await db
        .selectFrom('webhook_deliveries')
        .select((eb) => eb.fn.countAll<number | string | bigint>().as('pending'))
        .where('status', '=', 'pending')
        .executeTakeFirstOrThrow();
      return Number(row.pending);
    },
  };
}
