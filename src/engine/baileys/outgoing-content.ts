import type { AnyMessageContent, WAMessageKey } from '@whiskeysockets/baileys';
import type { OutgoingContent } from '../messaging-types.ts';

/** A vCard 3.0 for one contact; WhatsApp shows `waid` as a tappable number. */
export function vcardFor(name: string, phoneNumber: string): string {
  const clean = name.replace(/[\r\n;]/g, ' ');
  return [
    'BEGIN:VCARD',
    'VERSION:3.0',
    `FN:${clean}`,
    `TEL;type=CELL;type=VOICE;waid=${phoneNumber}:+${phoneNumber}`,
    'END:VCARD',
  ].join('\n');
}

/** Our content union → Baileys' `sendMessage` content. `reactionKey` is the key of the message reacted to. */
export function toBaileysContent(content: OutgoingContent, reactionKey?: WAMessageKey): AnyMessageContent {
  switch (content.kind) {
    case 'text':
      return { text: content.text };
    case 'image':
      return {
        image: content.data,
        mimetype: content.mimetype,
        ...(content.caption ? { caption: content.caption } : {}),
      };
    case 'video':
      return {
        video: content.data,
        mimetype: content.mimetype,
        ...(content.caption ? { caption: content.caption } : {}),
      };
    case 'audio':
      return { audio: content.data, mimetype: content.mimetype, ptt: content.ptt ?? false };
    case 'document':
      return {
        document: content.data,
        mimetype: content.mimetype,
        fileName: content.fileName ?? 'file',
        ...(content.caption ? { caption: content.caption } : {}),
      };
    case 'location':
      return {
        location: {
          degreesLatitude: content.latitude,
          degreesLongitude: content.longitude,
          ...(content.name ? { name: content.name } : {}),
          ...(content.address ? { address: content.address } : {}),
        },
      };
    case 'contact':
      // With one contact Baileys sends the inner entry as the contactMessage: its displayName is the one shown.
      return {
        contacts: {
          displayName: content.name,
          contacts: [{ displayName: content.name, vcard: vcardFor(content.name, content.phoneNumber) }],
        },
      };
    case 'reaction':
      if (!reactionKey) throw new Error('reaction needs the key of the message it reacts to');
      return { react: { text: content.emoji, key: reactionKey } };
  }
}
