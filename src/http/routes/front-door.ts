import type { FastifyPluginAsync } from 'fastify';

/** Where `GET /` sends a browser: the dashboard (the API reference is at `/docs`). */
export const FRONT_DOOR_TARGET = '/dashboard';

/** `GET /`: a redirect to the landing page, so the gateway's root is never a bare 401 or 404. */
export const frontDoorRoutes: FastifyPluginAsync = async (app) => {
  app.get('/', { schema: { hide: true } }, async (_request, reply) => reply.redirect(FRONT_DOOR_TARGET, 302));
};
