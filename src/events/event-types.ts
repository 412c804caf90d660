/** Every event type the gateway publishes to webhooks and the live stream. */
export const EVENT_TYPES = ['message.received', 'message.status', 'session.status', 'session.qr'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** An event as accepted into the outbox; delivered as `{ id, type, sessionId, timestamp, data }`. */
export interface GatewayEvent {
  /** Unique, stable across retries and restarts (`evt_…`); the webhook-id header and SSE id. */
  id: string;
  type: EventType;
  sessionId: string;
  /** ISO time the event was accepted. */
  timestamp: string;
  data: Record<string, unknown>;
}

/**
 * The one way producers hand events over. `publish` resolves once the event is durably stored in the
 * outbox; delivery (webhooks, SSE) happens afterwards, at least once, in order per session.
 */
export interface EventPublisher {
  publish(sessionId: string, type: EventType, data: Record<string, unknown>): Promise<GatewayEvent>;
}
