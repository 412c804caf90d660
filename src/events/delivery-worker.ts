import type { Logger } from 'pino';
import type { DeliveryJob, DeliveryStore, Lane } from './event-store.ts';
import { DEFAULT_DISABLE, DEFAULT_RETRY, disableReason, retryDelayMs, type DisablePolicy, type RetryPolicy } from './retry-policy.ts';
import { toEnvelope } from './envelope.ts';
import { createGroupCommit, type GroupCommit } from '../shared/group-commit.ts';
import { createHttpSender, type WebhookSender } from './webhook-sender.ts';
import { signWebhook } from './webhook-signature.ts';

export interface DeliveryWorkerOptions {
  store: DeliveryStore;
  logger: Logger;
  /** How to POST (default: node:http(s) with keep-alive, see createHttpSender). */
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
  /** How long "delivered" updates are collected before one write (default 5 ms). */
  markDelayMs?: number;
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
  readonly #customSend: WebhookSender | undefined;
  #http: ReturnType<typeof createHttpSender> | undefined;
  readonly #timeoutMs: number;
  readonly #concurrency: number;
  readonly #pollIntervalMs: number;
  readonly #nudgeCoalesceMs: number;
  readonly #laneBatch: number;
  readonly #marks: GroupCommit<{ job: DeliveryJob; statusCode: number }, void>;
  #nudgeTimer: NodeJS.Timeout | undefined;
  #lastPumpAt = 0;
  /** Running lanes that got new deliveries after they last read their queue. */
  readonly #dirty = new Set<string>();
  /** A lane could not start because every slot was taken: the next free slot should look. */
  #starved = false;
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
    this.#customSend = options.send;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#concurrency = options.concurrency ?? 32;
    this.#pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.#nudgeCoalesceMs = options.nudgeCoalesceMs ?? 5;
    this.#laneBatch = options.laneBatch ?? 50;
    // Lanes that succeed at the same time share one UPDATE.
    // A few ms of delay make one transaction out of many successes; lanes only wait for it every batch.
    this.#marks = createGroupCommit(async (items) => {
      await this.#store.markDelivered(items, new Date());
      return items.map(() => undefined);
    }, { delayMs: options.markDelayMs ?? 5 });
    this.#retry = Object.freeze({ ...DEFAULT_RETRY, ...options.retry });
    this.#disable = Object.freeze({ ...DEFAULT_DISABLE, ...options.disable });
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    if (!this.#customSend) this.#http = createHttpSender({ maxSockets: this.#concurrency });
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
    // A lane may hand over to a fresh run of itself; wait until none is left.
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight.values()]);
    this.#http?.close();
    this.#http = undefined;
  }

  /**
   * New deliveries on these lanes (called after each publish). An idle lane starts on its own queue; a
   * running one is marked to read its queue again before it lets go.
   */
  notify(lanes: readonly Lane[]): void {
    for (const lane of lanes) {
      const key = laneKey(lane.endpointId, lane.sessionId);
      if (!this.#running) return;
      if (this.#inFlight.has(key)) {
        this.#dirty.add(key);
        continue;
      }
      if (this.#inFlight.size >= this.#concurrency) {
        this.#starved = true;
        continue;
      }
      // Straight to the lane's own queue: cheaper than a lookup over every lane.
      this.#inFlight.set(key, this.#runLane(key, lane, []));
    }
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
        this.#starved = false;
        const free = this.#concurrency - this.#inFlight.size;
        if (free <= 0) {
          this.#starved = true;
          break;
        }
        // In-flight lanes still show their head as pending, so ask for enough rows to skip them.
        const finished = new Set<string>();
        this.#finishedDuringQuery = finished;
        const jobs = await this.#store.due(new Date(), free + this.#inFlight.size);
        for (const job of jobs) {
          if (!this.#running) break;
          if (this.#inFlight.size >= this.#concurrency) {
            this.#starved = true;
            break;
          }
          const lane = laneKey(job.endpointId, job.event.sessionId);
          if (this.#inFlight.has(lane) || finished.has(job.id)) continue;
          this.#inFlight.set(lane, this.#runLane(lane, { endpointId: job.endpointId, sessionId: job.event.sessionId }, [job]));
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
    // Whether the queue may hold more than was read: after a short read only a new commit (which marks
    // the lane dirty) can add to it, so an empty re-read is skipped.
    let more = true;
    const read = async () => {
      this.#dirty.delete(key);
      const limit = this.#laneBatch + unmarked.size;
      const rows = await this.#store.laneBatch(lane.endpointId, lane.sessionId, new Date(), limit);
      more = rows.length >= limit;
      batch = rows.filter((job) => !unmarked.has(job.id));
    };
    this.#dirty.delete(key);
    try {
      if (batch.length === 0) await read();
      lane: while (batch.length > 0 && this.#running) {
        for (const job of batch) {
          const statusCode = await this.#attempt(job);
          if (statusCode === null) {
            this.#finishedDuringQuery?.add(job.id);
            break lane;
          }
          unmarked.add(job.id);
          marks.push(this.#marks.add({ job, statusCode }).then(
            () => {
              unmarked.delete(job.id);
              this.#finishedDuringQuery?.add(job.id);
            },
            (err: unknown) => void (markError ??= err),
          ));
          if (!this.#running || markError !== undefined) break lane;
        }
        if (!more && !this.#dirty.has(key)) break;
        await read();
      }
    } catch (err) {
      this.#logger.error({ err }, 'webhook lane bookkeeping failed');
    } finally {
      await Promise.all(marks);
      if (markError !== undefined) this.#logger.error({ err: markError }, 'could not mark webhook deliveries delivered');
      if (this.#dirty.has(key) && this.#running) {
        // New deliveries arrived after the last read: run the lane again rather than let go of it.
        this.#inFlight.set(key, this.#runLane(key, lane, []));
      } else {
        this.#inFlight.delete(key);
        if (this.#starved) this.nudge();
      }
    }
  }

  /** One POST; the 2xx status when the endpoint took it, else null (the failure is recorded). */
  async #attempt(job: DeliveryJob): Promise<number | null> {
    try {
      const body = JSON.stringify(toEnvelope(job.event));
      const headers = signWebhook(job.secret, job.event.id, Math.floor(Date.now() / 1000), body);
      const send = this.#customSend ?? this.#http?.send;
      if (!send) return null;
      const result = await send(job.url, body, headers, this.#timeoutMs);
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
