/** Message shapes that cross the engine port, free of any Baileys type. */

export const MEDIA_KINDS = ['image', 'video', 'audio', 'document'] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];

export type OutgoingContent =
  | { kind: 'text'; text: string }
  | { kind: MediaKind; data: Buffer; mimetype: string; caption?: string; fileName?: string; ptt?: boolean }
  | { kind: 'location'; latitude: number; longitude: number; name?: string; address?: string }
  | { kind: 'contact'; name: string; phoneNumber: string }
  | { kind: 'reaction'; messageId: string; emoji: string };

export interface OutgoingMessage {
  /** A user JID: `PHONE@s.whatsapp.net` or `LID@lid`. */
  to: string;
  content: OutgoingContent;
  quotedMessageId?: string;
}

export interface SentMessage {
  id: string;
  to: string;
  /** Epoch milliseconds. */
  timestamp: number;
}

export type MessageStatus = 'sent' | 'delivered' | 'read' | 'played' | 'failed';

/** A sent message's new status. */
export interface MessageStatusChange {
  messageId: string;
  chatId: string;
  status: MessageStatus;
  /** With `failed`: WhatsApp's error code from its ack, e.g. `479`. */
  error?: string;
}

export type IncomingType = 'text' | MediaKind | 'sticker' | 'location' | 'contact' | 'reaction' | 'unknown';

/** A sender or chat identity: WhatsApp may address it by phone number, by LID, or both. */
export interface Party {
  phoneNumber: string | null;
  jid: string | null;
  lid: string | null;
}

export interface IncomingMedia {
  mimetype: string | null;
  fileName: string | null;
  fileLength: number | null;
  sha256: string | null;
  ptt: boolean;
}

/** The normalised payload of `message.received`. */
export interface IncomingMessage {
  id: string;
  chatId: string;
  fromMe: boolean;
  from: Party;
  pushName: string | null;
  /** Epoch milliseconds. */
  timestamp: number;
  type: IncomingType;
  /** Text, or the media caption. */
  text: string | null;
  media: IncomingMedia | null;
  quotedMessageId: string | null;
  location: { latitude: number; longitude: number; name: string | null; address: string | null } | null;
  contact: { name: string | null; vcard: string } | null;
  reaction: { messageId: string; emoji: string } | null;
}

export interface ContactLookup {
  phoneNumber: string;
  exists: boolean;
  jid: string | null;
  lid: string | null;
}

export interface DownloadedMedia {
  data: Buffer;
  mimetype: string;
  fileName: string | null;
}
