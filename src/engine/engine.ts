import type { Logger } from 'pino';
import type {
  ContactLookup,
  DownloadedMedia,
  IncomingMessage,
  MessageStatusChange,
  OutgoingMessage,
  SentMessage,
} from './messaging-types.ts';

/**
 * The engine port. `sessions/` drives WhatsApp only through these interfaces; `engine/baileys` is the one
 * implementation that talks to WhatsApp, and tests may plug a fake here (and only here).
 */

/** What the linked credentials say about the account (the seed's `userInfo`). */
export interface UserInfo {
  phoneNumber: string;
  name: string | null;
  jid: string;
  lid: string | null;
  platform: string | null;
  registered: boolean;
}

/** How a connection ended, already classified for the reconnect policy. */
export type CloseKind =
  | 'restart' // 515 after pairing: reconnect at once
  | 'retry' // 408, 428, 500, 503 and transport errors: back off and reconnect
  | 'replaced' // 440: another client took over, do not fight back
  | 'logged_out' // 401: unlinked on the phone or by logout
  | 'failed' // 403, 411, 400 and other fatal codes
  | 'qr_expired' // QR refs ran out before anyone scanned
  | 'stopped'; // we closed it on purpose

export type EngineEvent =
  | { type: 'qr'; qr: string }
  | { type: 'linked'; user: UserInfo }
  | { type: 'open'; user: UserInfo }
  | { type: 'close'; kind: CloseKind; code: number | null; reason: string }
  | { type: 'message'; message: IncomingMessage }
  | ({ type: 'message-status' } & MessageStatusChange);

export type EngineListener = (event: EngineEvent) => void;

export interface EngineCapabilities {
  readonly pairingCode: boolean;
  readonly qr: boolean;
}

export interface ConnectOptions {
  sessionId: string;
  logger: Logger;
  listener: EngineListener;
}

/** One live connection attempt. A closed connection is never reused: connect again for a new one. */
export interface EngineConnection {
  /** Epoch ms of the last frame received from WhatsApp, or null before the first. */
  lastSeenAt(): number | null;
  /** Closes the socket without unlinking the device; emits `close` with kind `stopped`. */
  close(): Promise<void>;
  /** Unlinks the device on WhatsApp, then closes; emits `close` with kind `logged_out`. */
  logout(): Promise<void>;
  /** Asks WhatsApp for an 8-character pairing code for this phone number (digits only). */
  requestPairingCode(phoneNumber: string): Promise<string>;
  /** Sends a message; resolves once it is written to WhatsApp (status `sent`). */
  sendMessage(message: OutgoingMessage): Promise<SentMessage>;
  /** Sends a read receipt for a received message. */
  markRead(messageId: string): Promise<void>;
  sendPresence(to: string, state: 'composing' | 'paused'): Promise<void>;
  /** Whether a phone number (digits) is on WhatsApp, with its JID and LID. */
  lookupContact(phoneNumber: string): Promise<ContactLookup>;
  /** Downloads and decrypts the media of a stored message. */
  downloadMedia(messageId: string): Promise<DownloadedMedia>;
}

export interface Engine {
  readonly capabilities: EngineCapabilities;
  /** Opens a connection with the stored credentials (or a fresh registration when there are none). */
  connect(options: ConnectOptions): EngineConnection;
  /** Linked user according to the stored credentials, or null if the session holds no link. */
  readUser(sessionId: string): Promise<UserInfo | null>;
  /** Forgets all credentials and keys of a session. */
  wipe(sessionId: string): Promise<void>;
}
