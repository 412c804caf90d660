import { SqliteAdapter, type Kysely } from 'kysely';
import { createGroupCommit } from './group-commit.ts';
import type { DatabaseSchema } from './schema.ts';
import { sqliteHandleOf, type SqliteHandle } from './sqlite-handle.ts';

/** A unit of writes that must commit together. It may use only `trx`: the connection is held meanwhile. */
export type WriteWork = (trx: Kysely<DatabaseSchema>) => Promise<void>;

/** The same unit as synchronous statements on the raw SQLite connection (see `sqlite-handle.ts`). */
export type SqliteWork = (sqlite: SqliteHandle) => void;

export interface WriteOptions {
  /** The work is a single statement, which needs no transaction of its own on PostgreSQL. */
  statement?: boolean;
  /** Its synchronous SQLite form; used when every work of a group commit has one. */
  sqlite?: SqliteWork;
}

export interface WriteBatch {
  /** Runs `work` atomically; resolves once it has committed. */
  write(work: WriteWork, options?: WriteOptions): Promise<void>;
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
  if (!(db.getExecutor().adapter instanceof SqliteAdapter)) {
    return { write: (work, shape) => (shape?.statement ? work(db) : db.transaction().execute(work)) };
  }
  const sqlite = sqliteHandleOf(db);

  type Item = { work: WriteWork; sqlite?: SqliteWork };
  /** One transaction for all: synchronous on the raw connection when every item can, else through Kysely. */
  const commit = async (items: Item[]) => {
    const raw = sqlite && items.every((item) => item.sqlite) ? sqlite : undefined;
    if (raw) {
      await raw.transaction(() => {
        for (const item of items) item.sqlite?.(raw);
      });
    } else {
      await db.transaction().execute(async (trx) => {
        for (const item of items) await item.work(trx);
      });
    }
  };

  /** Per work: null when it committed, or what made it fail. */
  type Outcome = { error: unknown } | null;
  const failed = (error: unknown): Outcome => ({ error });
  const commits = createGroupCommit<Item, Outcome>(
    async (items) => {
      try {
        await commit(items);
        return items.map(() => null);
      } catch (err) {
        if (items.length === 1) return [failed(err)];
        // Retried one by one, so only the failing work rejects.
        const outcomes: Outcome[] = [];
        for (const item of items) outcomes.push(await commit([item]).then(() => null, failed));
        return outcomes;
      }
    },
    { maxBatch: options.maxBatch ?? 200 },
  );

  return {
    async write(work, shape) {
      const outcome = await commits.add({ work, ...(shape?.sqlite ? { sqlite: shape.sqlite } : {}) });
      if (outcome) throw outcome.error;
    },
  };
}
