import type { FastifyPluginAsync } from 'fastify';

/** Where `GET /` sends a browser: the API reference, until the dashboard takes its place. */
export const FRONT_DOOR_TARGET = '/docs';

/** `GET /`: a redirect to the landing page, so the gateway's root is never a bare 401 or 404. */
export const frontDoorRoutes: FastifyPluginAsync = async (app) => {
  app.get('/', { schema: { hide: true } }, async (_request, reply) => reply.redirect(FRONT_DOOR_TARGET, 302));
};
