/**
 * Persistence port for messages the engine must find again: WhatsApp's retry requests (`getMessage`),
 * quoting, reactions, read receipts and media downloads. Payloads are opaque engine-serialised text.
 */
export interface StoredMessage {
  id: string;
  chatJid: string;
  fromMe: boolean;
  type: string;
  payload: string;
  createdAt: Date;
}

export interface MessageStore {
  /** Inserts or replaces a message of a session. */
  save(sessionId: string, message: Omit<StoredMessage, 'createdAt'>): Promise<void>;
  find(sessionId: string, messageId: string): Promise<StoredMessage | undefined>;
  /** Deletes messages stored before `before`; returns how many. Keeps retention bounded. */
  prune(before: Date): Promise<number>;
}
