import { SqliteAdapter, type Kysely } from 'kysely';
import type { DatabaseSchema } from './schema.ts';

/** A unit of writes that must commit together. It may use only `trx`: the connection is held meanwhile. */
export type WriteWork = (trx: Kysely<DatabaseSchema>) => Promise<void>;

export interface WriteBatch {
  /**
   * Runs `work` atomically; resolves once it has committed. `statement: true` says the work is a single
   * statement, which needs no transaction of its own on PostgreSQL.
   */
  write(work: WriteWork, options?: { statement?: boolean }): Promise<void>;
}

/**
 * Group commit for small hot writes (a send's Signal ratchet step, its stored message). On SQLite every
 * commit rewrites the touched pages into the WAL, so the writes queued in one event-loop turn, by all
 * sessions, share one transaction: in call order, each resolving only after the shared commit. If the
 * shared transaction fails, nothing of it was applied, and each work is retried in a transaction of its
 * own, so only the failing one rejects. PostgreSQL has a pool and real concurrency: one transaction per
 * work there, as before.
 */
export function createWriteBatch(db: Kysely<DatabaseSchema>, options: { maxBatch?: number } = {}): WriteBatch {
  const alone = (work: WriteWork) => db.transaction().execute(work);
  if (!(db.getExecutor().adapter instanceof SqliteAdapter)) {
    return { write: (work, shape) => (shape?.statement ? work(db) : alone(work)) };
  }

  const maxBatch = options.maxBatch ?? 200;
  const queue: Array<{ work: WriteWork; resolve: () => void; reject: (err: unknown) => void }> = [];
  let draining = false;

  const drain = async () => {
    // better-sqlite3 never yields: without this turn every caller would get a transaction of its own.
    await new Promise(setImmediate);
    while (queue.length > 0) {
      const batch = queue.splice(0, maxBatch);
      try {
        await db.transaction().execute(async (trx) => {
          for (const entry of batch) await entry.work(trx);
        });
        for (const entry of batch) entry.resolve();
      } catch (err) {
        if (batch.length === 1) batch[0]?.reject(err);
        else for (const entry of batch) await alone(entry.work).then(entry.resolve, entry.reject);
      }
    }
    draining = false;
  };

  return {
    write(work) {
      return new Promise<void>((resolve, reject) => {
        queue.push({ work, resolve, reject });
        if (!draining) {
          draining = true;
          void drain();
        }
      });
    },
  };
}
