export interface GroupCommit<T, R> {
  /** Queues an item; resolves with its result once its batch is written. */
  add(item: T): Promise<R>;
  /** Resolves once everything queued so far is written (or failed). */
  idle(): Promise<void>;
}

/**
 * Collects items and writes them in batches, one write at a time, in the order they were added. A write
 * starts on the next turn of the event loop (setImmediate), or after `delayMs`, so everything that I/O
 * callbacks added meanwhile goes into one batch: with a synchronous driver (better-sqlite3) a write never
 * yields, and without this every item would get a transaction of its own.
 */
export function createGroupCommit<T, R>(
  write: (items: T[]) => Promise<R[]>,
  options: { maxBatch?: number; delayMs?: number } = {},
): GroupCommit<T, R> {
  const maxBatch = options.maxBatch ?? 500;
  const queue: Array<{ item: T; resolve: (result: R) => void; reject: (err: unknown) => void }> = [];
  let running: Promise<void> | null = null;

  const drain = async () => {
    await new Promise((resolve) => (options.delayMs ? setTimeout(resolve, options.delayMs) : setImmediate(resolve)));
    while (queue.length > 0) {
      const batch = queue.splice(0, maxBatch);
      try {
        const results = await write(batch.map((entry) => entry.item));
        batch.forEach((entry, index) => entry.resolve(results[index] as R));
      } catch (err) {
        for (const entry of batch) entry.reject(err);
      }
    }
    running = null;
  };

  return {
    add(item) {
      return new Promise<R>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        running ??= drain();
      });
    },
    async idle() {
      while (running) await running;
    },
  };
}
