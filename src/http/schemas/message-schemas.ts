import { Type } from '@sinclair/typebox';
import { Nullable, StringEnum } from './schema-types.ts';

const Media = Type.Object(
  {
    url: Type.Optional(Type.String({ description: 'http(s) URL the gateway downloads' })),
    base64: Type.Optional(Type.String({ description: 'the bytes, base64 (a data: URL prefix is accepted)' })),
    mimetype: Type.Optional(Type.String({ minLength: 3, maxLength: 255 })),
    caption: Type.Optional(Type.String({ maxLength: 4096 })),
    fileName: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    ptt: Type.Optional(Type.Boolean({ description: 'audio only: send as a voice note' })),
  },
  { additionalProperties: false },
);

export const SendMessageBodySchema = Type.Object(
  {
    to: Type.String({
      description: 'Phone number with country code (digits, optional +) or a JID',
      minLength: 1,
      maxLength: 64,
    }),
    text: Type.Optional(Type.String({ minLength: 1, maxLength: 65_536 })),
    image: Type.Optional(Media),
    video: Type.Optional(Media),
    audio: Type.Optional(Media),
    document: Type.Optional(Media),
    location: Type.Optional(
      Type.Object(
        {
          latitude: Type.Number({ minimum: -90, maximum: 90 }),
          longitude: Type.Number({ minimum: -180, maximum: 180 }),
          name: Type.Optional(Type.String({ maxLength: 1024 })),
          address: Type.Optional(Type.String({ maxLength: 1024 })),
        },
        { additionalProperties: false },
      ),
    ),
    contact: Type.Optional(
      Type.Object(
        { name: Type.String({ minLength: 1, maxLength: 256 }), phoneNumber: Type.String() },
        { additionalProperties: false },
      ),
    ),
    reaction: Type.Optional(
      Type.Object(
        {
          messageId: Type.String({ minLength: 1, maxLength: 128 }),
          emoji: Type.String({ maxLength: 16, description: 'empty removes the reaction' }),
        },
        { additionalProperties: false },
      ),
    ),
    quotedMessageId: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  },
  { additionalProperties: false },
);

export const SentMessageSchema = Type.Object({
  id: Type.String(),
  to: Type.String(),
  status: Type.Literal('sent'),
  timestamp: Type.Integer({ description: 'epoch milliseconds' }),
});

export const MessageParams = Type.Object({ sessionId: Type.String(), messageId: Type.String({ maxLength: 128 }) });

export const PresenceBody = Type.Object(
  { to: Type.String({ minLength: 1, maxLength: 64 }), state: StringEnum(['composing', 'paused']) },
  { additionalProperties: false },
);

export const ContactParams = Type.Object({ sessionId: Type.String(), phone: Type.String({ maxLength: 32 }) });

export const ContactSchema = Type.Object({
  phoneNumber: Type.String(),
  exists: Type.Boolean(),
  jid: Nullable(Type.String()),
  lid: Nullable(Type.String()),
});
