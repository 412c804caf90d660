import { AppError } from '../errors/app-error.ts';
import { recipientJid } from '../engine/jid.ts';
import { normalisePhone } from '../shared/phone-number.ts';
import { MEDIA_KINDS, type MediaKind, type OutgoingContent, type OutgoingMessage } from '../engine/messaging-types.ts';
import { loadMedia, type MediaSource } from './media-source.ts';

interface MediaBody extends MediaSource {
  mimetype?: string;
  caption?: string;
  fileName?: string;
  ptt?: boolean;
}

/** The body of `POST /sessions/:id/messages` after schema validation. */
export interface SendMessageBody {
  to: string;
  text?: string;
  image?: MediaBody;
  video?: MediaBody;
  audio?: MediaBody;
  document?: MediaBody;
  location?: { latitude: number; longitude: number; name?: string; address?: string };
  contact?: { name: string; phoneNumber: string };
  reaction?: { messageId: string; emoji: string };
  quotedMessageId?: string;
}

const CONTENT_KEYS = ['text', ...MEDIA_KINDS, 'location', 'contact', 'reaction'] as const;

const DEFAULT_MIMETYPE: Record<MediaKind, (body: MediaBody) => string> = {
  image: () => 'image/jpeg',
  video: () => 'video/mp4',
  audio: (body) => (body.ptt ? 'audio/ogg; codecs=opus' : 'audio/mpeg'),
  document: () => 'application/octet-stream',
};

async function mediaContent(kind: MediaKind, body: MediaBody, maxBytes: number): Promise<OutgoingContent> {
  const data = await loadMedia(body, maxBytes);
  return {
    kind,
    data,
    mimetype: body.mimetype ?? DEFAULT_MIMETYPE[kind](body),
    ...(body.caption !== undefined ? { caption: body.caption } : {}),
    ...(body.fileName !== undefined ? { fileName: body.fileName } : {}),
    ...(body.ptt !== undefined ? { ptt: body.ptt } : {}),
  };
}

/** Validates the recipient and the single content key, and loads media; nothing is sent here. */
export async function toOutgoingMessage(body: SendMessageBody, mediaMaxBytes: number): Promise<OutgoingMessage> {
  const to = recipientJid(body.to);
  if (!to) throw new AppError('INVALID_RECIPIENT', 'use a phone number with country code (digits, optional +) or a JID');
  const present = CONTENT_KEYS.filter((key) => body[key] !== undefined);
  if (present.length !== 1) {
    throw new AppError('INVALID_MESSAGE_CONTENT', `give exactly one of ${CONTENT_KEYS.join(', ')} (got ${present.length})`);
  }
  const key = present[0] as (typeof CONTENT_KEYS)[number];
  let content: OutgoingContent;
  if (key === 'text') content = { kind: 'text', text: body.text ?? '' };
  else if (key === 'location' && body.location) content = { kind: 'location', ...body.location };
  else if (key === 'contact' && body.contact) {
    const phoneNumber = normalisePhone(body.contact.phoneNumber);
    if (!phoneNumber) throw new AppError('INVALID_MESSAGE_CONTENT', 'contact.phoneNumber must be a phone number with country code');
    content = { kind: 'contact', name: body.contact.name, phoneNumber };
  } else if (key === 'reaction' && body.reaction) content = { kind: 'reaction', ...body.reaction };
  else content = await mediaContent(key as MediaKind, body[key as MediaKind] ?? {}, mediaMaxBytes);
  return { to, content, ...(body.quotedMessageId ? { quotedMessageId: body.quotedMessageId } : {}) };
}
