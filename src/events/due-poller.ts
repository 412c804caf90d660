/**
 * When the delivery worker looks for due deliveries (retries whose time came, lanes that found no slot).
 * One state at a time:
 *
 *   stopped ──start──▶ idle ──nudge──▶ querying ──query done──▶ idle
 *                       │                ▲   │
 *                       │ nudge sooner   │   └─ nudge: `again` (when done, nudge once more)
 *                       ▼ than coalesceMs│
 *                     coalescing ──timer─┘
 *
 * Nudges (every publish, every interval tick, a freed slot) closer together than `coalesceMs` share one
 * query. While a query runs, `finished` collects the deliveries that lanes finished meanwhile: the query's
 * rows for them are stale and must not start a lane.
 */
type PollState =
  | { name: 'stopped' }
  | { name: 'idle' }
  | { name: 'coalescing'; timer: NodeJS.Timeout }
  | { name: 'querying'; finished: Set<string>; again: boolean };

export interface DuePollerOptions {
  /** Nudges closer together than this share one query. */
  coalesceMs: number;
  /** How often to look when nothing nudges. */
  intervalMs: number;
  /** The query; `finished` fills while it runs (see above). */
  query: (finished: ReadonlySet<string>) => Promise<void>;
  onError: (err: unknown) => void;
}

export class DuePoller {
  readonly #options: DuePollerOptions;
  #state: PollState = { name: 'stopped' };
  #interval: NodeJS.Timeout | undefined;
  #lastQueryAt = -Infinity;

  constructor(options: DuePollerOptions) {
    this.#options = options;
  }

  get state(): PollState['name'] {
    return this.#state.name;
  }

  /** stopped → idle, polling every `intervalMs`, and a first query at once. */
  start(): void {
    if (this.#state.name !== 'stopped') return;
    this.#state = { name: 'idle' };
    this.#interval = setInterval(() => this.nudge(), this.#options.intervalMs);
    this.#interval.unref();
    this.nudge();
  }

  /** Any state → stopped; a query in flight runs to its end, but nothing follows it. */
  stop(): void {
    if (this.#state.name === 'coalescing') clearTimeout(this.#state.timer);
    clearInterval(this.#interval);
    this.#interval = undefined;
    this.#state = { name: 'stopped' };
  }

  /** Look for due deliveries soon. */
  nudge(): void {
    const state = this.#state;
    if (state.name === 'querying') {
      state.again = true;
      return;
    }
    if (state.name !== 'idle') return;
    const wait = this.#lastQueryAt + this.#options.coalesceMs - performance.now();
    if (wait <= 0) {
      void this.#query();
      return;
    }
    const timer = setTimeout(() => {
      if (this.#state.name !== 'coalescing' || this.#state.timer !== timer) return;
      void this.#query();
    }, wait);
    this.#state = { name: 'coalescing', timer };
  }

  /** A delivery finished (delivered, or failed and rescheduled): a query running now must skip its row. */
  finished(deliveryId: string): void {
    if (this.#state.name === 'querying') this.#state.finished.add(deliveryId);
  }

  async #query(): Promise<void> {
    const state: PollState = { name: 'querying', finished: new Set(), again: false };
    this.#state = state;
    this.#lastQueryAt = performance.now();
    try {
      await this.#options.query(state.finished);
    } catch (err) {
      this.#options.onError(err);
    } finally {
      // stop() may have replaced the state meanwhile; then it stays stopped.
      if (this.#state === state) {
        this.#state = { name: 'idle' };
        if (state.again) this.nudge();
      }
    }
  }
}
