/**
 * Persistence port for a session's WhatsApp auth state. Values are opaque strings (the engine serialises
 * them); the store never interprets key material. Implemented by `store/`, used by `engine/baileys`.
 */
export interface KeyWrite {
  type: string;
  id: string;
  /** null deletes the key */
  value: string | null;
}

export interface AuthStateStore {
  readCreds(sessionId: string): Promise<string | undefined>;
  writeCreds(sessionId: string, creds: string): Promise<void>;
  readKeys(sessionId: string, type: string, ids: readonly string[]): Promise<Map<string, string>>;
  /** Applies every write in one transaction: all or nothing. */
  writeKeys(sessionId: string, writes: readonly KeyWrite[]): Promise<void>;
  /** Removes creds and every key of the session. */
  clear(sessionId: string): Promise<void>;
}
