import type { Logger } from 'pino';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { CloseKind } from '../engine/engine.ts';
import type { IncomingType, OutgoingContent } from '../engine/messaging-types.ts';
import { DELIVERY_RESULTS, type DeliveryOutcome } from '../events/delivery-worker.ts';
import { CONNECTION_STATUSES, type ConnectionStatus } from '../sessions/session-state.ts';
import type { EngineMeter } from './metered-engine.ts';
import { RouteDurationHistogram } from './route-duration-histogram.ts';
import { withTimeout } from './with-timeout.ts';

// Every label value is listed up front (the records make the compiler check they are complete), so each
// series exists from the first scrape, at 0, and no label can grow without bound.
const SENT_TYPES: Record<OutgoingContent['kind'], true> = {
  text: true,
  image: true,
  video: true,
  audio: true,
  document: true,
  location: true,
  contact: true,
  reaction: true,
};
const RECEIVED_TYPES: Record<IncomingType, true> = {
  text: true,
  image: true,
  video: true,
  audio: true,
  document: true,
  sticker: true,
  location: true,
  contact: true,
  reaction: true,
  unknown: true,
};
const CLOSE_REASONS: Record<CloseKind, true> = {
  restart: true,
  retry: true,
  replaced: true,
  logged_out: true,
  failed: true,
  qr_expired: true,
  stopped: true,
};

/** Seconds from an event's acceptance to its endpoint's 2xx: the outbox commit, the queue, retries. */
const DELIVERY_LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];

/** What is read at scrape time, so those series are always true (never a count that drifted). */
export interface MetricsSources {
  /** The seed `connectionStatus` of every stored session. */
  connectionStatuses(): Promise<Iterable<ConnectionStatus>>;
  /** Pending webhook deliveries (the outbox backlog). */
  pendingDeliveries(): Promise<number>;
}

export interface GatewayMetricsOptions {
  sources: MetricsSources;
  logger: Logger;
  /** How long a scrape-time source may take before its series are left out (default 2 s). */
  sourceTimeoutMs?: number;
}

/**
 * The one owner of the gateway's Prometheus registry (not prom-client's global one, so every gateway, and
 * every test, has its own). Created in the composition root; recorders get it from there: the engine
 * meter, the delivery worker's outcomes and the HTTP plugin's request histogram.
 */
export class GatewayMetrics implements EngineMeter {
  readonly registry = new Registry();
  /** Request durations per route pattern, method and status class (http/plugins/metrics.ts records). */
  readonly httpDurations: RouteDurationHistogram;
  readonly #sent: Counter<'type'>;
  readonly #received: Counter<'type'>;
  readonly #closes: Counter<'reason'>;
  readonly #deliveries: Counter<'outcome'>;
  readonly #deliveryLatency: Histogram;
  readonly #options: GatewayMetricsOptions;

  constructor(options: GatewayMetricsOptions) {
    this.#options = options;
    const registers = [this.registry];
    // Process CPU, memory, handles, GC, and the event-loop lag (nodejs_eventloop_lag_*).
    collectDefaultMetrics({ register: this.registry });
    this.#sent = zeroed(
      new Counter({
        name: 'wagate_messages_sent_total',
        help: 'Messages WhatsApp accepted from the API, by content type',
        labelNames: ['type'],
        registers,
      }),
      'type',
      Object.keys(SENT_TYPES),
    );
    this.#received = zeroed(
      new Counter({
        name: 'wagate_messages_received_total',
        help: 'Messages received (message.received events), by content type',
        labelNames: ['type'],
        registers,
      }),
      'type',
      Object.keys(RECEIVED_TYPES),
    );
    this.#closes = zeroed(
      new Counter({
        name: 'wagate_connection_closes_total',
        help: "WhatsApp connections closed, by the engine's classified reason",
        labelNames: ['reason'],
        registers,
      }),
      'reason',
      Object.keys(CLOSE_REASONS),
    );
    this.#deliveries = zeroed(
      new Counter({
        name: 'wagate_webhook_deliveries_total',
        help: 'Webhook delivery attempts: delivered (2xx), retrying (failed, will retry) or failed (gave up)',
        labelNames: ['outcome'],
        registers,
      }),
      'outcome',
      DELIVERY_RESULTS,
    );
    this.#deliveryLatency = new Histogram({
      name: 'wagate_webhook_delivery_latency_seconds',
      help: "From an event's acceptance into the outbox to its endpoint's 2xx answer",
      buckets: DELIVERY_LATENCY_BUCKETS,
      registers,
    });
    this.httpDurations = new RouteDurationHistogram({
      name: 'wagate_http_request_duration_seconds',
      help: 'HTTP API request durations, by route pattern, method and status class',
      registry: this.registry,
    });
    // prom-client calls collect() with the gauge as `this`; these arrows keep the metrics object at hand.
    const { sources } = this.#options;
    const read = <T>(what: string, source: () => Promise<T>) => this.#read(what, source);
    new Gauge({
      name: 'wagate_sessions',
      help: "Stored sessions by live connection status (the seed's connectionStatus)",
      labelNames: ['state'],
      registers,
      async collect() {
        const counts = await read('sessions', () => sources.connectionStatuses());
        this.reset();
        if (counts === undefined) return;
        const byState = new Map<string, number>(CONNECTION_STATUSES.map((state) => [state, 0]));
        for (const state of counts) byState.set(state, (byState.get(state) ?? 0) + 1);
        for (const [state, count] of byState) this.set({ state }, count);
      },
    });
    new Gauge({
      name: 'wagate_webhook_backlog',
      help: 'Webhook deliveries pending in the outbox, due or waiting for a retry (NaN: the database did not answer)',
      registers,
      async collect() {
        const pending = await read('webhook backlog', () => sources.pendingDeliveries());
        this.set(pending ?? Number.NaN);
      },
    });
  }

  messageSent(kind: OutgoingContent['kind']): void {
    this.#sent.inc({ type: kind });
  }

  messageReceived(type: IncomingType): void {
    this.#received.inc({ type });
  }

  connectionClosed(kind: CloseKind): void {
    this.#closes.inc({ reason: kind });
  }

  /** The delivery worker's `onOutcome`. */
  readonly deliveryOutcome = (report: DeliveryOutcome): void => {
    this.#deliveries.inc({ outcome: report.result });
    if (report.result !== 'delivered') return;
    if (Number.isFinite(report.sinceEventMs)) this.#deliveryLatency.observe(Math.max(0, report.sinceEventMs / 1000));
  };

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The Prometheus text exposition of every series. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  /** A scrape-time source, bounded in time; undefined (logged) when it fails, so the rest still scrapes. */
  async #read<T>(what: string, source: () => Promise<T>): Promise<T | undefined> {
    try {
      return await withTimeout(source(), this.#options.sourceTimeoutMs ?? 2_000, what);
    } catch (err) {
      this.#options.logger.warn({ err }, `metrics: could not read the ${what}`);
      return undefined;
    }
  }
}

function zeroed<L extends string>(counter: Counter<L>, label: L, values: readonly string[]): Counter<L> {
  for (const value of values) counter.inc({ [label]: value } as Partial<Record<L, string>>, 0);
  return counter;
}
