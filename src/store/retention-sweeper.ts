import type { Logger } from 'pino';

const SWEEP_EVERY_MS = 15 * 60_000;

/** One kind of row kept for a bounded time. */
export interface RetentionRule {
  /** For the log: what was pruned, e.g. `stored messages`. */
  what: string;
  retentionHours: number;
  /** Deletes what is older than `before`; resolves with a count per table (or one number). */
  prune(before: Date): Promise<number | Record<string, number>>;
}

/**
 * Deletes rows past their retention window: at start, then every 15 minutes, one rule after the other
 * (so two sweeps never overlap). A failing rule is logged and the others still run.
 */
export class RetentionSweeper {
  readonly #rules: readonly RetentionRule[];
  readonly #logger: Logger;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;

  constructor(rules: readonly RetentionRule[], logger: Logger) {
    this.#rules = rules;
    this.#logger = logger;
  }

  start(): void {
    void this.sweep();
    this.#timer = setInterval(() => void this.sweep(), SWEEP_EVERY_MS);
    this.#timer.unref();
  }

  /** Stops the timer and waits for a sweep in progress. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#running;
  }

  /** One pass over every rule; a sweep already running is joined, not doubled. */
  sweep(): Promise<void> {
    this.#running ??= this.#sweepAll().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #sweepAll(): Promise<void> {
    for (const rule of this.#rules) {
      try {
        const removed = await rule.prune(new Date(Date.now() - rule.retentionHours * 3_600_000));
        const counts = typeof removed === 'number' ? { removed } : removed;
        if (Object.values(counts).some((count) => count > 0))
          this.#logger.info({ ...counts, retentionHours: rule.retentionHours }, `pruned ${rule.what} past retention`);
      } catch (err) {
        this.#logger.error({ err }, `failed to prune ${rule.what}`);
      }
    }
  }
}
