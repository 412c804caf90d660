/** Stored status (the seed's `status`). `stopped` means stopped on purpose: not restored at boot. */
export const SESSION_STATUSES = [
  'created', 'qr', 'authenticated', 'connected', 'disconnected', 'stopped', 'logged_out', 'failed',
] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

/** Live status (the seed's `connectionStatus`). */
export const CONNECTION_STATUSES = [
  'STOPPED', 'CONNECTING', 'QR_REQUIRED', 'AUTHENTICATED', 'RECONNECTING', 'LOGGED_OUT', 'FAILED',
] as const;
export type ConnectionStatus = (typeof CONNECTION_STATUSES)[number];

/** What the linked credentials say about the account (the seed's `userInfo`). */
export interface UserInfo {
  phoneNumber: string;
  name: string | null;
  jid: string;
  lid: string | null;
  platform: string | null;
  registered: boolean;
}

export interface DisconnectInfo {
  code: number | null;
  reason: string;
  at: string; // ISO time
}
