import { normalizeMessageContent, type proto, type WAMessage } from '@whiskeysockets/baileys';
import { isGroupJid, isLidJid, phoneOf, userJid } from '../jid.ts';
import type { IncomingMessage, IncomingType, Party } from '../messaging-types.ts';

type Content = proto.IMessage;
type Media = proto.Message.IImageMessage & proto.Message.IDocumentMessage & proto.Message.IAudioMessage;

const toNumber = (value: number | { toNumber(): number } | null | undefined): number | null =>
  value === null || value === undefined ? null : typeof value === 'number' ? value : value.toNumber();

/** Which of our types a message content is, with its media part if any. */
function classify(content: Content): { type: IncomingType; media?: Media | null } {
  if (content.conversation || content.extendedTextMessage) return { type: 'text' };
  if (content.imageMessage) return { type: 'image', media: content.imageMessage };
  if (content.videoMessage) return { type: 'video', media: content.videoMessage };
  if (content.audioMessage) return { type: 'audio', media: content.audioMessage };
  if (content.documentMessage) return { type: 'document', media: content.documentMessage };
  if (content.stickerMessage) return { type: 'sticker', media: content.stickerMessage };
  if (content.locationMessage) return { type: 'location' };
  if (content.contactMessage) return { type: 'contact' };
  if (content.reactionMessage) return { type: 'reaction' };
  return { type: 'unknown' };
}

function contextOf(content: Content): proto.IContextInfo | null | undefined {
  for (const part of Object.values(content)) {
    if (part && typeof part === 'object' && 'contextInfo' in part)
      return (part as { contextInfo?: proto.IContextInfo | null }).contextInfo;
  }
  return undefined;
}

/** Parts that carry no user content: history sync and other protocol housekeeping, group key distribution. */
const HOUSEKEEPING = new Set(['protocolMessage', 'senderKeyDistributionMessage', 'messageContextInfo']);

/** Whether a message carries something a user wrote (as opposed to protocol housekeeping). */
export function isUserMessage(message: WAMessage): boolean {
  const content = normalizeMessageContent(message.message);
  if (!content || message.key.remoteJid === 'status@broadcast') return false;
  return Object.entries(content).some(
    ([key, value]) => !HOUSEKEEPING.has(key) && value !== null && value !== undefined,
  );
}

/** Resolves the other identity of a party (LID for a PN, PN for a LID) when Baileys knows it. */
export type AltResolver = (jid: string) => Promise<string | null>;

async function partyOf(jid: string, alt: string | null | undefined, resolve: AltResolver): Promise<Party> {
  const main = userJid(jid);
  const other = userJid(alt) ?? (main ? userJid(await resolve(main).catch(() => null)) : null);
  const pn = isLidJid(main) ? other : main;
  const lid = isLidJid(main) ? main : other;
  return { phoneNumber: phoneOf(pn), jid: pn, lid };
}

/** Baileys' WAMessage → the normalised `message.received` payload. */
export async function toIncomingMessage(
  message: WAMessage,
  ownUser: Party,
  resolve: AltResolver,
): Promise<IncomingMessage> {
  const content = normalizeMessageContent(message.message) ?? {};
  const { key } = message;
  const chat = await partyOf(key.remoteJid ?? '', key.remoteJidAlt, resolve);
  // In a 1:1 chat the sender is the chat's other party, whose key carries both identities; rc14 also
  // sets `participant` there (a bare LID, no alternate), so only groups take the sender from it.
  const inGroup = isGroupJid(key.remoteJid);
  const from = key.fromMe
    ? ownUser
    : inGroup && key.participant
      ? await partyOf(key.participant, key.participantAlt, resolve)
      : chat;
  const { type, media } = classify(content);
  const context = contextOf(content);
  return {
    id: key.id ?? '',
    chatId: chat.jid ?? chat.lid ?? key.remoteJid ?? '',
    fromMe: Boolean(key.fromMe),
    from,
    pushName: message.pushName ?? null,
    timestamp: (toNumber(message.messageTimestamp) ?? Math.floor(Date.now() / 1000)) * 1000,
    type,
    text: content.conversation ?? content.extendedTextMessage?.text ?? media?.caption ?? null,
    media: media
      ? {
          mimetype: media.mimetype ?? null,
          fileName: media.fileName ?? null,
          fileLength: toNumber(media.fileLength),
          sha256: media.fileSha256 ? Buffer.from(media.fileSha256).toString('base64') : null,
          ptt: Boolean(media.ptt),
        }
      : null,
    quotedMessageId: context?.stanzaId ?? null,
    location: content.locationMessage
      ? {
          latitude: content.locationMessage.degreesLatitude ?? 0,
          longitude: content.locationMessage.degreesLongitude ?? 0,
          name: content.locationMessage.name ?? null,
          address: content.locationMessage.address ?? null,
        }
      : null,
    contact: content.contactMessage
      ? { name: content.contactMessage.displayName ?? null, vcard: content.contactMessage.vcard ?? '' }
      : null,
    reaction: content.reactionMessage
      ? { messageId: content.reactionMessage.key?.id ?? '', emoji: content.reactionMessage.text ?? '' }
      : null,
  };
}
