import { useState } from 'preact/hooks';
import type { ApiClient, SessionCommand } from './api-client.ts';
import { ConfirmDialog } from './modal.tsx';
import type { Session } from './types.ts';
import { useAction } from './use-action.ts';

export interface SessionActionsProps {
  api: ApiClient;
  session: Session;
  onChanged: (session: Session) => void;
  onDeleted: () => void;
}

type Pending = 'logout' | 'delete' | null;

/** Start, stop, restart, logout and delete; the last two ask first, naming the session. */
export function SessionActions({ api, session, onChanged, onDeleted }: SessionActionsProps) {
  const [confirming, setConfirming] = useState<Pending>(null);
  const { sessionId } = session;
  const command = useAction(async (name: SessionCommand) => onChanged(await api.command(sessionId, name)));
  const remove = useAction(async () => {
    await api.remove(sessionId);
    onDeleted();
  });
  const busy = command.busy || remove.busy;
  const stopped = !session.isActive;

  return (
    <section aria-label="Actions">
      <div class="row-actions">
        <button type="button" disabled={busy || !stopped} onClick={() => void command.run('start')}>
          Start
        </button>
        <button type="button" disabled={busy || stopped} onClick={() => void command.run('stop')}>
          Stop
        </button>
        <button type="button" disabled={busy} onClick={() => void command.run('restart')}>
          Restart
        </button>
        <button type="button" disabled={busy || !session.isAuthenticated} onClick={() => setConfirming('logout')}>
          Log out
        </button>
        <button type="button" class="danger" disabled={busy} onClick={() => setConfirming('delete')}>
          Delete
        </button>
      </div>
      {(command.error ?? remove.error) && (
        <p class="error" role="alert">
          {command.error ?? remove.error}
        </p>
      )}
      {confirming === 'logout' && (
        <ConfirmDialog
          title={`Log out ${sessionId}?`}
          text={
            `This unlinks ${sessionId} from WhatsApp on the phone. ` +
            'The session stays; linking it again needs a new scan.'
          }
          confirmLabel={`Log out ${sessionId}`}
          onCancel={() => setConfirming(null)}
          onConfirm={() => {
            setConfirming(null);
            void command.run('logout');
          }}
        />
      )}
      {confirming === 'delete' && (
        <ConfirmDialog
          title={`Delete ${sessionId}?`}
          text={
            `This logs ${sessionId} out if it is linked and deletes it with its keys, webhook and history. ` +
            'It cannot be undone.'
          }
          confirmLabel={`Delete ${sessionId}`}
          onCancel={() => setConfirming(null)}
          onConfirm={() => {
            setConfirming(null);
            void remove.run();
          }}
        />
      )}
    </section>
  );
}
