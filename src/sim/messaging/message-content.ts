import type { proto } from '@whiskeysockets/baileys';
import type { MediaKind } from '../media/media-crypto.ts';

/** What kind of content a message carries, as the received-message log reports it. */
export type ContentType = 'text' | MediaKind | 'location' | 'contact' | 'reaction';

/** Where a media message's encrypted bytes live and how to open them. */
export interface MediaReference {
  readonly kind: MediaKind;
  readonly mimetype?: string;
  readonly fileName?: string;
  readonly ptt?: boolean;
  readonly fileLength?: number;
  readonly url?: string;
  readonly directPath?: string;
  readonly mediaKey?: Uint8Array;
  readonly fileSha256?: Uint8Array;
  readonly fileEncSha256?: Uint8Array;
}

/** The content of one message, flattened for tests and the control API. */
export interface MessageContent {
  readonly type: ContentType;
  /** The text, or the media caption; '' when the message has neither. */
  readonly text: string;
  /** `contextInfo.stanzaId`: the id of the message this one replies to. */
  readonly quotedId?: string;
  readonly location?: {
    readonly latitude: number;
    readonly longitude: number;
    readonly name?: string;
    readonly address?: string;
  };
  readonly contact?: { readonly displayName?: string; readonly vcard: string };
  readonly reaction?: { readonly targetId: string; readonly emoji: string };
  readonly media?: MediaReference;
}

type Media = proto.Message.IImageMessage & proto.Message.IDocumentMessage & proto.Message.IAudioMessage;

// Wrappers WhatsApp puts around the real content (disappearing, view-once, captioned documents).
function unwrap(message: proto.IMessage): proto.IMessage {
  let current = message;
  for (let i = 0; i < 5; i++) {
    const inner =
      current.ephemeralMessage?.message ??
      current.viewOnceMessage?.message ??
      current.viewOnceMessageV2?.message ??
      current.documentWithCaptionMessage?.message;
    if (!inner) break;
    current = inner;
  }
  return current;
}

const text = (value: string | null | undefined): string => value ?? '';
const quoted = (info: proto.IContextInfo | null | undefined) => (info?.stanzaId ? { quotedId: info.stanzaId } : {});
const optional = <K extends string>(key: K, value: string | null | undefined) =>
  value ? ({ [key]: value } as Record<K, string>) : {};

function mediaContent(kind: MediaKind, media: Media): MessageContent {
  const reference: MediaReference = {
    kind,
    ...optional('mimetype', media.mimetype),
    ...optional('fileName', media.fileName),
    ...(media.ptt ? { ptt: true } : {}),
    ...(media.fileLength !== null && media.fileLength !== undefined ? { fileLength: Number(media.fileLength) } : {}),
    ...optional('url', media.url),
    ...optional('directPath', media.directPath),
    ...(media.mediaKey ? { mediaKey: media.mediaKey } : {}),
    ...(media.fileSha256 ? { fileSha256: media.fileSha256 } : {}),
    ...(media.fileEncSha256 ? { fileEncSha256: media.fileEncSha256 } : {}),
  };
  return { type: kind, text: text(media.caption), ...quoted(media.contextInfo), media: reference };
}

/** Flattens a decrypted message; undefined for protocol-only messages (keys, history sync, receipts…). */
export function describeMessage(raw: proto.IMessage | null | undefined): MessageContent | undefined {
  if (!raw) return undefined;
  const m = unwrap(raw);
  if (m.conversation) return { type: 'text', text: m.conversation };
  if (m.extendedTextMessage?.text) {
    return { type: 'text', text: m.extendedTextMessage.text, ...quoted(m.extendedTextMessage.contextInfo) };
  }
  if (m.imageMessage) return mediaContent('image', m.imageMessage);
  if (m.videoMessage) return mediaContent('video', m.videoMessage);
  if (m.audioMessage) return mediaContent('audio', m.audioMessage);
  if (m.documentMessage) return mediaContent('document', m.documentMessage);
  if (m.stickerMessage) return mediaContent('sticker', m.stickerMessage);
  if (m.locationMessage) {
    const l = m.locationMessage;
    const location = {
      latitude: l.degreesLatitude ?? 0,
      longitude: l.degreesLongitude ?? 0,
      ...optional('name', l.name),
      ...optional('address', l.address),
    };
    return { type: 'location', text: '', location, ...quoted(l.contextInfo) };
  }
  if (m.contactMessage) {
    const c = m.contactMessage;
    return {
      type: 'contact',
      text: '',
      contact: { ...optional('displayName', c.displayName), vcard: text(c.vcard) },
      ...quoted(c.contextInfo),
    };
  }
  if (m.reactionMessage) {
    return {
      type: 'reaction',
      text: '',
      reaction: { targetId: text(m.reactionMessage.key?.id), emoji: text(m.reactionMessage.text) },
    };
  }
  return undefined;
}
