import { createGroupCommit } from '../../shared/group-commit.ts';

/** Per work: null when it committed, or what made it fail. */
type Outcome = { error: unknown } | null;

/** Works per shared commit. */
const MAX_BATCH = 200;

/**
 * Group commit for the hot writes (a send's Signal ratchet step and its stored message, from every
 * session): the works queued in one event-loop turn commit together, in call order, each resolving only
 * after the shared commit. If the shared commit fails, nothing of it was applied, and each work commits
 * again on its own, so only the failing one rejects. How works commit together is the dialect's own
 * `commit`: SQLite runs them in one transaction, PostgreSQL merges their rows into one statement per table.
 */
export interface GroupedWrites<W> {
  /** Queues a work; resolves once it has committed, rejects if it alone failed. */
  write(work: W): Promise<void>;
  /** Resolves once everything queued so far has committed (or failed). */
  idle(): Promise<void>;
}

export function createGroupedWrites<W>(commit: (works: readonly W[]) => Promise<void>): GroupedWrites<W> {
  const commits = createGroupCommit<W, Outcome>(
    async (works) => {
      if (works.length > 1) {
        try {
          await commit(works);
          return works.map(() => null);
        } catch {
          // Committed one by one below, so only the failing work rejects.
        }
      }
      const outcomes: Outcome[] = [];
      for (const work of works)
        outcomes.push(
          await commit([work]).then(
            () => null,
            (error: unknown) => ({ error }),
          ),
        );
      return outcomes;
    },
    { maxBatch: MAX_BATCH },
  );
  return {
    async write(work) {
      const outcome = await commits.add(work);
      if (outcome) throw outcome.error;
    },
    idle: () => commits.idle(),
  };
}
