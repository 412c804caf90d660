import { randomUUID } from 'node:crypto';
import type { AppendResult, Lane, StoredEvent } from '../../events/event-store.ts';
import type { GatewayEvent } from '../../events/event-types.ts';
import { eventIdentity } from '../common/sealed-columns.ts';
import type { RowCipher } from '../row-cipher.ts';
import type { SqliteConnection, SqliteStatement } from './sqlite-connection.ts';

const INSERT_EVENT = `insert into outbox_events (event_id, session_id, type, payload, created_at)
  values (?, ?, ?, ?, ?)`;
const ENDPOINTS_OF_SESSION = `select id, session_id, events from webhook_endpoints
  where enabled = 1 and (session_id is null or session_id = ?)`;
const INSERT_DELIVERY = `insert into webhook_deliveries
  (id, event_seq, event_id, session_id, type, endpoint_id, status, next_attempt_at, created_at)
  values (?, ?, ?, ?, ?, ?, 'pending', ?, ?)`;

interface EndpointRow {
  id: string;
  session_id: string | null;
  /** A JSON array of event types, or null for every type. */
  events: string | null;
}

const wants = (endpoint: EndpointRow, event: StoredEvent): boolean =>
  (endpoint.session_id === null || endpoint.session_id === event.sessionId) &&
  (endpoint.events === null || (JSON.parse(endpoint.events) as string[]).includes(event.type));

/**
 * The outbox append on SQLite: the events, then one pending delivery per event and enabled endpoint
 * that wants it (the endpoint's session or global, its filter holding the event's type), in one
 * synchronous transaction. Returns each lane that got a delivery once, in first-seen order.
 */
export function createSqliteOutboxAppend(
  connection: SqliteConnection,
  cipher: RowCipher,
): (events: readonly GatewayEvent[]) => Promise<AppendResult> {
  let statements: Record<'insertEvent' | 'endpointsOf' | 'insertDelivery', SqliteStatement> | undefined;
  const prepared = () =>
    (statements ??= {
      insertEvent: connection.prepare(INSERT_EVENT),
      endpointsOf: connection.prepare(ENDPOINTS_OF_SESSION),
      insertDelivery: connection.prepare(INSERT_DELIVERY),
    });

  const append = (events: readonly GatewayEvent[]): AppendResult => {
    const { insertEvent, endpointsOf, insertDelivery } = prepared();
    const stored = events.map((event): StoredEvent => {
      const payload = cipher.seal(eventIdentity(event.id), JSON.stringify(event.data));
      const { lastInsertRowid } = insertEvent.run(event.id, event.sessionId, event.type, payload, event.timestamp);
      return { ...event, sequence: Number(lastInsertRowid) };
    });
    const endpoints = new Map<string, EndpointRow>();
    for (const sessionId of new Set(events.map((event) => event.sessionId))) {
      for (const row of endpointsOf.all(sessionId) as EndpointRow[]) endpoints.set(row.id, row);
    }
    const lanes = new Map<string, Lane>();
    for (const event of stored) {
      for (const endpoint of endpoints.values()) {
        if (!wants(endpoint, event)) continue;
        const id = `dlv_${randomUUID().replaceAll('-', '')}`;
        insertDelivery.run(
          id,
          event.sequence,
          event.id,
          event.sessionId,
          event.type,
          endpoint.id,
          event.timestamp,
          event.timestamp,
        );
        const lane = `${endpoint.id}\n${event.sessionId}`;
        if (!lanes.has(lane)) lanes.set(lane, { endpointId: endpoint.id, sessionId: event.sessionId });
      }
    }
    return { events: stored, lanes: [...lanes.values()] };
  };

  return async (events) =>
    events.length === 0 ? { events: [], lanes: [] } : connection.transaction(() => append(events));
}
