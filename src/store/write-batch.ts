import { SqliteAdapter, type Kysely } from 'kysely';
import { createGroupCommit } from '../shared/group-commit.ts';
import type { DatabaseSchema } from './schema.ts';
import { sqliteHandleOf, type SqliteHandle } from './sqlite-handle.ts';

/** A unit of writes that must commit together. It may use only `trx`: the connection is held meanwhile. */
export type WriteWork = (trx: Kysely<DatabaseSchema>) => Promise<void>;

/** The same unit as synchronous statements on the raw SQLite connection (see `sqlite-handle.ts`). */
export type SqliteWork = (sqlite: SqliteHandle) => void;

/**
 * The same unit as rows that works of the same kind can write together, in one statement per group
 * commit (PostgreSQL, where each statement is a round trip to the server).
 */
export interface MergeableWrite {
  /** Works of one kind share `run`; works of different kinds touch different tables. */
  kind: string;
  rows: readonly unknown[];
  /** Writes the rows of any number of works, in call order: a later row for the same key wins. */
  run(db: Kysely<DatabaseSchema>, rows: readonly unknown[]): Promise<void>;
}

export interface WriteOptions {
  /** The work is a single statement, which needs no transaction of its own on PostgreSQL. */
  statement?: boolean;
  /** Its synchronous SQLite form; used when every work of a group commit has one. */
  sqlite?: SqliteWork;
  /** Its mergeable form for PostgreSQL; used when every work of a group commit has one. */
  merge?: MergeableWrite;
}

export interface WriteBatch {
  /** Runs `work` atomically; resolves once it has committed. */
  write(work: WriteWork, options?: WriteOptions): Promise<void>;
}

/** Per work: null when it committed, or what made it fail. */
type Outcome = { error: unknown } | null;
const failed = (error: unknown): Outcome => ({ error });
type Item = { work: WriteWork } & Omit<WriteOptions, 'statement'> & { statement: boolean };

/**
 * Group commit for small hot writes (a send's Signal ratchet step, its stored message): the writes queued
 * in one event-loop turn, by all sessions, are written together, in call order, each resolving only after
 * the shared commit. If the shared write fails, nothing of it was applied, and each work is retried on its
 * own, so only the failing one rejects.
 * - SQLite: every commit rewrites the touched pages into the WAL, so the turn's works share one
 *   transaction (run synchronously on the raw connection when every work has a `sqlite` form).
 * - PostgreSQL: every statement is a round trip, so when every work has a `merge` form their rows go in
 *   one statement per kind, in one transaction; otherwise each work runs on its own, in call order.
 */
export function createWriteBatch(db: Kysely<DatabaseSchema>, options: { maxBatch?: number } = {}): WriteBatch {
  const sqlite = sqliteHandleOf(db);
  const onSqlite = db.getExecutor().adapter instanceof SqliteAdapter;
  const alone = (item: Item) => (!onSqlite && item.statement ? item.work(db) : db.transaction().execute(item.work));

  /** All items in one transaction; throws if any fails (then none was applied). */
  const together = async (items: Item[]) => {
    const raw = sqlite && items.every((item) => item.sqlite) ? sqlite : undefined;
    if (raw) {
      await raw.transaction(() => {
        for (const item of items) item.sqlite?.(raw);
      });
      return;
    }
    const merges = items.map((item) => item.merge);
    if (!onSqlite && merges.every((merge) => merge !== undefined)) {
      const byKind = new Map<string, MergeableWrite[]>();
      for (const merge of merges) {
        const group = byKind.get(merge.kind) ?? [];
        group.push(merge);
        byKind.set(merge.kind, group);
      }
      await db.transaction().execute(async (trx) => {
        for (const group of byKind.values()) await group[0]?.run(trx, group.flatMap((merge) => merge.rows));
      });
      return;
    }
    await db.transaction().execute(async (trx) => {
      for (const item of items) await item.work(trx);
    });
  };

  const commits = createGroupCommit<Item, Outcome>(
    async (items) => {
      const shared = onSqlite || items.every((item) => item.merge);
      if (shared && items.length > 1) {
        try {
          await together(items);
          return items.map(() => null);
        } catch {
          // Retried one by one below, so only the failing work rejects.
        }
      }
      const outcomes: Outcome[] = [];
      for (const item of items) outcomes.push(await (onSqlite ? together([item]) : alone(item)).then(() => null, failed));
      return outcomes;
    },
    { maxBatch: options.maxBatch ?? 200 },
  );

  return {
    async write(work, shape = {}) {
      const { statement = false, sqlite: syncForm, merge } = shape;
      const outcome = await commits.add({ work, statement, ...(syncForm ? { sqlite: syncForm } : {}), ...(merge ? { merge } : {}) });
      if (outcome) throw outcome.error;
    },
  };
}
