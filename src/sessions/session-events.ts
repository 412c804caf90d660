import type { ConnectionStatus, SessionStatus } from './session-state.ts';

/** Session-level events, published to webhooks and the live stream. */
export type SessionEvent =
  | {
      type: 'session.status';
      sessionId: string;
      connectionStatus: ConnectionStatus;
      status: SessionStatus;
      reason: string | null;
    }
  | { type: 'session.qr'; sessionId: string; qr: string };

export type SessionEventListener = (event: SessionEvent) => void;
