import { useState } from 'preact/hooks';
import type { ApiClient } from './api-client.ts';
import { healthCounts, matchesSearch } from './format.ts';
import { NewSessionDialog } from './new-session-dialog.tsx';
import { SessionDetail } from './session-detail.tsx';
import { SessionList } from './session-list.tsx';
import { useNow } from './use-now.ts';
import { useSessions } from './use-sessions.ts';

export interface DashboardViewProps {
  api: ApiClient;
  onUnauthorized: () => void;
  onLogout: () => void;
}

const STREAM_TEXT = {
  connecting: 'Connecting to live updates…',
  open: 'Live',
  reconnecting: 'Live updates lost; reconnecting…',
};

/** The logged-in page: health summary, searchable live session list, and the session dialogs. */
export function DashboardView({ api, onUnauthorized, onLogout }: DashboardViewProps) {
  const state = useSessions(api, onUnauthorized);
  const now = useNow();
  const [query, setQuery] = useState('');
  const [creating, setCreating] = useState(false);
  const [selected, setSelected] = useState<string | null>(null);
  const counts = healthCounts(state.sessions);
  const shown = state.sessions.filter((session) => matchesSearch(session, query));
  const selectedSession = selected ? state.sessions.find((session) => session.sessionId === selected) : undefined;

  return (
    <>
      <header class="top">
        <h1>wagate</h1>
        <p class={`stream stream-${state.streamState}`} role="status">
          {STREAM_TEXT[state.streamState]}
        </p>
        <button type="button" class="quiet" onClick={onLogout}>
          Sign out
        </button>
      </header>
      <main class="page">
        <section aria-labelledby="health-heading" class="health">
          <h2 id="health-heading" class="visually-hidden">
            Health
          </h2>
          <p>
            <span class="label">Total</span> <strong>{counts.total}</strong>
          </p>
          <p>
            <span class="label">Active</span> <strong>{counts.active}</strong>
          </p>
          <p>
            <span class="label">Authenticated</span> <strong>{counts.authenticated}</strong>
          </p>
        </section>
        <section aria-labelledby="sessions-heading">
          <div class="toolbar">
            <h2 id="sessions-heading">Sessions</h2>
            <input
              type="search"
              aria-label="Search sessions"
              placeholder="Search by id, phone or name"
              value={query}
              onInput={(event) => setQuery(event.currentTarget.value)}
            />
            <button type="button" onClick={() => setCreating(true)}>
              New session
            </button>
          </div>
          {state.error && (
            <p class="error" role="alert">
              {state.error}
            </p>
          )}
          <SessionList sessions={shown} total={state.sessions.length} now={now} onOpen={setSelected} />
        </section>
      </main>
      {creating && <NewSessionDialog api={api} state={state} now={now} onClose={() => setCreating(false)} />}
      {selected && (
        <SessionDetail
          api={api}
          sessionId={selected}
          session={selectedSession}
          state={state}
          now={now}
          onClose={() => setSelected(null)}
        />
      )}
    </>
  );
}
