import { AppError } from '../errors/app-error.ts';
import { BLOCKED_ADDRESS, checkedAddresses, type AddressPolicy } from '../shared/outbound-address.ts';
import type {
  DeliveryFilter,
  DeliveryRecord,
  DeliveryStore,
  WebhookEndpoint,
  WebhookEndpointStore,
} from './event-store.ts';
import type { EventType } from './event-types.ts';
import { generateWebhookSecret, isStandardSecret } from './webhook-signature.ts';

export interface WebhookServiceOptions {
  endpoints: WebhookEndpointStore;
  deliveries: DeliveryStore;
  /** Throws SESSION_NOT_FOUND for an unknown session. */
  requireSession: (sessionId: string) => Promise<void>;
  /** Which targets may be set (checked again at delivery). */
  addresses: AddressPolicy;
  /** Wakes the delivery worker after a replay. */
  nudge: () => void;
}

export interface PutWebhookInput {
  url: string;
  secret?: string;
  events?: EventType[];
}

export interface WebhookService {
  /** Creates or replaces (and re-enables) a session's webhook; `generatedSecret` is set only when one was made. */
  put(
    sessionId: string,
    input: PutWebhookInput,
  ): Promise<{ endpoint: WebhookEndpoint; generatedSecret: string | null }>;
  get(sessionId: string): Promise<WebhookEndpoint>;
  remove(sessionId: string): Promise<void>;
  listDeliveries(filter: DeliveryFilter): Promise<DeliveryRecord[]>;
  retryDelivery(id: string): Promise<DeliveryRecord>;
}

const MAX_URL_LENGTH = 2_048;

function assertWebhookUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new AppError('INVALID_WEBHOOK_URL', 'url must be an absolute http or https URL');
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || text.length > MAX_URL_LENGTH) {
    throw new AppError(
      'INVALID_WEBHOOK_URL',
      `url must be an absolute http or https URL of at most ${MAX_URL_LENGTH} characters`,
    );
  }
  return url.toString();
}

/**
 * Refuses a target that is, or resolves to, a private or reserved address. A name that does not resolve
 * (yet) is accepted: delivery checks again, connects only to a checked address and reports `dns_failure`.
 */
export async function assertAllowedTarget(url: string, policy: AddressPolicy): Promise<void> {
  if (policy.allowPrivate) return;
  try {
    await checkedAddresses(new URL(url).hostname, policy);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === BLOCKED_ADDRESS) {
      throw new AppError('WEBHOOK_URL_FORBIDDEN', 'set ALLOW_PRIVATE_WEBHOOKS=true to deliver to a private network');
    }
  }
}

/** Use cases behind the webhook and delivery routes. */
export function createWebhookService(options: WebhookServiceOptions): WebhookService {
  const { endpoints, deliveries, requireSession } = options;
  return {
    async put(sessionId, input) {
      const url = assertWebhookUrl(input.url);
      await assertAllowedTarget(url, options.addresses);
      if (input.secret !== undefined && !isStandardSecret(input.secret)) {
        throw new AppError(
          'INVALID_WEBHOOK_SECRET',
          'secret must be whsec_ followed by 16 to 64 bytes in base64 (or leave it out to get one generated)',
        );
      }
      await requireSession(sessionId);
      const existing = await endpoints.findForSession(sessionId);
      const secret = input.secret ?? existing?.secret ?? generateWebhookSecret();
      const generatedSecret = input.secret === undefined && !existing ? secret : null;
      const events = input.events === undefined ? null : [...new Set(input.events)];
      const endpoint = await endpoints.putForSession(sessionId, { url, secret, events });
      return { endpoint, generatedSecret };
    },

    async get(sessionId) {
      await requireSession(sessionId);
      const endpoint = await endpoints.findForSession(sessionId);
      if (!endpoint) throw new AppError('WEBHOOK_NOT_FOUND');
      return endpoint;
    },

    async remove(sessionId) {
      await requireSession(sessionId);
      if (!(await endpoints.removeForSession(sessionId))) throw new AppError('WEBHOOK_NOT_FOUND');
    },

    listDeliveries: (filter) => deliveries.list(filter),

    async retryDelivery(id) {
      const found = await deliveries.find(id);
      if (!found) throw new AppError('DELIVERY_NOT_FOUND');
      if (!(await deliveries.endpointExists(found.endpointId))) throw new AppError('DELIVERY_ENDPOINT_GONE');
      const retried = await deliveries.retry(id, new Date());
      if (!retried) throw new AppError('DELIVERY_NOT_FOUND');
      options.nudge();
      return retried;
    },
  };
}
