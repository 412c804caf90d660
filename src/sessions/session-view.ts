import type { SessionRecord } from './session-record-store.ts';
import type { ConnectionStatus } from './session-state.ts';

/**
 * What the API shows about one session: the stored record joined with its live state. Immutable: the
 * manager hands out the same object while nothing it shows has changed.
 */
export interface SessionView {
  readonly record: Readonly<SessionRecord>;
  readonly isActive: boolean;
  readonly isAuthenticated: boolean;
  readonly connectionStatus: ConnectionStatus;
  readonly startTime: number | null;
  readonly lastSeenAt: Date | null;
}
