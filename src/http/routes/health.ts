import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';

/** Unauthenticated liveness probe for load balancers and orchestrators. */
export const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/health',
    {
      schema: {
        tags: ['operations'],
        summary: 'Liveness (no authentication)',
        security: [],
        response: {
          200: Type.Object({ success: Type.Literal(true), status: Type.Literal('ok'), uptime: Type.Number() }),
        },
      },
    },
    async () => ({ success: true as const, status: 'ok' as const, uptime: process.uptime() }),
  );
};
