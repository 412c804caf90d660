import type { GatewayEvent } from './event-types.ts';

/** The wire shape of an event, the same for webhooks and SSE: `{ id, type, sessionId, timestamp, data }`. */
export function toEnvelope(event: GatewayEvent): GatewayEvent {
  return { id: event.id, type: event.type, sessionId: event.sessionId, timestamp: event.timestamp, data: event.data };
}
