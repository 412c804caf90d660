/*
 * The public API's shapes as the dashboard reads them (docs/sessions.md, docs/webhooks.md). Written out
 * here rather than imported: the dashboard is a client of the HTTP API like any other.
 */
export type ConnectionStatus =
  'STOPPED' | 'CONNECTING' | 'QR_REQUIRED' | 'AUTHENTICATED' | 'RECONNECTING' | 'LOGGED_OUT' | 'FAILED';

export interface UserInfo {
  phoneNumber: string;
  name: string;
  jid: string;
  platform: string;
  registered: boolean;
  lid: string | null;
}

export interface LastDisconnect {
  code: number | null;
  reason: string;
  at: string;
}

/** The seed's credentials object (the basic one has no `userInfo`). */
export interface Session {
  id: number;
  sessionId: string;
  status: string;
  createdAt: string;
  updatedAt: string;
  isActive: boolean;
  isAuthenticated: boolean;
  startTime: number | null;
  connectionStatus: ConnectionStatus;
  lastSeenAt: string | null;
  lastDisconnect: LastDisconnect | null;
  userInfo?: UserInfo | null;
}

export interface StatusHistoryEntry {
  status: string;
  connectionStatus: string;
  reason: string | null;
  at: string;
}

export interface SessionStatus {
  sessionId: string;
  connectionStatus: ConnectionStatus;
  history: StatusHistoryEntry[];
}

export interface Qr {
  sessionId: string;
  qr: string;
  qrImage: string;
}

export interface PairingCode {
  sessionId: string;
  code: string;
}

export interface Webhook {
  sessionId: string;
  url: string;
  events: string[];
  enabled: boolean;
  disabledReason: string | null;
  disabledAt: string | null;
  createdAt: string;
  updatedAt: string;
  secret?: string;
}

export interface Delivery {
  id: string;
  eventId: string;
  sequence: number;
  sessionId: string;
  type: string;
  endpoint: { id: string; url: string | null };
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  nextAttemptAt: string;
  lastAttemptAt: string | null;
  lastError: string | null;
  lastStatusCode: number | null;
  deliveredAt: string | null;
  createdAt: string;
}

export interface SentMessage {
  id: string;
  to: string;
  status: string;
}

/** One event of `GET /events`, the same envelope webhooks get. */
export interface GatewayEvent {
  id: string;
  type: string;
  sessionId: string;
  timestamp: string;
  data: Record<string, unknown>;
}

export interface Envelope<T> {
  success: boolean;
  message: string;
  data?: T;
  count?: number;
  error?: string;
  code?: string;
}
