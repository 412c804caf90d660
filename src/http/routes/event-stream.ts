import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { EventHub } from '../../events/event-hub.ts';
import type { OutboxStore } from '../../events/event-store.ts';
import { openLiveStream } from '../../events/live-stream.ts';
import { AppError } from '../../errors/app-error.ts';
import { errorResponses } from '../schemas/envelope.ts';
import { EventStreamQuery } from '../schemas/webhook-schemas.ts';
import { canSeeSession } from '../../access/principal.ts';
import { requireAccess } from '../plugins/auth.ts';
import { failUnexpectedlyWith } from '../plugins/errors.ts';

export interface EventStreamOptions {
  outbox: OutboxStore;
  hub: EventHub;
  heartbeatMs: number;
}

function parseLastEventId(header: string | string[] | undefined): number | undefined {
  if (header === undefined) return undefined;
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || !/^\d{1,15}$/.test(value.trim()))
    throw new AppError('INVALID_LAST_EVENT_ID', 'Last-Event-ID must be the id of a received event');
  return Number(value.trim());
}

/** `GET /events`: Server-Sent Events, resumable with Last-Event-ID from the outbox. */
export const eventStreamRoutes: FastifyPluginAsyncTypebox<EventStreamOptions> = async (
  app,
  { outbox, hub, heartbeatMs },
) => {
  failUnexpectedlyWith(app, 'EVENT_STREAM_FAILED');
  requireAccess(app, 'read');
  const open = new Set<() => void>();
  // Streams never end on their own: close them before the server waits for its connections.
  app.addHook('preClose', async () => {
    for (const close of open) close();
  });

  app.get(
    '/events',
    {
      schema: {
        tags: ['events'],
        summary: 'Live event stream (text/event-stream)',
        querystring: EventStreamQuery,
        response: errorResponses,
      },
    },
    async (request, reply) => {
      const after = parseLastEventId(request.headers['last-event-id']);
      const { principal } = request;
      const scoped = principal && !principal.admin && principal.sessions !== '*' ? principal : undefined;
      const { sessionId } = request.query;
      if (scoped && sessionId !== undefined && !canSeeSession(scoped, sessionId))
        throw new AppError('SESSION_NOT_FOUND');
      reply.hijack();
      reply.raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      // HEAD runs this handler too: the stream's headers, then the end (a stream with no body would never end).
      if (request.method === 'HEAD') {
        reply.raw.end();
        return;
      }
      reply.raw.write(': stream open\n\n');
      const close = openLiveStream({
        sink: reply.raw,
        outbox,
        hub,
        sessionId,
        visible: scoped && ((id) => canSeeSession(scoped, id)),
        after,
        heartbeatMs,
        onError: (err) => request.log.error({ err }, 'event stream replay failed'),
      });
      open.add(close);
      const { socket } = request.raw;
      reply.raw.once('close', () => {
        open.delete(close);
        close();
        // A stream's connection is never reused: it goes with the stream.
        socket.destroy();
      });
    },
  );
};
