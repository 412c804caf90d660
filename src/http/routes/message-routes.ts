import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';
import type { IdempotentSends } from '../../messages/idempotent-sends.ts';
import type { MessagingService } from '../../messages/messaging-service.ts';
import { ErrorEnvelope, ItemEnvelope, upstreamErrorResponses as errorResponses } from '../schemas/envelope.ts';
import {
  ContactParams,
  ContactSchema,
  MessageParams,
  PresenceBody,
  SendMessageBodySchema,
  SentMessageSchema,
} from '../schemas/message-schemas.ts';
import { SessionIdParams } from '../schemas/session-schemas.ts';
import { requireAccess } from '../plugins/auth.ts';
import { failUnexpectedlyWith } from '../plugins/errors.ts';

export interface MessageRouteOptions {
  messaging: MessagingService;
  mediaMaxBytes: number;
  /** Idempotency-Key on sends; without it the header is accepted and ignored (tests of other routes). */
  idempotency?: IdempotentSends;
}

/** Printable ASCII, 1–255 characters. */
const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 255,
      pattern: '^[\\x20-\\x7E]+$',
      description: 'A retry with the same key and body within 24 h returns the first answer and sends nothing again',
    }),
  ),
});

const Done = Type.Object({ success: Type.Literal(true), message: Type.String() });

/** Sending, receipts, presence, contact lookup and media download for one session. */
export const messageRoutes: FastifyPluginAsyncTypebox<MessageRouteOptions> = async (app, options) => {
  const { messaging, mediaMaxBytes, idempotency } = options;
  failUnexpectedlyWith(app, 'MESSAGING_FAILED');
  requireAccess(app, 'send');
  const tags = ['messages'];
  // Media travels base64 inside JSON: 4/3 of the media limit plus room for the rest of the body.
  const bodyLimit = Math.ceil((mediaMaxBytes * 4) / 3) + 65_536;

  app.post(
    '/sessions/:sessionId/messages',
    {
      bodyLimit,
      schema: {
        tags,
        summary: 'Send a message (text, media, location, contact, reaction; optional reply)',
        params: SessionIdParams,
        headers: IdempotencyHeaders,
        body: SendMessageBodySchema,
        // 422: an Idempotency-Key reused with another body, or a media URL that could not be fetched.
        response: { 201: ItemEnvelope(SentMessageSchema), ...errorResponses, 422: ErrorEnvelope },
      },
    },
    async (request, reply) => {
      const { sessionId } = request.params;
      const send = async () => {
        const data = await messaging.send(sessionId, request.body);
        return { success: true as const, message: 'Message sent successfully', data };
      };
      const key = request.headers['idempotency-key'];
      if (key === undefined || !idempotency) return reply.status(201).send(await send());
      const answer = await idempotency.run(sessionId, key, request.body, async () => ({
        statusCode: 201,
        body: JSON.stringify(await send()),
      }));
      if (answer.replayed) reply.header('idempotent-replayed', 'true');
      return reply.status(answer.statusCode as 201).send(JSON.parse(answer.body) as Awaited<ReturnType<typeof send>>);
    },
  );

  app.post(
    '/sessions/:sessionId/messages/:messageId/read',
    {
      schema: {
        tags,
        summary: 'Mark a received message read',
        params: MessageParams,
        response: { 200: Done, ...errorResponses },
      },
    },
    async (request) => {
      await messaging.markRead(request.params.sessionId, request.params.messageId);
      return { success: true as const, message: 'Message marked as read' };
    },
  );

  app.get(
    '/sessions/:sessionId/messages/:messageId/media',
    {
      config: { access: 'read' },
      schema: {
        tags,
        summary: 'Download the decrypted media of a stored message',
        params: MessageParams,
        response: errorResponses,
      },
    },
    async (request, reply) => {
      const media = await messaging.media(request.params.sessionId, request.params.messageId);
      const disposition = media.fileName
        ? `attachment; filename="${media.fileName.replace(/["\\\r\n]/g, '_')}"`
        : 'inline';
      return (reply as FastifyReply).type(media.mimetype).header('content-disposition', disposition).send(media.data);
    },
  );

  app.post(
    '/sessions/:sessionId/presence',
    {
      schema: {
        tags,
        summary: 'Show typing (composing) or stop it (paused) in a chat',
        params: SessionIdParams,
        body: PresenceBody,
        response: { 200: Done, ...errorResponses },
      },
    },
    async (request) => {
      await messaging.presence(request.params.sessionId, request.body.to, request.body.state);
      return { success: true as const, message: 'Presence updated' };
    },
  );

  app.get(
    '/sessions/:sessionId/contacts/:phone',
    {
      config: { access: 'read' },
      schema: {
        tags,
        summary: 'Is this number on WhatsApp? With its JID and LID',
        params: ContactParams,
        response: { 200: ItemEnvelope(ContactSchema), ...errorResponses },
      },
    },
    async (request) => {
      const data = await messaging.contact(request.params.sessionId, request.params.phone);
      return { success: true as const, message: 'Contact looked up successfully', data };
    },
  );
};
