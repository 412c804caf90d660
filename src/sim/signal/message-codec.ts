import { randomBytes } from 'node:crypto';
import { proto } from '@whiskeysockets/baileys';

/** Pads like WhatsApp: 1–16 bytes, each equal to the pad length. */
export function padMessage(bytes: Uint8Array): Buffer {
  const length = ((randomBytes(1)[0] ?? 0) & 0x0f) + 1;
  return Buffer.concat([bytes, Buffer.alloc(length, length)]);
}

/** Removes the padding; throws when the last byte cannot be a pad length. */
export function unpadMessage(bytes: Uint8Array): Buffer {
  const length = bytes[bytes.length - 1];
  if (length === undefined || length === 0 || length > 16 || length > bytes.length) {
    throw new Error('message padding is malformed');
  }
  return Buffer.from(bytes.subarray(0, bytes.length - length));
}

/** Padded `Message` bytes, ready for Signal encryption. */
export function encodeMessage(message: proto.IMessage): Buffer {
  return padMessage(proto.Message.encode(message).finish());
}

/** Padded `Message{conversation}` bytes, what a phone sends for a plain text. */
export function encodeTextMessage(text: string): Buffer {
  return encodeMessage({ conversation: text });
}

/** Decodes padded `Message` bytes. */
export function decodeMessage(padded: Uint8Array): proto.IMessage {
  return proto.Message.decode(unpadMessage(padded));
}

/**
 * The text of a message: `conversation`, `extendedTextMessage.text` (what Baileys' sendMessage
 * produces), or the same inside a `deviceSentMessage` copy for the sender's own phone.
 */
export function messageText(message: proto.IMessage | null | undefined): string | undefined {
  if (!message) return undefined;
  if (message.conversation) return message.conversation;
  if (message.extendedTextMessage?.text) return message.extendedTextMessage.text;
  return messageText(message.deviceSentMessage?.message);
}
