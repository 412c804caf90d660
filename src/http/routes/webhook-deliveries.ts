import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { WebhookService } from '../../events/webhook-service.ts';
import { errorResponses, ItemEnvelope, ListEnvelope } from '../schemas/envelope.ts';
import { DeliveryIdParams, DeliveryQuery, DeliverySchema } from '../schemas/webhook-schemas.ts';
import { presentDelivery } from '../presenters/webhook-presenter.ts';
import { failUnexpectedlyWith } from '../plugins/errors.ts';

const DEFAULT_LIMIT = 100;

/** Delivery attempts of every webhook: list them, replay one. */
export const webhookDeliveryRoutes: FastifyPluginAsyncTypebox<{ webhooks: WebhookService }> = async (
  app,
  { webhooks },
) => {
  failUnexpectedlyWith(app, 'WEBHOOK_REQUEST_FAILED');
  const tags = ['webhooks'];

  app.get(
    '/webhooks/deliveries',
    {
      schema: {
        tags,
        summary: 'Webhook deliveries, newest event first',
        querystring: DeliveryQuery,
        response: { 200: ListEnvelope(DeliverySchema), ...errorResponses },
      },
    },
    async (request) => {
      const { status, sessionId, limit } = request.query;
      const deliveries = await webhooks.listDeliveries({
        status,
        sessionId,
        limit: limit === undefined ? DEFAULT_LIMIT : Number(limit),
      });
      const data = deliveries.map(presentDelivery);
      return { success: true as const, message: 'Deliveries retrieved successfully', data, count: data.length };
    },
  );

  app.post(
    '/webhooks/deliveries/:id/retry',
    {
      schema: {
        tags,
        summary: 'Replay one delivery now (re-enables its endpoint)',
        params: DeliveryIdParams,
        response: { 200: ItemEnvelope(DeliverySchema), ...errorResponses },
      },
    },
    async (request) => {
      const data = presentDelivery(await webhooks.retryDelivery(request.params.id));
      return { success: true as const, message: 'Delivery scheduled for retry', data };
    },
  );
};
