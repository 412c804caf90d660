import type { Logger } from 'pino';
import type { DeliveryJob, DeliveryStore, Lane } from './event-store.ts';
import { DEFAULT_DISABLE, DEFAULT_RETRY, disableReason, retryDelayMs, type DisablePolicy, type RetryPolicy } from './retry-policy.ts';
import { toEnvelope } from './envelope.ts';
import { createGroupCommit, type GroupCommit } from './group-commit.ts';
import { fetchSender, type WebhookSender } from './webhook-sender.ts';
import { signWebhook } from './webhook-signature.ts';

export interface DeliveryWorkerOptions {
  store: DeliveryStore;
  logger: Logger;
  send?: WebhookSender;
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
  retry?: Partial<RetryPolicy>;
  disable?: Partial<DisablePolicy>;
}

const laneKey = (endpointId: string, sessionId: string): string => `${endpointId}\n${sessionId}`;

/**
 * Sends due webhook deliveries. A lane is one (endpoint, session): only its oldest pending delivery is
 * ever attempted, so a session's events reach an endpoint in order; lanes run concurrently.
 */
export class DeliveryWorker {
  readonly #store: DeliveryStore;
  readonly #logger: Logger;
  readonly #send: WebhookSender;
  readonly #timeoutMs: number;
  readonly #concurrency: number;
  readonly #pollIntervalMs: number;
  readonly #nudgeCoalesceMs: number;
  readonly #laneBatch: number;
  readonly #marks: GroupCommit<{ job: DeliveryJob; statusCode: number }, void>;
  #nudgeTimer: NodeJS.Timeout | undefined;
  #lastPumpAt = 0;
  readonly #retry: RetryPolicy;
  readonly #disable: DisablePolicy;
  readonly #inFlight = new Map<string, Promise<void>>();
  #timer: NodeJS.Timeout | undefined;
  #running = false;
  #pumping = false;
  #again = false;
  /** Deliveries finished while a due query was running: that query's rows for them are stale. */
  #finishedDuringQuery: Set<string> | undefined;

  constructor(options: DeliveryWorkerOptions) {
    this.#store = options.store;
    this.#logger = options.logger;
    this.#send = options.send ?? fetchSender;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#concurrency = options.concurrency ?? 32;
    this.#pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.#nudgeCoalesceMs = options.nudgeCoalesceMs ?? 5;
    this.#laneBatch = options.laneBatch ?? 50;
    // Lanes that succeed at the same time share one UPDATE.
    this.#marks = createGroupCommit(async (items) => {
      await this.#store.markDelivered(items, new Date());
      return items.map(() => undefined);
    });
    this.#retry = Object.freeze({ ...DEFAULT_RETRY, ...options.retry });
    this.#disable = Object.freeze({ ...DEFAULT_DISABLE, ...options.disable });
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#timer = setInterval(() => this.nudge(), this.#pollIntervalMs);
    this.#timer.unref();
    this.nudge();
  }

  /** Stops polling and waits for the requests in flight (each bounded by the timeout). */
  async stop(): Promise<void> {
    this.#running = false;
    clearInterval(this.#timer);
    clearTimeout(this.#nudgeTimer);
    this.#timer = undefined;
    this.#nudgeTimer = undefined;
    await Promise.allSettled([...this.#inFlight.values()]);
  }

  /**
   * New deliveries on these lanes. A lane that is running picks them up itself (it reads its queue
   * again before it lets go), so only an idle lane needs a lookup.
   */
  notify(lanes: readonly Lane[]): void {
    if (lanes.some((lane) => !this.#inFlight.has(laneKey(lane.endpointId, lane.sessionId)))) this.nudge();
  }

  /** Look for due deliveries soon (called after each publish); bursts of nudges share one lookup. */
  nudge(): void {
    if (!this.#running || this.#nudgeTimer) return;
    const wait = this.#lastPumpAt + this.#nudgeCoalesceMs - performance.now();
    if (wait <= 0) {
      void this.#pump();
      return;
    }
    this.#nudgeTimer = setTimeout(() => {
      this.#nudgeTimer = undefined;
      void this.#pump();
    }, wait);
  }

  async #pump(): Promise<void> {
    if (!this.#running) return;
    if (this.#pumping) {
      this.#again = true;
      return;
    }
    this.#pumping = true;
    try {
      do {
        this.#again = false;
        this.#lastPumpAt = performance.now();
        const free = this.#concurrency - this.#inFlight.size;
        if (free <= 0) break;
        // In-flight lanes still show their head as pending, so ask for enough rows to skip them.
        const finished = new Set<string>();
        this.#finishedDuringQuery = finished;
        const jobs = await this.#store.due(new Date(), free + this.#inFlight.size);
        for (const job of jobs) {
          if (!this.#running || this.#inFlight.size >= this.#concurrency) break;
          const lane = laneKey(job.endpointId, job.event.sessionId);
          if (this.#inFlight.has(lane) || finished.has(job.id)) continue;
          this.#inFlight.set(lane, this.#runLane(lane, job));
        }
        this.#finishedDuringQuery = undefined;
      } while (this.#again && this.#running);
    } catch (err) {
      this.#logger.error({ err }, 'webhook delivery poll failed');
    } finally {
      this.#finishedDuringQuery = undefined;
      this.#pumping = false;
    }
  }

  /**
   * Works through one lane, in order, while its deliveries are due and get through. The next POST does
   * not wait for the previous "delivered" row update (order is about what the receiver got); those
   * updates are grouped across lanes and awaited before the lane reads its queue again or lets go.
   */
  async #runLane(lane: string, first: DeliveryJob): Promise<void> {
    const marks: Promise<void>[] = [];
    let markError: unknown;
    const settle = async () => {
      await Promise.all(marks.splice(0));
      if (markError !== undefined) throw markError;
    };
    let batch = [first];
    try {
      lane: while (batch.length > 0 && this.#running) {
        for (const job of batch) {
          const statusCode = await this.#attempt(job);
          if (statusCode === null) {
            this.#finishedDuringQuery?.add(job.id);
            break lane;
          }
          marks.push(this.#marks.add({ job, statusCode }).then(
            () => void this.#finishedDuringQuery?.add(job.id),
            (err: unknown) => void (markError ??= err),
          ));
          if (!this.#running) break lane;
        }
        await settle();
        batch = await this.#store.laneBatch(first.endpointId, first.event.sessionId, new Date(), this.#laneBatch);
      }
    } catch (err) {
      this.#logger.error({ err }, 'webhook lane bookkeeping failed');
    } finally {
      await settle().catch((err: unknown) => this.#logger.error({ err }, 'could not mark webhook deliveries delivered'));
      this.#inFlight.delete(lane);
      this.nudge();
    }
  }

  /** One POST; the 2xx status when the endpoint took it, else null (the failure is recorded). */
  async #attempt(job: DeliveryJob): Promise<number | null> {
    try {
      const body = JSON.stringify(toEnvelope(job.event));
      const headers = signWebhook(job.secret, job.event.id, Math.floor(Date.now() / 1000), body);
      const result = await this.#send(job.url, body, headers, this.#timeoutMs);
      const at = new Date();
      if (result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300) {
        return result.statusCode;
      }
      await this.#failed(job, result.statusCode, result.error ?? `HTTP ${result.statusCode}`, at);
    } catch (err) {
      this.#logger.error({ err, deliveryId: job.id }, 'webhook delivery bookkeeping failed');
    }
    return null;
  }

  async #failed(job: DeliveryJob, statusCode: number | null, error: string, at: Date): Promise<void> {
    const attempts = job.attempts + 1;
    const giveUp = attempts >= this.#retry.maxAttempts;
    const nextAttemptAt = giveUp ? null : new Date(at.getTime() + retryDelayMs(this.#retry, attempts));
    const streak = await this.#store.recordFailure(job, { at, attempts, error, statusCode, nextAttemptAt });
    const log = { deliveryId: job.id, endpointId: job.endpointId, sessionId: job.event.sessionId, attempts, statusCode, error };
    this.#logger.warn(log, giveUp ? 'webhook delivery failed for good' : 'webhook delivery failed; will retry');
    const reason = disableReason(this.#disable, streak, statusCode, at, error);
    if (reason) {
      await this.#store.disableEndpoint(job.endpointId, reason, at);
      this.#logger.warn({ endpointId: job.endpointId, reason }, 'webhook endpoint disabled');
    }
  }
}
