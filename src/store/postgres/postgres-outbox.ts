import type pg from 'pg';
import type { AppendResult, Lane, StoredEvent } from '../../events/event-store.ts';
import type { GatewayEvent } from '../../events/event-types.ts';
import { eventIdentity } from '../common/sealed-columns.ts';
import type { RowCipher } from '../row-cipher.ts';

/**
 * The events, in order, and one pending delivery per event and enabled endpoint that wants it: the
 * endpoint's session or global, and its filter (a JSON array of types, or null for all) has the
 * event's type. One statement, so one round trip and atomic by itself; columns come as arrays, so one
 * prepared text serves any number of events. Returns the sequences, then each lane that got a delivery.
 */
const APPEND = {
  name: 'wagate_outbox_append',
  text: `with ev as (
      insert into outbox_events (event_id, session_id, type, payload, created_at)
      select event_id, session_id, type, payload, created_at
      from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
        with ordinality as e(event_id, session_id, type, payload, created_at, n)
      order by n
      returning id, event_id, session_id, type, created_at
    ), d as (
      insert into webhook_deliveries
        (id, event_seq, event_id, session_id, type, endpoint_id, status, next_attempt_at, created_at)
      select 'dlv_' || replace(gen_random_uuid()::text, '-', ''), ev.id, ev.event_id, ev.session_id, ev.type, e.id,
        'pending', ev.created_at, ev.created_at
      from ev join webhook_endpoints e
        on e.enabled = 1
       and (e.session_id is null or e.session_id = ev.session_id)
       and (e.events is null or e.events::jsonb ? ev.type)
      returning endpoint_id, session_id
    )
    select id::text as seq, event_id, null as endpoint_id, null as session_id from ev
    union all
    select distinct null, null, endpoint_id, session_id from d`,
};

type AppendRow = { seq: string | null; event_id: string | null; endpoint_id: string | null; session_id: string | null };

/** The outbox append on PostgreSQL: the one-statement form. */
export function createPostgresOutboxAppend(
  pool: pg.Pool,
  cipher: RowCipher,
): (events: readonly GatewayEvent[]) => Promise<AppendResult> {
  return async (events) => {
    if (events.length === 0) return { events: [], lanes: [] };
    const { rows } = await pool.query<AppendRow>({
      ...APPEND,
      values: [
        events.map((e) => e.id),
        events.map((e) => e.sessionId),
        events.map((e) => e.type),
        events.map((e) => cipher.seal(eventIdentity(e.id), JSON.stringify(e.data))),
        events.map((e) => e.timestamp),
      ],
    });
    const sequences = new Map<string, number>();
    const lanes: Lane[] = [];
    for (const row of rows) {
      if (row.event_id !== null) sequences.set(row.event_id, Number(row.seq));
      else if (row.endpoint_id !== null && row.session_id !== null) {
        lanes.push({ endpointId: row.endpoint_id, sessionId: row.session_id });
      }
    }
    const stored = events.map((event): StoredEvent => ({ ...event, sequence: sequences.get(event.id) ?? 0 }));
    return { events: stored, lanes };
  };
}
