import type { Logger } from 'pino';
import type { StoredEvent } from './event-store.ts';

export type StoredEventListener = (event: StoredEvent) => void;

/** In-process fan-out of committed events to live listeners (the SSE streams). */
export class EventHub {
  readonly #listeners = new Set<StoredEventListener>();
  readonly #logger: Logger;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  subscribe(listener: StoredEventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  emit(event: StoredEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (err) {
        this.#logger.error({ err }, 'live event listener failed');
      }
    }
  }

  get size(): number {
    return this.#listeners.size;
  }
}
