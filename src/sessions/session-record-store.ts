import type { ConnectionStatus, DisconnectInfo, SessionStatus, UserInfo } from './session-state.ts';

/** A session as stored. Implemented by `store/` on SQLite and PostgreSQL alike. */
export interface SessionRecord {
  id: number;
  sessionId: string;
  status: SessionStatus;
  createdAt: Date;
  updatedAt: Date;
  userInfo: UserInfo | null;
  lastSeenAt: Date | null;
  lastDisconnect: DisconnectInfo | null;
}

export type SessionRecordPatch = Partial<Pick<SessionRecord, 'status' | 'userInfo' | 'lastSeenAt' | 'lastDisconnect'>>;

/** Status history entries per session that retention always keeps; `GET /sessions/:id/status` shows as many. */
export const STATUS_HISTORY_KEPT = 50;

export interface StatusHistoryEntry {
  status: SessionStatus;
  connectionStatus: ConnectionStatus;
  reason: string | null;
  at: Date;
}

export interface SessionRecordStore {
  /** Inserts a new session; throws AppError SESSION_EXISTS when the id is taken (also under races). */
  insert(sessionId: string): Promise<SessionRecord>;
  find(sessionId: string): Promise<SessionRecord | undefined>;
  /** Every stored session, ordered by id. */
  list(): Promise<SessionRecord[]>;
  /** Updates the given fields and `updatedAt`; returns the new record, or undefined if it is gone. */
  update(sessionId: string, patch: SessionRecordPatch): Promise<SessionRecord | undefined>;
  /** Deletes the session row, its history, its auth state, its webhook and that webhook's deliveries. false if none. */
  remove(sessionId: string): Promise<boolean>;
  appendHistory(sessionId: string, entry: StatusHistoryEntry): Promise<void>;
  /** Newest first. */
  history(sessionId: string, limit: number): Promise<StatusHistoryEntry[]>;
  /** Deletes history entries from before `before`, except each session's newest `keep`; returns how many. */
  pruneHistory(before: Date, keep: number): Promise<number>;
}
