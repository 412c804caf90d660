import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { isAppError } from '../../errors/app-error.ts';
import type { Readiness } from '../../operations/readiness.ts';
import { errorEnvelope } from '../plugins/errors.ts';
import { ErrorEnvelope } from '../schemas/envelope.ts';

/**
 * `GET /ready`, unauthenticated like `/health`: probes carry no key, and the answer tells nothing about
 * sessions. A 503 is answered here, not thrown, so an outage is logged once (by Readiness), not per probe.
 */
export const readinessRoutes: FastifyPluginAsyncTypebox<{ readiness: Readiness }> = async (app, { readiness }) => {
  app.get(
    '/ready',
    {
      schema: {
        tags: ['operations'],
        summary: 'Readiness (no authentication): 503 while starting or when the database does not answer',
        security: [],
        response: {
          200: Type.Object({ success: Type.Literal(true), message: Type.String() }),
          503: ErrorEnvelope,
        },
      },
    },
    async (_request, reply) => {
      try {
        await readiness.check();
      } catch (err) {
        if (!isAppError(err) || err.status !== 503) throw err;
        return reply.code(503).send(errorEnvelope(err));
      }
      return { success: true as const, message: 'Gateway is ready' };
    },
  );
};
