import type { Logger } from 'pino';
import type { DeliveryJob, DeliveryStore } from './event-store.ts';
import { DEFAULT_DISABLE, DEFAULT_RETRY, disableReason, retryDelayMs, type DisablePolicy, type RetryPolicy } from './retry-policy.ts';
import { toEnvelope } from './envelope.ts';
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
  retry?: Partial<RetryPolicy>;
  disable?: Partial<DisablePolicy>;
}

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
    this.#timer = undefined;
    await Promise.allSettled([...this.#inFlight.values()]);
  }

  /** Look for due deliveries now (called after each publish). */
  nudge(): void {
    void this.#pump();
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
        const free = this.#concurrency - this.#inFlight.size;
        if (free <= 0) break;
        // In-flight lanes still show their head as pending, so ask for enough rows to skip them.
        const finished = new Set<string>();
        this.#finishedDuringQuery = finished;
        const jobs = await this.#store.due(new Date(), free + this.#inFlight.size);
        for (const job of jobs) {
          if (!this.#running || this.#inFlight.size >= this.#concurrency) break;
          const lane = `${job.endpointId}\n${job.event.sessionId}`;
          if (this.#inFlight.has(lane) || finished.has(job.id)) continue;
          const attempt = this.#attempt(job).finally(() => {
            this.#finishedDuringQuery?.add(job.id);
            this.#inFlight.delete(lane);
            this.nudge();
          });
          this.#inFlight.set(lane, attempt);
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

  async #attempt(job: DeliveryJob): Promise<void> {
    try {
      const body = JSON.stringify(toEnvelope(job.event));
      const headers = signWebhook(job.secret, job.event.id, Math.floor(Date.now() / 1000), body);
      const result = await this.#send(job.url, body, headers, this.#timeoutMs);
      const at = new Date();
      if (result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300) {
        await this.#store.markDelivered(job, result.statusCode, at);
        return;
      }
      await this.#failed(job, result.statusCode, result.error ?? `HTTP ${result.statusCode}`, at);
    } catch (err) {
      this.#logger.error({ err, deliveryId: job.id }, 'webhook delivery bookkeeping failed');
    }
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
