import { randomUUID } from 'node:crypto';
import type { EventHub } from './event-hub.ts';
import type { Lane, OutboxStore, StoredEvent } from './event-store.ts';
import { EVENT_TYPES, type EventPublisher, type EventType, type GatewayEvent } from './event-types.ts';
import { createGroupCommit } from '../shared/group-commit.ts';

export interface OutboxPublisherOptions {
  store: OutboxStore;
  hub: EventHub;
  /** Called after each commit with the lanes that got deliveries, e.g. to wake the delivery worker. */
  onCommitted?: (lanes: Lane[]) => void;
  /** Most events written in one transaction (default 500). */
  maxBatch?: number;
  /**
   * How long publishes are collected into one transaction (default 2 ms; 0: the next event-loop turn).
   * A commit costs far more than a row, so at hundreds of events a second this is what keeps up.
   */
  batchWindowMs?: number;
}

export interface OutboxPublisher extends EventPublisher {
  publish(sessionId: string, type: EventType, data: Record<string, unknown>): Promise<StoredEvent>;
  /** Resolves once every event published so far is committed (or failed); for shutdown. */
  idle(): Promise<void>;
}

// randomUUID draws from a cached entropy pool: much cheaper per id than randomBytes at thousands a second.
export const newEventId = (): string => `evt_${randomUUID().replaceAll('-', '')}`;

/**
 * Publishes through the outbox. Calls are queued and written by one writer at a time, in call order, with
 * every call that arrived meanwhile in the same transaction (group commit). One writer means sequences
 * commit in order, so an SSE client resuming after sequence N can never miss a later-committed N-1.
 */
export function createOutboxPublisher(options: OutboxPublisherOptions): OutboxPublisher {
  const writer = createGroupCommit<GatewayEvent, StoredEvent>(
    async (events) => {
      const { events: stored, lanes } = await options.store.append(events);
      for (const event of stored) options.hub.emit(event);
      if (lanes.length > 0) options.onCommitted?.(lanes);
      return stored;
    },
    { maxBatch: options.maxBatch ?? 500, delayMs: options.batchWindowMs ?? 2 },
  );

  return {
    publish(sessionId, type, data) {
      if (!EVENT_TYPES.includes(type)) return Promise.reject(new TypeError(`unknown event type ${String(type)}`));
      try {
        // Fail this call alone (not its whole batch) on data that cannot become JSON.
        JSON.stringify(data);
      } catch (err) {
        return Promise.reject(err);
      }
      return writer.add({ id: newEventId(), type, sessionId, timestamp: new Date().toISOString(), data });
    },
    idle: () => writer.idle(),
  };
}
