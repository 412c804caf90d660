import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { WebhookService } from '../../events/webhook-service.ts';
import { errorResponses, ItemEnvelope } from '../schemas/envelope.ts';
import { SessionIdParams } from '../schemas/session-schemas.ts';
import { PutWebhookBody, WebhookSchema } from '../schemas/webhook-schemas.ts';
import { presentWebhook } from '../presenters/webhook-presenter.ts';
import { requireAccess } from '../plugins/auth.ts';
import { failUnexpectedlyWith } from '../plugins/errors.ts';

/** `PUT|GET|DELETE /sessions/:sessionId/webhook`: the session's own signed webhook. */
export const sessionWebhookRoutes: FastifyPluginAsyncTypebox<{ webhooks: WebhookService }> = async (
  app,
  { webhooks },
) => {
  failUnexpectedlyWith(app, 'WEBHOOK_REQUEST_FAILED');
  requireAccess(app, 'manage');
  const tags = ['webhooks'];
  const itemResponse = { 200: ItemEnvelope(WebhookSchema), ...errorResponses };

  app.put(
    '/sessions/:sessionId/webhook',
    {
      schema: {
        tags,
        summary: 'Set (and re-enable) the session webhook',
        params: SessionIdParams,
        body: PutWebhookBody,
        response: itemResponse,
      },
    },
    async (request) => {
      const { endpoint, generatedSecret } = await webhooks.put(request.params.sessionId, request.body);
      return {
        success: true as const,
        message: 'Webhook saved successfully',
        data: presentWebhook(endpoint, generatedSecret),
      };
    },
  );

  app.get(
    '/sessions/:sessionId/webhook',
    {
      schema: {
        tags,
        summary: 'The session webhook (never its secret)',
        params: SessionIdParams,
        response: itemResponse,
      },
    },
    async (request) => {
      const data = presentWebhook(await webhooks.get(request.params.sessionId));
      return { success: true as const, message: 'Webhook retrieved successfully', data };
    },
  );

  app.delete(
    '/sessions/:sessionId/webhook',
    {
      schema: {
        tags,
        summary: 'Remove the session webhook; its pending deliveries fail',
        params: SessionIdParams,
        response: { 200: Type.Object({ success: Type.Literal(true), message: Type.String() }), ...errorResponses },
      },
    },
    async (request) => {
      await webhooks.remove(request.params.sessionId);
      return { success: true as const, message: 'Webhook deleted successfully' };
    },
  );
};
