import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { GatewayMetrics } from '../../operations/gateway-metrics.ts';
import type { RouteDurations } from '../../operations/route-duration-histogram.ts';
import { routeHooks } from './route-hooks.ts';
import { errorResponses } from '../schemas/envelope.ts';

/** The `route` label of requests that matched no route (404s, and 401s on unknown paths). */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * Times every request into `wagate_http_request_duration_seconds`. Register before the routes: each route
 * gets its cells when it is added, labelled by its pattern (`/sessions/:sessionId`), never by the URL a
 * client sent, and a hook of its own that closes over them (see route-hooks.ts).
 */
export function registerRequestTiming(app: FastifyInstance, metrics: GatewayMetrics): void {
  // One hook per request, no promise: the method is one of Node's parser's fixed list, so the labels stay bounded.
  const timing =
    (durations: RouteDurations) =>
    (request: FastifyRequest, reply: FastifyReply, done: () => void): void => {
      durations.observe(request.method, reply.statusCode, reply.elapsedTime / 1000);
      done();
    };
  app.addHook('onRoute', (route) => {
    route.onResponse = [...routeHooks(route.onResponse), timing(metrics.httpDurations.forRoute(route.url))];
  });
  const unmatched = timing(metrics.httpDurations.forRoute(UNMATCHED_ROUTE));
  app.addHook('onResponse', (request, reply, done) => (request.is404 ? unmatched(request, reply, done) : done()));
}

/** `GET /metrics`: the Prometheus text format, behind the API key like every other route. */
export const metricsRoutes: FastifyPluginAsync<{ metrics: GatewayMetrics }> = async (app, { metrics }) => {
  app.get(
    '/metrics',
    {
      schema: {
        tags: ['operations'],
        summary: 'Prometheus metrics (text exposition format)',
        response: {
          200: {
            description: 'Prometheus text format 0.0.4',
            content: { 'text/plain': { schema: { type: 'string' } } },
          },
          ...errorResponses,
        },
      },
    },
    async (_request, reply) => {
      const text = await metrics.text();
      return reply.type(metrics.contentType).send(text);
    },
  );
};
