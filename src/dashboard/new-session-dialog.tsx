import { useState } from 'preact/hooks';
import type { ApiClient } from './api-client.ts';
import { LinkPanel } from './link-panel.tsx';
import { Modal } from './modal.tsx';
import { useAction } from './use-action.ts';
import type { SessionsState } from './use-sessions.ts';

export interface NewSessionDialogProps {
  api: ApiClient;
  state: SessionsState;
  now: number;
  onClose: () => void;
}

/** Creates a session, then shows how to link it until the phone has scanned. */
export function NewSessionDialog({ api, state, now, onClose }: NewSessionDialogProps) {
  const [sessionId, setSessionId] = useState('');
  const [created, setCreated] = useState<string | null>(null);
  const create = useAction(async () => {
    const session = await api.create(sessionId.trim());
    state.upsert(session);
    setCreated(session.sessionId);
  });
  const session = created ? state.sessions.find((candidate) => candidate.sessionId === created) : undefined;

  return (
    <Modal title={created ? `Link session ${created}` : 'New session'} onClose={onClose}>
      {!created && (
        <form
          class="stack"
          onSubmit={(event) => {
            event.preventDefault();
            void create.run();
          }}
        >
          <label for="new-session-id">Session ID</label>
          <input
            id="new-session-id"
            value={sessionId}
            pattern="[A-Za-z0-9_\-]{1,64}"
            onInput={(event) => setSessionId(event.currentTarget.value)}
            aria-describedby="new-session-help"
            required
          />
          <p id="new-session-help" class="help">
            Letters, digits, _ and -, up to 64 characters.
          </p>
          {create.error && (
            <p class="error" role="alert">
              {create.error}
            </p>
          )}
          <button type="submit" disabled={create.busy}>
            Create
          </button>
        </form>
      )}
      {session && (
        <LinkPanel api={api} session={session} sighting={state.qrSightings.get(session.sessionId)} now={now} />
      )}
      {session?.connectionStatus === 'AUTHENTICATED' && (
        <button type="button" onClick={onClose}>
          Done
        </button>
      )}
    </Modal>
  );
}
