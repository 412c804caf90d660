import type { Logger } from 'pino';
import type { AddressPolicy } from '../shared/outbound-address.ts';
import { DeliveryWorker, type DeliveryWorkerOptions } from './delivery-worker.ts';
import { EventHub } from './event-hub.ts';
import type { DeliveryStore, OutboxStore, WebhookEndpointStore } from './event-store.ts';
import { createOutboxPublisher, type OutboxPublisher } from './outbox-publisher.ts';
import { createWebhookService, type WebhookService } from './webhook-service.ts';

export interface EventPipelineOptions {
  outbox: OutboxStore;
  endpoints: WebhookEndpointStore;
  deliveries: DeliveryStore;
  logger: Logger;
  /** Throws SESSION_NOT_FOUND for an unknown session (the webhook routes need it). */
  requireSession: (sessionId: string) => Promise<void>;
  /** Which webhook targets are allowed, when set and at delivery (default: public addresses only). */
  addresses?: AddressPolicy;
  /** Delivery worker tuning (timeouts, concurrency, polling, retry and disable policies, outcome listener). */
  worker?: Omit<DeliveryWorkerOptions, 'store' | 'logger' | 'addresses'>;
}

/** Everything behind events: publisher (outbox), live hub, delivery worker and the webhook use cases. */
export interface EventPipeline {
  publisher: OutboxPublisher;
  hub: EventHub;
  worker: DeliveryWorker;
  webhooks: WebhookService;
  outbox: OutboxStore;
}

/** Wires the pieces; starts nothing (call `worker.start()`). */
export function createEventPipeline(options: EventPipelineOptions): EventPipeline {
  const addresses = options.addresses ?? { allowPrivate: false };
  const hub = new EventHub(options.logger);
  const worker = new DeliveryWorker({
    store: options.deliveries,
    logger: options.logger.child({ component: 'webhooks' }),
    ...options.worker,
    addresses,
  });
  const publisher = createOutboxPublisher({ store: options.outbox, hub, onCommitted: (lanes) => worker.notify(lanes) });
  const webhooks = createWebhookService({
    endpoints: options.endpoints,
    deliveries: options.deliveries,
    requireSession: options.requireSession,
    addresses,
    nudge: () => worker.nudge(),
  });
  return { publisher, hub, worker, webhooks, outbox: options.outbox };
}
