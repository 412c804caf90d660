import type { IncomingMessage, MessageStatusChange } from '../engine/messaging-types.ts';
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
  | { type: 'session.qr'; sessionId: string; qr: string }
  | { type: 'message.received'; sessionId: string; message: IncomingMessage }
  | ({ type: 'message.status'; sessionId: string } & MessageStatusChange);

export type SessionEventListener = (event: SessionEvent) => void;
