import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';
import type { MessagingService } from '../../messages/messaging-service.ts';
import { ItemEnvelope, upstreamErrorResponses as errorResponses } from '../schemas/envelope.ts';
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
}

const Done = Type.Object({ success: Type.Literal(true), message: Type.String() });

/** Sending, receipts, presence, contact lookup and media download for one session. */
export const messageRoutes: FastifyPluginAsyncTypebox<MessageRouteOptions> = async (app, { messaging, mediaMaxBytes }) => {
  failUnexpectedlyWith(app, 'MESSAGING_FAILED');
  requireAccess(app, 'send');
  const tags = ['messages'];
  // Media travels base64 inside JSON: 4/3 of the media limit plus room for the rest of the body.
  const bodyLimit = Math.ceil((mediaMaxBytes * 4) / 3) + 65_536;

  app.post('/sessions/:sessionId/messages', {
    bodyLimit,
    schema: { tags, summary: 'Send a message (text, media, location, contact, reaction; optional reply)', params: SessionIdParams, body: SendMessageBodySchema, response: { 201: ItemEnvelope(SentMessageSchema), ...errorResponses } },
  }, async (request, reply) => {
    const data = await messaging.send(request.params.sessionId, request.body);
    return reply.status(201).send({ success: true as const, message: 'Message sent successfully', data });
  });

  app.post('/sessions/:sessionId/messages/:messageId/read', {
    schema: { tags, summary: 'Mark a received message read', params: MessageParams, response: { 200: Done, ...errorResponses } },
  }, async (request) => {
    await messaging.markRead(request.params.sessionId, request.params.messageId);
    return { success: true as const, message: 'Message marked as read' };
  });

  app.get('/sessions/:sessionId/messages/:messageId/media', {
    config: { access: 'read' },
    schema: { tags, summary: 'Download the decrypted media of a stored message', params: MessageParams, response: errorResponses },
  }, async (request, reply) => {
    const media = await messaging.media(request.params.sessionId, request.params.messageId);
    const disposition = media.fileName ? `attachment; filename="${media.fileName.replace(/["\\\r\n]/g, '_')}"` : 'inline';
    return (reply as FastifyReply).type(media.mimetype).header('content-disposition', disposition).send(media.data);
  });

  app.post('/sessions/:sessionId/presence', {
    schema: { tags, summary: 'Show typing (composing) or stop it (paused) in a chat', params: SessionIdParams, body: PresenceBody, response: { 200: Done, ...errorResponses } },
  }, async (request) => {
    await messaging.presence(request.params.sessionId, request.body.to, request.body.state);
    return { success: true as const, message: 'Presence updated' };
  });

  app.get('/sessions/:sessionId/contacts/:phone', {
    config: { access: 'read' },
    schema: { tags, summary: 'Is this number on WhatsApp? With its JID and LID', params: ContactParams, response: { 200: ItemEnvelope(ContactSchema), ...errorResponses } },
  }, async (request) => {
    const data = await messaging.contact(request.params.sessionId, request.params.phone);
    return { success: true as const, message: 'Contact looked up successfully', data };
  });
};
