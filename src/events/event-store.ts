import type { EventType, GatewayEvent } from './event-types.ts';

/** An event as stored in the outbox: `sequence` grows with every event and is the SSE id. */
export interface StoredEvent extends GatewayEvent {
  sequence: number;
}

/** One (endpoint, session) delivery queue: a session's events reach an endpoint in order. */
export interface Lane {
  endpointId: string;
  sessionId: string;
}

export interface AppendResult {
  events: StoredEvent[];
  lanes: Lane[];
}

/** The outbox: events and, in the same transaction, one delivery row per subscribed webhook endpoint. */
export interface OutboxStore {
  /**
   * Stores the events in order, each with a pending delivery for every enabled endpoint that wants it;
   * returns them with the lanes that got deliveries.
   */
  append(events: readonly GatewayEvent[]): Promise<AppendResult>;
  /** Events after a sequence, oldest first; optionally of one session. */
  after(sequence: number, options: { sessionId?: string; limit: number }): Promise<StoredEvent[]>;
  /** The newest sequence (0 when empty). */
  lastSequence(): Promise<number>;
  /**
   * Deletes finished deliveries (delivered or failed) created before `before`, then the events of that
   * age that no delivery row points at any more. Pending deliveries and their events are never touched.
   */
  prune(before: Date): Promise<{ events: number; deliveries: number }>;
}

/** Where webhooks go: the global one from config (`sessionId` null) or one per session. */
export interface WebhookEndpoint {
  id: string;
  sessionId: string | null;
  url: string;
  /** `whsec_<base64>`, or a raw string (global endpoint only). Never leaves the gateway except once on creation. */
  secret: string;
  /** null: every event type. */
  events: EventType[] | null;
  enabled: boolean;
  disabledReason: string | null;
  disabledAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface EndpointSettings {
  url: string;
  secret: string;
  events: EventType[] | null;
}

export interface WebhookEndpointStore {
  findForSession(sessionId: string): Promise<WebhookEndpoint | undefined>;
  /** Creates or replaces the session's endpoint; always (re-)enabled with a clean failure streak. */
  putForSession(sessionId: string, settings: EndpointSettings): Promise<WebhookEndpoint>;
  /** Deletes the session's endpoint and fails its pending deliveries; false if there was none. */
  removeForSession(sessionId: string): Promise<boolean>;
  /** Mirrors the configured global endpoint (enabled on every start), or removes it when unset. */
  syncGlobal(settings: Omit<EndpointSettings, 'events'> | undefined): Promise<void>;
}

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** A delivery the worker should attempt now: the oldest pending event of its (endpoint, session) lane. */
export interface DeliveryJob {
  id: string;
  event: StoredEvent;
  endpointId: string;
  url: string;
  secret: string;
  attempts: number;
  /** Whether the endpoint had a failure streak when the job was read (a success must end it). */
  endpointFailing: boolean;
}

/** One delivery as the API lists it (no secrets). */
export interface DeliveryRecord {
  id: string;
  eventId: string;
  sequence: number;
  sessionId: string;
  type: string;
  endpointId: string;
  url: string | null;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: Date;
  lastAttemptAt: Date | null;
  lastError: string | null;
  lastStatusCode: number | null;
  deliveredAt: Date | null;
  createdAt: Date;
}

export interface DeliveryFilter {
  status?: DeliveryStatus;
  sessionId?: string;
  limit: number;
}

export interface FailedAttempt {
  at: Date;
  attempts: number;
  error: string;
  statusCode: number | null;
  /** null: give up, the delivery becomes `failed`. */
  nextAttemptAt: Date | null;
}

/** The endpoint's failure streak after recording a failure. */
export interface FailureStreak {
  failureCount: number;
  failingSince: Date;
}

export interface DeliveryStore {
  /** Lane heads that are due, oldest event first: never two deliveries of one (endpoint, session). */
  due(now: Date, limit: number): Promise<DeliveryJob[]>;
  /**
   * Up to `limit` of the lane's oldest pending deliveries, in order, stopping before the first that is
   * not due yet (never skipping ahead), so a worker can stay on a busy lane.
   */
  laneBatch(endpointId: string, sessionId: string, now: Date, limit: number): Promise<DeliveryJob[]>;
  /** Marks deliveries delivered (one statement for many) and ends their endpoints' failure streaks. */
  markDelivered(delivered: ReadonlyArray<{ job: DeliveryJob; statusCode: number }>, at: Date): Promise<void>;
  recordFailure(job: DeliveryJob, attempt: FailedAttempt): Promise<FailureStreak>;
  /** Disables the endpoint with a reason and fails its pending deliveries. */
  disableEndpoint(endpointId: string, reason: string, at: Date): Promise<void>;
  list(filter: DeliveryFilter): Promise<DeliveryRecord[]>;
  find(id: string): Promise<DeliveryRecord | undefined>;
  /** Back to pending, due now, attempts reset; re-enables its endpoint. Undefined if unknown. */
  retry(id: string, now: Date): Promise<DeliveryRecord | undefined>;
  /** Whether the delivery's endpoint still exists. */
  endpointExists(endpointId: string): Promise<boolean>;
  /** How many deliveries are pending (the outbox backlog), due or not. */
  countPending(): Promise<number>;
}
