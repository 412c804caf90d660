import { proto, type WAMessage } from '@whiskeysockets/baileys';

/** WAMessage ↔ stored text: the protobuf encoding keeps Longs and byte fields exact (JSON would not). */
export const encodeStoredMessage = (message: WAMessage): string =>
  Buffer.from(proto.WebMessageInfo.encode(message).finish()).toString('base64');

export const decodeStoredMessage = (payload: string): WAMessage =>
  proto.WebMessageInfo.decode(Buffer.from(payload, 'base64')) as WAMessage;
