import type { Logger } from 'pino';
import type { MessageStore } from '../engine/message-store.ts';

const SWEEP_EVERY_MS = 15 * 60_000;

/** Deletes stored messages older than the retention window, at start and then every 15 minutes. */
export class MessageRetention {
  readonly #store: MessageStore;
  readonly #retentionMs: number;
  readonly #logger: Logger;
  #timer: NodeJS.Timeout | undefined;

  constructor(store: MessageStore, retentionHours: number, logger: Logger) {
    this.#store = store;
    this.#retentionMs = retentionHours * 3_600_000;
    this.#logger = logger;
  }

  start(): void {
    void this.sweep();
    this.#timer = setInterval(() => void this.sweep(), SWEEP_EVERY_MS);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  async sweep(): Promise<number> {
    try {
      const removed = await this.#store.prune(new Date(Date.now() - this.#retentionMs));
      if (removed > 0) this.#logger.info({ removed }, 'pruned stored messages past retention');
      return removed;
    } catch (err) {
      this.#logger.error({ err }, 'failed to prune stored messages');
      return 0;
    }
  }
}
