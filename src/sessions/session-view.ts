import type { SessionRecord } from './session-record-store.ts';
import type { ConnectionStatus } from './session-state.ts';

/** What the API shows about one session: the stored record joined with its live state. */
export interface SessionView {
  record: SessionRecord;
  isActive: boolean;
  isAuthenticated: boolean;
  connectionStatus: ConnectionStatus;
  startTime: number | null;
  lastSeenAt: Date | null;
}
