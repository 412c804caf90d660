import type { SessionRecord, SessionRecordPatch, SessionRecordStore } from './session-record-store.ts';

/**
 * A write-through cache in front of the session rows, so reads (every API request touches one) do
 * not go to the database. Sound because the gateway process that owns the sessions is the only
 * writer of their rows and every write goes through this object; the database stays the durable
 * truth. A read whose answer may have raced a write is not cached, and a write whose outcome is
 * uncertain (failed, or overlapping another write to the same id) drops the entry instead of
 * guessing, so the next read goes to the database again. History passes straight through.
 */
export interface CachedSessionRecordStore extends SessionRecordStore {
  /** The cached row, without waiting; undefined when it is not in memory (then `find` asks the database). */
  peek(sessionId: string): SessionRecord | undefined;
  /** Every row ordered by id, without waiting, once a full `list` has filled the cache; else undefined. */
  peekAll(): readonly SessionRecord[] | undefined;
}

export function cachedRecordStore(inner: SessionRecordStore): CachedSessionRecordStore {
  const rows = new Map<string, SessionRecord>();
  /** True while `rows` holds every stored session (after a full list, kept up to date by writes). */
  let complete = false;
  /** `rows` ordered by id, built on the first list after a change (list reads are far more common). */
  let ordered: SessionRecord[] | undefined;
  const set = (record: SessionRecord) => {
    rows.set(record.sessionId, record);
    ordered = undefined;
  };
  const unset = (sessionId: string) => {
    rows.delete(sessionId);
    ordered = undefined;
  };
  const peekAll = () => {
    if (!complete) return undefined;
    ordered ??= [...rows.values()].sort((a, b) => a.id - b.id);
    return ordered;
  };
  /** Bumped at the start and the end of every write: a read that saw it change does not cache. */
  let generation = 0;
  /** Writes in flight per id, and whether two of them overlapped (then their order is unknown here). */
  const writing = new Map<string, { count: number; overlapped: boolean }>();

  const drop = (sessionId: string) => {
    unset(sessionId);
    complete = false;
  };

  async function write<T>(sessionId: string, run: () => Promise<T>, settle: (result: T) => void): Promise<T> {
    generation++;
    const current = writing.get(sessionId);
    if (current) {
      current.count++;
      current.overlapped = true;
    } else {
      writing.set(sessionId, { count: 1, overlapped: false });
    }
    const done = () => {
      generation++;
      const entry = writing.get(sessionId);
      if (!entry) return { last: true, overlapped: true };
      entry.count--;
      if (entry.count === 0) writing.delete(sessionId);
      return { last: entry.count === 0, overlapped: entry.overlapped };
    };
    let result: T;
    try {
      result = await run();
    } catch (err) {
      done();
      drop(sessionId);
      throw err;
    }
    const { last, overlapped } = done();
    // Overlapping writes to one id: which one the database applied last is unknown here.
    if (last && !overlapped) settle(result);
    else drop(sessionId);
    return result;
  }

  return {
    insert: (sessionId) =>
      write(sessionId, () => inner.insert(sessionId), set),

    peek: (sessionId) => rows.get(sessionId),
    peekAll,

    async find(sessionId) {
      const cached = rows.get(sessionId);
      if (cached) return cached;
      const seen = generation;
      const record = await inner.find(sessionId);
      if (record && generation === seen) set(record);
      return record;
    },

    async list() {
      if (!complete) {
        const seen = generation;
        const listed = await inner.list();
        if (generation !== seen) return listed;
        rows.clear();
        for (const record of listed) set(record);
        complete = true;
      }
      return [...peekAll()!];
    },

    update: (sessionId, patch: SessionRecordPatch) =>
      write(sessionId, () => inner.update(sessionId, patch), (record) => {
        if (record) set(record);
        else unset(sessionId);
      }),

    remove: (sessionId) => write(sessionId, () => inner.remove(sessionId), () => unset(sessionId)),

    appendHistory: (sessionId, entry) => inner.appendHistory(sessionId, entry),
    history: (sessionId, limit) => inner.history(sessionId, limit),
    pruneHistory: (before, keep) => inner.pruneHistory(before, keep),
  };
}
