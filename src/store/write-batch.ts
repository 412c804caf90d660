import { SqliteAdapter, type Kysely } from 'kysely';
import { createGroupCommit } from './group-commit.ts';
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

  /** Per work: null when it committed, or what made it fail. */
  type Outcome = { error: unknown } | null;
  const failed = (error: unknown): Outcome => ({ error });
  const commits = createGroupCommit<WriteWork, Outcome>(
    async (works) => {
      try {
        await db.transaction().execute(async (trx) => {
          for (const work of works) await work(trx);
        });
        return works.map(() => null);
      } catch (err) {
        if (works.length === 1) return [failed(err)];
        // Retried one by one, so only the failing work rejects.
        const outcomes: Outcome[] = [];
        for (const work of works) outcomes.push(await alone(work).then(() => null, failed));
        return outcomes;
      }
    },
    { maxBatch: options.maxBatch ?? 200 },
  );

  return {
    async write(work) {
      const outcome = await commits.add(work);
      if (outcome) throw outcome.error;
    },
  };
}
