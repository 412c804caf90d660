import type { DeliveryRecord, WebhookEndpoint } from '../../events/event-store.ts';
import { EVENT_TYPES } from '../../events/event-types.ts';
import { withoutCredentials } from '../../shared/outbound-address.ts';

/** A session webhook; the secret only when it was just generated (it is shown once). */
export function presentWebhook(endpoint: WebhookEndpoint, generatedSecret: string | null = null) {
  return {
    sessionId: endpoint.sessionId ?? '',
    // Credentials in the URL are sent to the receiver, never shown back.
    url: withoutCredentials(endpoint.url),
    events: endpoint.events ?? [...EVENT_TYPES],
    enabled: endpoint.enabled,
    disabledReason: endpoint.disabledReason,
    disabledAt: endpoint.disabledAt?.toISOString() ?? null,
    createdAt: endpoint.createdAt.toISOString(),
    updatedAt: endpoint.updatedAt.toISOString(),
    ...(generatedSecret !== null && { secret: generatedSecret }),
  };
}

export function presentDelivery(delivery: DeliveryRecord) {
  return {
    id: delivery.id,
    eventId: delivery.eventId,
    sequence: delivery.sequence,
    sessionId: delivery.sessionId,
    type: delivery.type,
    endpoint: { id: delivery.endpointId, url: delivery.url === null ? null : withoutCredentials(delivery.url) },
    status: delivery.status,
    attempts: delivery.attempts,
    nextAttemptAt: delivery.nextAttemptAt.toISOString(),
    lastAttemptAt: delivery.lastAttemptAt?.toISOString() ?? null,
    lastError: delivery.lastError,
    lastStatusCode: delivery.lastStatusCode,
    deliveredAt: delivery.deliveredAt?.toISOString() ?? null,
    createdAt: delivery.createdAt.toISOString(),
  };
}
