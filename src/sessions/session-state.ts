/** Stored status (the seed's `status`). `stopped` means stopped on purpose: not restored at boot. */
export const SESSION_STATUSES = [
  'created',
  'qr',
  'authenticated',
  'connected',
  'disconnected',
  'stopped',
  'logged_out',
  'failed',
] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

/** Live status (the seed's `connectionStatus`). */
export const CONNECTION_STATUSES = [
  'STOPPED',
  'CONNECTING',
  'QR_REQUIRED',
  'AUTHENTICATED',
  'RECONNECTING',
  'LOGGED_OUT',
  'FAILED',
] as const;
export type ConnectionStatus = (typeof CONNECTION_STATUSES)[number];

/** The account behind a linked session: defined by the engine port, which reads it from the credentials. */
export type { UserInfo } from '../engine/engine.ts';

export interface DisconnectInfo {
  code: number | null;
  reason: string;
  at: string; // ISO time
}
