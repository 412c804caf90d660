import { disconnectText, relativeTime } from './format.ts';
import type { Session } from './types.ts';

export interface SessionListProps {
  sessions: Session[];
  total: number;
  now: number;
  onOpen: (sessionId: string) => void;
}

/** One card per session: id, live status, who is linked, liveness and the last disconnect. */
export function SessionList({ sessions, total, now, onOpen }: SessionListProps) {
  if (total === 0) return <p class="empty">No sessions yet. Create one with “New session”.</p>;
  if (sessions.length === 0) return <p class="empty">No session matches the search.</p>;
  return (
    <ul class="sessions" aria-label="Sessions">
      {sessions.map((session) => (
        <li key={session.sessionId} class="session" data-session-id={session.sessionId}>
          <div class="session-head">
            <button
              type="button"
              class="link"
              onClick={() => onOpen(session.sessionId)}
              aria-label={`Open session ${session.sessionId}`}
            >
              {session.sessionId}
            </button>
            <span class={`badge badge-${session.connectionStatus.toLowerCase()}`}>{session.connectionStatus}</span>
          </div>
          <dl class="facts">
            <div>
              <dt>Phone</dt>
              <dd>{session.userInfo?.phoneNumber ? `+${session.userInfo.phoneNumber}` : '—'}</dd>
            </div>
            <div>
              <dt>Name</dt>
              <dd>{session.userInfo?.name || '—'}</dd>
            </div>
            <div>
              <dt>Platform</dt>
              <dd>{session.userInfo?.platform || '—'}</dd>
            </div>
            <div>
              <dt>Last seen</dt>
              <dd>
                <time dateTime={session.lastSeenAt ?? undefined}>{relativeTime(session.lastSeenAt, now)}</time>
              </dd>
            </div>
            <div class="wide">
              <dt>Last disconnect</dt>
              <dd>{disconnectText(session)}</dd>
            </div>
          </dl>
        </li>
      ))}
    </ul>
  );
}
