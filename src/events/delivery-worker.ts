import type { Logger } from 'pino';
import { createGroupCommit, type GroupCommit } from '../shared/group-commit.ts';
import { DuePoller } from './due-poller.ts';
import { laneKey, LaneTable } from './delivery-lanes.ts';
import type { DeliveryJob, DeliveryStore, Lane } from './event-store.ts';
import { toEnvelope } from './event-wire-format.ts';
import {
  DEFAULT_DISABLE,
  DEFAULT_RETRY,
  disableReason,
  retryDelayMs,
  type DisablePolicy,
  type RetryPolicy,
} from './retry-policy.ts';
import type { AddressPolicy } from '../shared/outbound-address.ts';
import { statusFailure } from '../shared/transport-failure.ts';
import { createHttpSender, type WebhookSender } from './webhook-sender.ts';
import { signWebhook } from './webhook-signature.ts';

/** The results an attempt can have; the metrics label them with these values. */
export const DELIVERY_RESULTS = ['delivered', 'retrying', 'failed'] as const;

/** What became of one attempt, for whoever counts them (metrics): reported once per POST. */
export interface DeliveryOutcome {
  deliveryId: string;
  endpointId: string;
  sessionId: string;
  /** delivered: a 2xx; retrying: failed, tried again later; failed: failed for good (out of attempts). */
  result: (typeof DELIVERY_RESULTS)[number];
  /** The response's status code; null when there was none (timeout, connection refused…). */
  statusCode: number | null;
  /** Attempts of this delivery so far, this one included. */
  attempts: number;
  /** How long the POST took. */
  requestMs: number;
  /** From the event's timestamp to the end of this POST. */
  sinceEventMs: number;
}

export type DeliveryOutcomeListener = (outcome: DeliveryOutcome) => void;

export interface DeliveryWorkerOptions {
  store: DeliveryStore;
  logger: Logger;
  /** How to POST (default: node:http(s) with keep-alive, see createHttpSender). */
  send?: WebhookSender;
  /** Which targets the default sender may connect to (default: public addresses only). */
  addresses?: AddressPolicy;
  /** Per-request timeout (default 10 s). */
  timeoutMs?: number;
  /** Most requests in flight at once, across lanes (default 32). One lane never has two. */
  concurrency?: number;
  /** How often due retries are looked for when nothing nudges the worker (default 1 s). */
  pollIntervalMs?: number;
  /** Nudges closer together than this share one lookup (default 5 ms). */
  nudgeCoalesceMs?: number;
  /** Deliveries of one lane fetched per query while the lane is busy (default 50). */
  laneBatch?: number;
  /** How long "delivered" updates are collected before one write (default 5 ms). */
  markDelayMs?: number;
  retry?: Partial<RetryPolicy>;
  disable?: Partial<DisablePolicy>;
  /** Called after every attempt (never throws into the worker: errors are logged). */
  onOutcome?: DeliveryOutcomeListener;
}

type Lifecycle = 'stopped' | 'running';

/** One POST that got an answer (or a transport error). */
interface Attempt {
  /** Attempts of the delivery so far, this one included. */
  attempts: number;
  statusCode: number | null;
  at: Date;
  requestMs: number;
}

/**
 * Sends due webhook deliveries. A lane is one (endpoint, session): only its oldest pending delivery is
 * ever attempted, so a session's events reach an endpoint in order; lanes run concurrently. Scheduling is
 * two small state machines: the lanes and their slots (delivery-lanes.ts) and the due query (due-poller.ts).
 */
export class DeliveryWorker {
  readonly #store: DeliveryStore;
  readonly #logger: Logger;
  readonly #customSend: WebhookSender | undefined;
  readonly #addresses: AddressPolicy | undefined;
  readonly #timeoutMs: number;
  readonly #concurrency: number;
  readonly #laneBatch: number;
  readonly #retry: RetryPolicy;
  readonly #disable: DisablePolicy;
  readonly #onOutcome: DeliveryOutcomeListener | undefined;
  readonly #marks: GroupCommit<{ job: DeliveryJob; statusCode: number }, void>;
  readonly #lanes: LaneTable;
  readonly #poller: DuePoller;
  #lifecycle: Lifecycle = 'stopped';
  #http: ReturnType<typeof createHttpSender> | undefined;

  constructor(options: DeliveryWorkerOptions) {
    this.#store = options.store;
    this.#logger = options.logger;
    this.#customSend = options.send;
    this.#addresses = options.addresses;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#concurrency = options.concurrency ?? 32;
    this.#laneBatch = options.laneBatch ?? 50;
    this.#retry = Object.freeze({ ...DEFAULT_RETRY, ...options.retry });
    this.#disable = Object.freeze({ ...DEFAULT_DISABLE, ...options.disable });
    this.#onOutcome = options.onOutcome;
    // Lanes that succeed at the same time share one UPDATE.
    // A few ms of delay make one transaction out of many successes; lanes only wait for it every batch.
    this.#marks = createGroupCommit(
      async (items) => {
        await this.#store.markDelivered(items, new Date());
        return items.map(() => undefined);
      },
      { delayMs: options.markDelayMs ?? 5 },
    );
    this.#lanes = new LaneTable(this.#concurrency);
    this.#poller = new DuePoller({
      coalesceMs: options.nudgeCoalesceMs ?? 5,
      intervalMs: options.pollIntervalMs ?? 1_000,
      query: (finished) => this.#startDueLanes(finished),
      onError: (err) => this.#logger.error({ err }, 'webhook delivery poll failed'),
    });
  }

  start(): void {
    if (this.#lifecycle === 'running') return;
    this.#lifecycle = 'running';
    if (!this.#customSend) this.#http = createHttpSender({ maxSockets: this.#concurrency, addresses: this.#addresses });
    this.#poller.start();
  }

  /** Stops polling and waits for the requests in flight (each bounded by the timeout). */
  async stop(): Promise<void> {
    this.#lifecycle = 'stopped';
    this.#poller.stop();
    // A stale lane may hand over to a fresh run of itself; wait until none is left.
    while (this.#lanes.heldCount > 0) await Promise.allSettled(this.#lanes.runs());
    this.#http?.close();
    this.#http = undefined;
  }

  /**
   * New deliveries on these lanes (called after each publish). An idle lane starts on its own queue; a
   * running one becomes stale, so it reads its queue again before it lets go.
   */
  notify(lanes: readonly Lane[]): void {
    if (this.#lifecycle !== 'running') return;
    for (const lane of lanes) {
      const key = laneKey(lane.endpointId, lane.sessionId);
      // Straight to the lane's own queue: cheaper than a lookup over every lane.
      this.#lanes.added(key, () => this.#runLane(key, lane, []));
    }
  }

  /** Look for due deliveries soon (called after each publish); bursts of nudges share one lookup. */
  nudge(): void {
    if (this.#lifecycle === 'running') this.#poller.nudge();
  }

  /** The due query: starts a lane for each due head whose lane is idle, while slots are free. */
  async #startDueLanes(finished: ReadonlySet<string>): Promise<void> {
    if (this.#lifecycle !== 'running') return;
    if (this.#lanes.dueQueryBegins() <= 0) return;
    // Held lanes still show their head as pending, so ask for enough rows to skip them.
    const jobs = await this.#store.due(new Date(), this.#concurrency);
    for (const job of jobs) {
      if (this.#lifecycle !== 'running') return;
      if (finished.has(job.id)) continue;
      const lane = { endpointId: job.endpointId, sessionId: job.event.sessionId };
      const key = laneKey(lane.endpointId, lane.sessionId);
      if (this.#lanes.start(key, () => this.#runLane(key, lane, [job])) === 'no-slot') return;
    }
  }

  /**
   * Works through one lane, in order, while its deliveries are due and get through. Neither the next
   * POST nor the next read of the lane's queue waits for the "delivered" updates (order is about what
   * the receiver got): those are grouped across lanes, their ids are skipped when the queue is read
   * again, and the lane lets go only once they are written.
   */
  async #runLane(key: string, lane: Lane, first: DeliveryJob[]): Promise<void> {
    const marks: Promise<void>[] = [];
    const unmarked = new Set<string>();
    let markError: unknown;
    let batch = first;
    // Whether the queue may hold more than was read: after a short read only a new commit (which makes
    // the lane stale) can add to it, so an empty re-read is skipped.
    let more = true;
    const read = async () => {
      this.#lanes.reading(key);
      const limit = this.#laneBatch + unmarked.size;
      const rows = await this.#store.laneBatch(lane.endpointId, lane.sessionId, new Date(), limit);
      more = rows.length >= limit;
      batch = rows.filter((job) => !unmarked.has(job.id));
    };
    this.#lanes.reading(key);
    try {
      if (batch.length === 0) await read();
      lane: while (batch.length > 0 && this.#lifecycle === 'running') {
        for (const job of batch) {
          const statusCode = await this.#attempt(job);
          if (statusCode === null) {
            this.#poller.finished(job.id);
            break lane;
          }
          unmarked.add(job.id);
          const marked = this.#marks.add({ job, statusCode }).then(
            () => {
              unmarked.delete(job.id);
              this.#poller.finished(job.id);
            },
            (err: unknown) => void (markError ??= err),
          );
          marks.push(marked);
          if (this.#lifecycle !== 'running' || markError !== undefined) break lane;
        }
        if (!more && this.#lanes.state(key) !== 'stale') break;
        await read();
      }
    } catch (err) {
      this.#logger.error({ err }, 'webhook lane bookkeeping failed');
    } finally {
      await Promise.all(marks);
      if (markError !== undefined) {
        this.#logger.error({ err: markError }, 'could not mark webhook deliveries delivered');
      }
      // Deliveries committed after the last read: a fresh run takes the lane over rather than let it go.
      const again = this.#lifecycle === 'running' ? () => this.#runLane(key, lane, []) : null;
      if (this.#lanes.finish(key, again)) this.nudge();
    }
  }

  /** One POST; the 2xx status when the endpoint took it, else null (the failure is recorded). */
  async #attempt(job: DeliveryJob): Promise<number | null> {
    try {
      const body = JSON.stringify(toEnvelope(job.event));
      const headers = signWebhook(job.secret, job.event.id, Math.floor(Date.now() / 1000), body);
      const send = this.#customSend ?? this.#http?.send;
      if (!send) return null;
      const startedAt = performance.now();
      const result = await send(job.url, body, headers, this.#timeoutMs);
      const attempt: Attempt = {
        attempts: job.attempts + 1,
        statusCode: result.statusCode,
        at: new Date(),
        requestMs: performance.now() - startedAt,
      };
      if (result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300) {
        this.#report(job, 'delivered', attempt);
        return result.statusCode;
      }
      const giveUp = attempt.attempts >= this.#retry.maxAttempts;
      this.#report(job, giveUp ? 'failed' : 'retrying', attempt);
      await this.#failed(job, attempt, giveUp, result.error ?? statusFailure(result.statusCode ?? 0));
    } catch (err) {
      this.#logger.error({ err, deliveryId: job.id }, 'webhook delivery bookkeeping failed');
    }
    return null;
  }

  #report(job: DeliveryJob, result: DeliveryOutcome['result'], attempt: Attempt): void {
    if (!this.#onOutcome) return;
    const outcome: DeliveryOutcome = {
      deliveryId: job.id,
      endpointId: job.endpointId,
      sessionId: job.event.sessionId,
      result,
      statusCode: attempt.statusCode,
      attempts: attempt.attempts,
      requestMs: attempt.requestMs,
      sinceEventMs: attempt.at.getTime() - Date.parse(job.event.timestamp),
    };
    try {
      this.#onOutcome(outcome);
    } catch (err) {
      this.#logger.error({ err }, 'webhook delivery outcome listener failed');
    }
  }

  async #failed(job: DeliveryJob, attempt: Attempt, giveUp: boolean, error: string): Promise<void> {
    const { attempts, statusCode, at } = attempt;
    const nextAttemptAt = giveUp ? null : new Date(at.getTime() + retryDelayMs(this.#retry, attempts));
    const streak = await this.#store.recordFailure(job, { at, attempts, error, statusCode, nextAttemptAt });
    const sessionId = job.event.sessionId;
    const log = { deliveryId: job.id, endpointId: job.endpointId, sessionId, attempts, statusCode, error };
    this.#logger.warn(log, giveUp ? 'webhook delivery failed for good' : 'webhook delivery failed; will retry');
    const reason = disableReason(this.#disable, streak, statusCode, at, error);
    if (reason) {
      await this.#store.disableEndpoint(job.endpointId, reason, at);
      this.#logger.warn({ endpointId: job.endpointId, reason }, 'webhook endpoint disabled');
    }
  }
}
