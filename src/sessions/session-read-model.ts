import { FillGuard } from '../shared/fill-guard.ts';
import type { SessionRecord, SessionRecordPatch, SessionRecordStore } from './session-record-store.ts';
import type { ConnectionStatus, SessionStatus, UserInfo } from './session-state.ts';
import type { SessionView } from './session-view.ts';

/** What the read model needs of a session held in memory (a `SessionRuntime`). */
export interface LiveSession {
  readonly ended: boolean;
  /** False while a state write is queued: the stored row is older than the live state. */
  readonly settled: boolean;
  readonly status: SessionStatus;
  readonly user: UserInfo | null;
  readonly connectionStatus: ConnectionStatus;
  readonly startTime: number;
  lastSeenAt(): number | null;
}

export interface LiveSessions {
  get(sessionId: string): LiveSession | undefined;
  /** True when no session held in memory has a state write queued. */
  allSettled(): boolean;
}

/** The view of a cached row, the live state it was made from, and the texts made from it (see `text`). */
interface ViewMemo {
  live: LiveSession | undefined;
  status: SessionStatus;
  user: UserInfo | null;
  connectionStatus: ConnectionStatus | undefined;
  lastSeen: number | null;
  view: SessionView;
  texts: Map<string, string>;
}

interface Entry {
  record: SessionRecord;
  memo?: ViewMemo;
}

/** What a write settled: the new row, the row is gone, or unknown (then memory forgets it). */
type Outcome = SessionRecord | 'gone' | 'unknown';

/** Live status shown for a session that has no runtime in memory. */
const RESTING_STATUS: Partial<Record<SessionStatus, ConnectionStatus>> = { logged_out: 'LOGGED_OUT', failed: 'FAILED' };

/**
 * The read path in one place: every API request reads a session, so the rows are held in memory
 * (write-through), each joined with its live state into a frozen view, and each view keeps the JSON
 * texts the HTTP layer made from it. One cache, `#entries`; its rows change only in `#invalidate`.
 *
 * Sound because this process is the only writer of its sessions' rows and every write goes through
 * here; the database stays the durable truth. A read that raced a write does not fill the cache
 * (`FillGuard`), and a write whose outcome is uncertain (failed, or overlapping another write to the
 * same id) forgets the row instead of guessing, so the next read goes to the database again.
 * History passes straight through.
 */
export class SessionReadModel implements SessionRecordStore {
  readonly #inner: SessionRecordStore;
  readonly #live: LiveSessions;
  readonly #entries = new Map<string, Entry>();
  /** True while `#entries` holds every stored session (after a full list, kept up to date by writes). */
  #complete = false;
  /** `#entries` ordered by row id, built on the first list after a change (lists are far more common). */
  #ordered: Entry[] | undefined;
  readonly #fills = new FillGuard();
  /** Writes in flight per id, and whether two of them overlapped (then their order is unknown here). */
  readonly #writing = new Map<string, { count: number; overlapped: boolean }>();
  /** The last text made per list kind, with the views it was made from (see `listText`). */
  readonly #listTexts = new Map<string, { views: readonly SessionView[]; text: string }>();

  constructor(inner: SessionRecordStore, live: LiveSessions) {
    this.#inner = inner;
    this.#live = live;
  }

  /**
   * The one place rows enter or leave the cache (a row's view and texts go with it). Issue 16 (several
   * gateway nodes) invalidates here too, with 'unknown', when another node has written the row.
   */
  #invalidate(sessionId: string, outcome: Outcome): void {
    this.#ordered = undefined;
    this.#listTexts.clear();
    if (outcome === 'gone') {
      this.#entries.delete(sessionId);
    } else if (outcome === 'unknown') {
      this.#entries.delete(sessionId);
      this.#complete = false;
    } else {
      this.#entries.set(sessionId, { record: outcome });
    }
  }

  async #write<T>(
    sessionId: string,
    run: () => Promise<T>,
    settled: (result: T) => Exclude<Outcome, 'unknown'>,
  ): Promise<T> {
    this.#fills.writeStarted();
    const current = this.#writing.get(sessionId);
    if (current) {
      current.count++;
      current.overlapped = true;
    } else {
      this.#writing.set(sessionId, { count: 1, overlapped: false });
    }
    const done = () => {
      this.#fills.writeEnded();
      const entry = this.#writing.get(sessionId);
      if (!entry) return { last: true, overlapped: true };
      entry.count--;
      if (entry.count === 0) this.#writing.delete(sessionId);
      return { last: entry.count === 0, overlapped: entry.overlapped };
    };
    let result: T;
    try {
      result = await run();
    } catch (err) {
      done();
      this.#invalidate(sessionId, 'unknown');
      throw err;
    }
    const { last, overlapped } = done();
    // Overlapping writes to one id: which one the database applied last is unknown here.
    this.#invalidate(sessionId, last && !overlapped ? settled(result) : 'unknown');
    return result;
  }

  insert(sessionId: string): Promise<SessionRecord> {
    return this.#write(
      sessionId,
      () => this.#inner.insert(sessionId),
      (record) => record,
    );
  }

  update(sessionId: string, patch: SessionRecordPatch): Promise<SessionRecord | undefined> {
    return this.#write(
      sessionId,
      () => this.#inner.update(sessionId, patch),
      (record) => record ?? 'gone',
    );
  }

  remove(sessionId: string): Promise<boolean> {
    return this.#write(
      sessionId,
      () => this.#inner.remove(sessionId),
      () => 'gone',
    );
  }

  async find(sessionId: string): Promise<SessionRecord | undefined> {
    const cached = this.#entries.get(sessionId);
    if (cached) return cached.record;
    const token = this.#fills.token();
    const record = await this.#inner.find(sessionId);
    if (record && this.#fills.mayFill(token)) this.#invalidate(sessionId, record);
    return record;
  }

  async list(): Promise<SessionRecord[]> {
    if (!this.#complete) {
      const token = this.#fills.token();
      const listed = await this.#inner.list();
      if (!this.#fills.mayFill(token)) return listed;
      const stored = new Set(listed.map((record) => record.sessionId));
      for (const sessionId of [...this.#entries.keys()]) {
        if (!stored.has(sessionId)) this.#invalidate(sessionId, 'gone');
      }
      for (const record of listed) this.#invalidate(record.sessionId, record);
      this.#complete = true;
    }
    return this.#orderedEntries().map((entry) => entry.record);
  }

  appendHistory: SessionRecordStore['appendHistory'] = (sessionId, entry) =>
    this.#inner.appendHistory(sessionId, entry);
  history: SessionRecordStore['history'] = (sessionId, limit) => this.#inner.history(sessionId, limit);
  pruneHistory: SessionRecordStore['pruneHistory'] = (before, keep) => this.#inner.pruneHistory(before, keep);

  /**
   * What a read of the session would answer, without waiting, when memory already holds it: the row
   * is cached and no state write of the session is queued. Otherwise undefined: then ask `find`.
   */
  peek(sessionId: string): SessionView | undefined {
    if (this.#live.get(sessionId)?.settled === false) return undefined;
    const entry = this.#entries.get(sessionId);
    return entry && this.#viewOf(entry);
  }

  /** Every session's view ordered by id, without waiting, when memory holds all of them (see `peek`). */
  peekAll(): SessionView[] | undefined {
    if (!this.#complete || !this.#live.allSettled()) return undefined;
    return this.#orderedEntries().map((entry) => this.#viewOf(entry));
  }

  /** The record joined with its live state; the same frozen object while nothing it shows has changed. */
  view(record: SessionRecord): SessionView {
    const entry = this.#entries.get(record.sessionId);
    return entry?.record === record ? this.#viewOf(entry) : this.#memoFor(record).view;
  }

  /**
   * `make(view)`, made once per view: the HTTP layer keeps a view's serialised JSON here, so a read of
   * an unchanged session serialises nothing. A view that is no longer current is not kept.
   */
  text(view: SessionView, kind: string, make: (view: SessionView) => string): string {
    const memo = this.#entries.get(view.record.sessionId)?.memo;
    if (memo?.view !== view) return make(view);
    let text = memo.texts.get(kind);
    if (text === undefined) {
      text = make(view);
      memo.texts.set(kind, text);
    }
    return text;
  }

  /**
   * `make(views)` for a list, kept per `kind` (the route and its filter) while the list shows the same
   * view objects in the same order: views are frozen and remade whenever anything they show changes, so
   * the same objects make the same text. A list of 1,000 sessions is then one pass of identity checks
   * instead of joining half a megabyte of JSON. A different list of the same kind (another key's
   * sessions) replaces the kept one.
   */
  listText(views: readonly SessionView[], kind: string, make: (views: readonly SessionView[]) => string): string {
    const kept = this.#listTexts.get(kind);
    if (kept && kept.views.length === views.length && kept.views.every((view, i) => view === views[i])) {
      return kept.text;
    }
    const text = make(views);
    this.#listTexts.set(kind, { views, text });
    return text;
  }

  #orderedEntries(): Entry[] {
    this.#ordered ??= [...this.#entries.values()].sort((a, b) => a.record.id - b.record.id);
    return this.#ordered;
  }

  #viewOf(entry: Entry): SessionView {
    const { memo } = entry;
    const live = this.#current(entry.record.sessionId);
    const unchanged =
      memo !== undefined &&
      memo.live === live &&
      memo.status === (live?.status ?? entry.record.status) &&
      memo.user === (live?.user ?? null) &&
      memo.connectionStatus === live?.connectionStatus &&
      memo.lastSeen === (live?.lastSeenAt() ?? null);
    if (unchanged) return memo.view;
    entry.memo = this.#memoFor(entry.record);
    return entry.memo.view;
  }

  #current(sessionId: string): LiveSession | undefined {
    const live = this.#live.get(sessionId);
    return live?.ended ? undefined : live;
  }

  #memoFor(record: SessionRecord): ViewMemo {
    const live = this.#current(record.sessionId);
    const status = live?.status ?? record.status;
    const user = live?.user ?? null;
    const connectionStatus = live?.connectionStatus;
    const lastSeen = live?.lastSeenAt() ?? null;
    const userInfo = user ?? record.userInfo;
    const view: SessionView = Object.freeze({
      record: Object.freeze({ ...record, status, userInfo }),
      isActive: live !== undefined,
      isAuthenticated: live ? user !== null : userInfo !== null && status !== 'logged_out',
      connectionStatus: connectionStatus ?? RESTING_STATUS[record.status] ?? 'STOPPED',
      startTime: live?.startTime ?? null,
      lastSeenAt: lastSeen ? new Date(lastSeen) : record.lastSeenAt,
    });
    return { live, status, user, connectionStatus, lastSeen, view, texts: new Map() };
  }
}
