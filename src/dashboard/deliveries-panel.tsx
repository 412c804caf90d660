import { useEffect, useState } from 'preact/hooks';
import type { ApiClient } from './api-client.ts';
import { relativeTime } from './format.ts';
import type { Delivery } from './types.ts';
import { useAction } from './use-action.ts';

export interface DeliveriesPanelProps {
  api: ApiClient;
  sessionId: string;
  /** Changes whenever the session's status changed. */
  version: number;
  now: number;
}

/** Deliveries change state without events of their own (retries, answers): reread this often too. */
const POLL_MS = 3000;

function outcome(delivery: Delivery): string {
  const answer = delivery.lastStatusCode !== null ? `HTTP ${delivery.lastStatusCode}` : delivery.lastError;
  const tail = answer ? ` (${answer})` : '';
  if (delivery.status === 'delivered') return `delivered${tail}`;
  const attempts = `${delivery.attempts} attempt${delivery.attempts === 1 ? '' : 's'}`;
  if (delivery.status === 'failed') return `failed after ${attempts}${tail}`;
  return delivery.attempts === 0 ? 'pending' : `pending, ${attempts} so far${tail}`;
}

/** The newest webhook deliveries of the session, each with its outcome and a Retry button. */
export function DeliveriesPanel({ api, sessionId, version, now }: DeliveriesPanelProps) {
  const [deliveries, setDeliveries] = useState<Delivery[] | null>(null);
  const load = useAction(async () => setDeliveries(await api.deliveries(sessionId)));
  const retry = useAction(async (id: string) => {
    const retried = await api.retryDelivery(id);
    setDeliveries((current) => current?.map((delivery) => (delivery.id === id ? retried : delivery)) ?? null);
  });
  useEffect(() => {
    void load.run();
    const timer = setInterval(() => void load.run(), POLL_MS);
    return () => clearInterval(timer);
  }, [sessionId, version]);

  return (
    <section aria-labelledby="deliveries-heading">
      <h3 id="deliveries-heading">Webhook deliveries</h3>
      {deliveries && deliveries.length === 0 && <p class="empty">No deliveries yet.</p>}
      {deliveries && deliveries.length > 0 && (
        <ul class="deliveries" aria-label="Webhook deliveries">
          {deliveries.map((delivery) => (
            <li key={delivery.id} class={`delivery delivery-${delivery.status}`}>
              <span class="delivery-type">
                {delivery.type} #{delivery.sequence}
              </span>
              <span class="delivery-outcome">{outcome(delivery)}</span>
              <time dateTime={delivery.createdAt}>{relativeTime(delivery.createdAt, now)}</time>
              <button
                type="button"
                disabled={retry.busy || delivery.status === 'pending'}
                aria-label={`Retry delivery of ${delivery.type} #${delivery.sequence}`}
                onClick={() => void retry.run(delivery.id)}
              >
                Retry
              </button>
            </li>
          ))}
        </ul>
      )}
      {(load.error ?? retry.error) && (
        <p class="error" role="alert">
          {load.error ?? retry.error}
        </p>
      )}
    </section>
  );
}
