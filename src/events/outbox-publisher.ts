import { randomBytes } from 'node:crypto';
import type { EventHub } from './event-hub.ts';
import type { OutboxStore, StoredEvent } from './event-store.ts';
import { EVENT_TYPES, type EventPublisher, type EventType, type GatewayEvent } from './event-types.ts';

export interface OutboxPublisherOptions {
  store: OutboxStore;
  hub: EventHub;
  /** Called after each commit, e.g. to wake the delivery worker. */
  onCommitted?: () => void;
  /** Most events written in one transaction (default 500). */
  maxBatch?: number;
}

interface Pending {
  event: GatewayEvent;
  resolve: (event: StoredEvent) => void;
  reject: (err: unknown) => void;
}

export interface OutboxPublisher extends EventPublisher {
  publish(sessionId: string, type: EventType, data: Record<string, unknown>): Promise<StoredEvent>;
  /** Resolves once every event published so far is committed (or failed); for shutdown. */
  idle(): Promise<void>;
}

export const newEventId = (): string => `evt_${randomBytes(16).toString('hex')}`;

/**
 * Publishes through the outbox. Calls are queued and written by one writer at a time, in call order, with
 * every call that arrived meanwhile in the same transaction (group commit). One writer means sequences
 * commit in order, so an SSE client resuming after sequence N can never miss a later-committed N-1.
 */
export function createOutboxPublisher(options: OutboxPublisherOptions): OutboxPublisher {
  const maxBatch = options.maxBatch ?? 500;
  const queue: Pending[] = [];
  let writing: Promise<void> | null = null;

  const drain = async () => {
    while (queue.length > 0) {
      const batch = queue.splice(0, maxBatch);
      try {
        const stored = await options.store.append(batch.map((item) => item.event));
        stored.forEach((event, index) => batch[index]?.resolve(event));
        for (const event of stored) options.hub.emit(event);
        options.onCommitted?.();
      } catch (err) {
        for (const item of batch) item.reject(err);
      }
    }
    writing = null;
  };

  return {
    publish(sessionId, type, data) {
      if (!EVENT_TYPES.includes(type)) return Promise.reject(new TypeError(`unknown event type ${String(type)}`));
      try {
        // Fail this call alone (not its whole batch) on data that cannot become JSON.
        JSON.stringify(data);
      } catch (err) {
        return Promise.reject(err);
      }
      const event: GatewayEvent = { id: newEventId(), type, sessionId, timestamp: new Date().toISOString(), data };
      return new Promise<StoredEvent>((resolve, reject) => {
        queue.push({ event, resolve, reject });
        writing ??= drain();
      });
    },
    async idle() {
      while (writing) await writing;
    },
  };
}
