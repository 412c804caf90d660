import { randomUUID } from 'node:crypto';
import { sql, type Insertable, type Kysely, type Selectable } from 'kysely';
import type { AppendResult, Lane, OutboxStore, StoredEvent } from '../events/event-store.ts';
import type { EventType, GatewayEvent } from '../events/event-types.ts';
import { chunk } from './chunk.ts';
import type { DatabaseSchema, OutboxEventsTable, WebhookDeliveriesTable, WebhookEndpointsTable } from './schema.ts';
import { compileRowStatement, sqliteHandleOf, type SqliteHandle } from './sqlite-handle.ts';

/** Events per PostgreSQL append statement: 5 parameters each, far under PostgreSQL's 65,535. */
const EVENTS_PER_STATEMENT = 1_000;
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

export const newDeliveryId = (): string => `dlv_${randomUUID().replaceAll('-', '')}`;

export function toStoredEvent(row: Selectable<OutboxEventsTable>): StoredEvent {
  return {
    id: row.event_id,
    type: row.type as EventType,
    sessionId: row.session_id,
    timestamp: row.created_at,
    data: JSON.parse(row.payload) as Record<string, unknown>,
    sequence: Number(row.id),
  };
}

const wants = (events: string | null, type: string): boolean =>
  events === null || (JSON.parse(events) as string[]).includes(type);

type EndpointRow = Pick<Selectable<WebhookEndpointsTable>, 'id' | 'session_id' | 'events'>;
type DeliveryRow = Insertable<WebhookDeliveriesTable>;

const eventRow = (event: GatewayEvent): Insertable<OutboxEventsTable> => ({
  event_id: event.id,
  session_id: event.sessionId,
  type: event.type,
  payload: JSON.stringify(event.data),
  created_at: event.timestamp,
});

/** Each (endpoint, session) lane once, in first-seen order. */
const uniqueLanes = (lanes: readonly Lane[]): Lane[] =>
  [...new Map(lanes.map((lane) => [`${lane.endpointId}\n${lane.sessionId}`, lane])).values()];

/** One pending delivery per stored event and enabled endpoint that wants it, and the lanes they fill. */
function planDeliveries(stored: readonly StoredEvent[], endpoints: readonly EndpointRow[]): { deliveries: DeliveryRow[]; lanes: Lane[] } {
  const deliveries = stored.flatMap((event) =>
    endpoints
      .filter((endpoint) => (endpoint.session_id === null || endpoint.session_id === event.sessionId) && wants(endpoint.events, event.type))
      .map((endpoint): DeliveryRow => ({
        id: newDeliveryId(),
        event_seq: event.sequence,
        event_id: event.id,
        session_id: event.sessionId,
        type: event.type,
        endpoint_id: endpoint.id,
        status: 'pending',
        next_attempt_at: event.timestamp,
        created_at: event.timestamp,
      })),
  );
  return { deliveries, lanes: uniqueLanes(deliveries.map((d) => ({ endpointId: d.endpoint_id, sessionId: d.session_id }))) };
}

/** The outbox on SQLite or PostgreSQL: events plus their delivery rows, written in one transaction. */
export function createOutboxStore(db: Kysely<DatabaseSchema>): OutboxStore {
  const sqlite = sqliteHandleOf(db);
  // SQLite: the same statements compiled once and run synchronously (no query building per event).
  const insertEvent = compileRowStatement<Insertable<OutboxEventsTable>>(['event_id', 'session_id', 'type', 'payload', 'created_at'], (row) =>
    db.insertInto('outbox_events').values(row));
  const endpointsOf = compileRowStatement<{ session_id: string; enabled: number }>(['session_id', 'enabled'], (row) =>
    db.selectFrom('webhook_endpoints').select(['id', 'session_id', 'events']).where('enabled', '=', row.enabled)
      .where((eb) => eb.or([eb('session_id', 'is', null), eb('session_id', '=', row.session_id)])));
  const deliveryColumns = ['id', 'event_seq', 'event_id', 'session_id', 'type', 'endpoint_id', 'status', 'next_attempt_at', 'created_at'] as const;
  const insertDelivery = compileRowStatement<DeliveryRow>(deliveryColumns, (row) => db.insertInto('webhook_deliveries').values(row));

  const appendSqlite = (handle: SqliteHandle, events: readonly GatewayEvent[]): AppendResult => {
    const insert = handle.statement(insertEvent.sql);
    const stored = events.map((event): StoredEvent => ({ ...event, sequence: Number(insert.run(insertEvent.bind(eventRow(event))).lastInsertRowid) }));
    const select = handle.statement(endpointsOf.sql);
    const endpoints = new Map<string, EndpointRow>();
    for (const sessionId of new Set(events.map((event) => event.sessionId))) {
      for (const row of select.all(endpointsOf.bind({ session_id: sessionId, enabled: 1 })) as EndpointRow[]) endpoints.set(row.id, row);
    }
    const { deliveries, lanes } = planDeliveries(stored, [...endpoints.values()]);
    const insertOne = handle.statement(insertDelivery.sql);
    for (const delivery of deliveries) insertOne.run(insertDelivery.bind(delivery));
    return { events: stored, lanes };
  };

  /**
   * PostgreSQL: one statement, so one round trip per batch instead of four (begin, insert, endpoint
   * lookup, deliveries, commit), and atomic by itself. The deliveries are planned in SQL the way
   * `planDeliveries` does in JS: every enabled endpoint of the event's session or global, whose event
   * filter (a JSON array, or null for all) has the event's type. Ids have the same `dlv_` form.
   */
  const appendPostgres = async (qb: Kysely<DatabaseSchema>, events: readonly GatewayEvent[]): Promise<AppendResult> => {
    const values = sql.join(events.map((event) => {
      const row = eventRow(event);
      return sql`(${row.event_id}, ${row.session_id}, ${row.type}, ${row.payload}, ${row.created_at})`;
    }));
    const { rows } = await sql<{ seq: string | null; event_id: string | null; endpoint_id: string | null; session_id: string | null }>`
      with ev as (
        insert into outbox_events (event_id, session_id, type, payload, created_at) values ${values}
        returning id, event_id, session_id, type, created_at
      ), d as (
        insert into webhook_deliveries (id, event_seq, event_id, session_id, type, endpoint_id, status, next_attempt_at, created_at)
        select 'dlv_' || replace(gen_random_uuid()::text, '-', ''), ev.id, ev.event_id, ev.session_id, ev.type, e.id, 'pending', ev.created_at, ev.created_at
        from ev join webhook_endpoints e
          on e.enabled = 1
         and (e.session_id is null or e.session_id = ev.session_id)
         and (e.events is null or e.events::jsonb ? ev.type)
        returning endpoint_id, session_id
      )
      select id::text as seq, event_id, null as endpoint_id, null as session_id from ev
      union all
      select distinct null, null, endpoint_id, session_id from d
    `.execute(qb);
    const sequences = new Map<string, number>();
    const lanes: Lane[] = [];
    for (const row of rows) {
      if (row.event_id !== null) sequences.set(row.event_id, Number(row.seq));
      else if (row.endpoint_id !== null && row.session_id !== null) lanes.push({ endpointId: row.endpoint_id, sessionId: row.session_id });
    }
    return { events: events.map((event): StoredEvent => ({ ...event, sequence: sequences.get(event.id) ?? 0 })), lanes };
  };

  return {
    async append(events: readonly GatewayEvent[]) {
      if (events.length === 0) return { events: [], lanes: [] };
      if (sqlite) return sqlite.transaction(() => appendSqlite(sqlite, events));
      const parts = chunk(events, EVENTS_PER_STATEMENT);
      if (parts.length === 1) return appendPostgres(db, events);
      return db.transaction().execute(async (trx) => {
        const results: AppendResult[] = [];
        for (const part of parts) results.push(await appendPostgres(trx, part));
        return { events: results.flatMap((r) => r.events), lanes: uniqueLanes(results.flatMap((r) => r.lanes)) };
      });
    },

    async after(sequence, { sessionId, limit }) {
      let query = db.selectFrom('outbox_events').selectAll().where('id', '>', sequence);
      if (sessionId !== undefined) query = query.where('session_id', '=', sessionId);
      const rows = await query.orderBy('id').limit(limit).execute();
      return rows.map(toStoredEvent);
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
        .where(({ not, exists, selectFrom }) => not(exists(selectFrom('webhook_deliveries as d').select('d.id').whereRef('d.event_seq', '=', 'e.id'))))
        .limit(ROWS_PER_PRUNE);
      // Deliveries first: the events they pointed at become unreferenced.
      const deliveries = await deleteInChunks(() => db.deleteFrom('webhook_deliveries').where('id', 'in', finishedDeliveries).executeTakeFirst());
      const events = await deleteInChunks(() => db.deleteFrom('outbox_events').where('id', 'in', unreferencedEvents).executeTakeFirst());
      return { events, deliveries };
    },

    async lastSequence() {
      const row = await db.selectFrom('outbox_events').select((eb) => eb.fn.max('id').as('max')).executeTakeFirst();
      return Number(row?.max ?? 0);
    },
  };
}
