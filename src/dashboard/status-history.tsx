import { useEffect, useState } from 'preact/hooks';
import type { ApiClient } from './api-client.ts';
import { relativeTime } from './format.ts';
import type { StatusHistoryEntry } from './types.ts';

export interface StatusHistoryProps {
  api: ApiClient;
  sessionId: string;
  /** Changes whenever the session's status changed: the history is reread then. */
  version: number;
  now: number;
}

/** The session's kept status changes (the newest 50), newest first. */
export function StatusHistory({ api, sessionId, version, now }: StatusHistoryProps) {
  const [history, setHistory] = useState<StatusHistoryEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    api.status(sessionId).then(
      (status) => !cancelled && setHistory(status.history),
      (err: Error) => !cancelled && setError(err.message),
    );
    return () => {
      cancelled = true;
    };
  }, [api, sessionId, version]);

  return (
    <section aria-labelledby="history-heading">
      <h3 id="history-heading">Status history</h3>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {history && history.length === 0 && <p class="empty">No status changes kept.</p>}
      {history && history.length > 0 && (
        <ol class="history" aria-label="Status history">
          {history.map((entry, index) => (
            <li key={`${entry.at}-${index}`}>
              <span class={`badge badge-${entry.connectionStatus.toLowerCase()}`}>{entry.connectionStatus}</span>{' '}
              <time dateTime={entry.at} title={entry.at}>
                {relativeTime(entry.at, now)}
              </time>
              {entry.reason && <span class="reason"> · {entry.reason}</span>}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
