import type { ApiClient } from './api-client.ts';
import { DeliveriesPanel } from './deliveries-panel.tsx';
import { disconnectText, relativeTime } from './format.ts';
import { LinkPanel } from './link-panel.tsx';
import { Modal } from './modal.tsx';
import { SessionActions } from './session-actions.tsx';
import { StatusHistory } from './status-history.tsx';
import { TestMessageForm } from './test-message-form.tsx';
import type { Session } from './types.ts';
import type { SessionsState } from './use-sessions.ts';
import { WebhookPanel } from './webhook-panel.tsx';

export interface SessionDetailProps {
  api: ApiClient;
  sessionId: string;
  /** undefined once the session is gone (deleted here or elsewhere). */
  session: Session | undefined;
  state: SessionsState;
  now: number;
  onClose: () => void;
}

/** Everything about one session: its facts, actions, linking, history, webhook, deliveries, a test send. */
export function SessionDetail({ api, sessionId, session, state, now, onClose }: SessionDetailProps) {
  if (!session) {
    return (
      <Modal title={`Session ${sessionId}`} onClose={onClose}>
        <p role="status">Session {sessionId} no longer exists.</p>
      </Modal>
    );
  }
  const version = state.statusChanges.get(sessionId) ?? 0;
  const user = session.userInfo;
  return (
    <Modal title={`Session ${sessionId}`} onClose={onClose} wide>
      <dl class="facts">
        <div>
          <dt>Status</dt>
          <dd>
            <span class={`badge badge-${session.connectionStatus.toLowerCase()}`}>{session.connectionStatus}</span>
          </dd>
        </div>
        <div>
          <dt>Phone</dt>
          <dd>{user?.phoneNumber ? `+${user.phoneNumber}` : '—'}</dd>
        </div>
        <div>
          <dt>Name</dt>
          <dd>{user?.name || '—'}</dd>
        </div>
        <div>
          <dt>Platform</dt>
          <dd>{user?.platform || '—'}</dd>
        </div>
        <div>
          <dt>Last seen</dt>
          <dd>{relativeTime(session.lastSeenAt, now)}</dd>
        </div>
        <div class="wide">
          <dt>Last disconnect</dt>
          <dd>{disconnectText(session)}</dd>
        </div>
        {user?.jid && (
          <div class="wide">
            <dt>JID</dt>
            <dd>{user.jid}</dd>
          </div>
        )}
      </dl>
      <SessionActions
        api={api}
        session={session}
        onChanged={state.upsert}
        onDeleted={() => {
          state.drop(sessionId);
          onClose();
        }}
      />
      {session.connectionStatus !== 'AUTHENTICATED' && (
        <LinkPanel api={api} session={session} sighting={state.qrSightings.get(sessionId)} now={now} />
      )}
      <StatusHistory api={api} sessionId={sessionId} version={version} now={now} />
      <WebhookPanel api={api} sessionId={sessionId} />
      <DeliveriesPanel api={api} sessionId={sessionId} version={version} now={now} />
      {session.connectionStatus === 'AUTHENTICATED' && <TestMessageForm api={api} sessionId={sessionId} />}
    </Modal>
  );
}
