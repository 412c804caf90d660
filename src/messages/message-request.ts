import { AppError } from '../errors/app-error.ts';
import { recipientJid } from '../engine/jid.ts';
import { normalisePhone } from '../shared/phone-number.ts';
import { MEDIA_KINDS, type MediaKind, type OutgoingContent, type OutgoingMessage } from '../engine/messaging-types.ts';
import type { MediaFetcher } from './media-fetch.ts';
import { prepareMedia, type MediaSource } from './media-source.ts';

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

/** How media are loaded: the size cap and the downloader for URLs. */
export interface MediaLoading {
  maxBytes: number;
  fetcher: MediaFetcher;
}

/** A message checked for form; `load()` yields it (downloading a media URL, so call it once the session is linked). */
export interface PreparedMessage {
  load(): Promise<OutgoingMessage>;
}

function mediaContent(kind: MediaKind, body: MediaBody, media: MediaLoading): () => Promise<OutgoingContent> {
  const load = prepareMedia(body, media.maxBytes, media.fetcher);
  return async () => ({
    kind,
    data: await load(),
    mimetype: body.mimetype ?? DEFAULT_MIMETYPE[kind](body),
    ...(body.caption !== undefined ? { caption: body.caption } : {}),
    ...(body.fileName !== undefined ? { fileName: body.fileName } : {}),
    ...(body.ptt !== undefined ? { ptt: body.ptt } : {}),
  });
}

/** Validates the recipient, the single content key and the media's form; nothing is fetched or sent here. */
export function prepareOutgoingMessage(body: SendMessageBody, media: MediaLoading): PreparedMessage {
  const to = recipientJid(body.to);
  if (!to)
    throw new AppError('INVALID_RECIPIENT', 'use a phone number with country code (digits, optional +) or a JID');
  const present = CONTENT_KEYS.filter((key) => body[key] !== undefined);
  if (present.length !== 1) {
    throw new AppError(
      'INVALID_MESSAGE_CONTENT',
      `give exactly one of ${CONTENT_KEYS.join(', ')} (got ${present.length})`,
    );
  }
  const key = present[0] as (typeof CONTENT_KEYS)[number];
  const quoted = body.quotedMessageId ? { quotedMessageId: body.quotedMessageId } : {};
  if (MEDIA_KINDS.includes(key as MediaKind)) {
    const loadContent = mediaContent(key as MediaKind, body[key as MediaKind] ?? {}, media);
    return { load: async () => ({ to, content: await loadContent(), ...quoted }) };
  }
  let content: OutgoingContent;
  if (key === 'location' && body.location) content = { kind: 'location', ...body.location };
  else if (key === 'contact' && body.contact) {
    const phoneNumber = normalisePhone(body.contact.phoneNumber);
    if (!phoneNumber)
      throw new AppError('INVALID_MESSAGE_CONTENT', 'contact.phoneNumber must be a phone number with country code');
    content = { kind: 'contact', name: body.contact.name, phoneNumber };
  } else if (key === 'reaction' && body.reaction) content = { kind: 'reaction', ...body.reaction };
  else content = { kind: 'text', text: body.text ?? '' };
  return { load: () => Promise.resolve({ to, content, ...quoted }) };
}
