import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { SessionManager } from '../../sessions/session-manager.ts';
import { STATUS_HISTORY_KEPT } from '../../sessions/session-record-store.ts';
import { listEnvelopeText, sendJsonText } from '../presenters/envelope-text.ts';
import { errorResponses, ItemEnvelope, ListEnvelope } from '../schemas/envelope.ts';
import {
  SessionBasicSchema,
  SessionCredentialsSchema,
  SessionIdParams,
  SessionStatusSchema,
} from '../schemas/session-schemas.ts';
import { itemAnswer, itemText, presentStatus, viewJson } from '../presenters/session-presenter.ts';
import { requireAccess, visibleSessions } from '../plugins/auth.ts';

const config = { failureCode: 'FETCH_FAILED' } as const;

/** The seed's read endpoints, exactly as specified. */
export const sessionQueryRoutes: FastifyPluginAsyncTypebox<{ manager: SessionManager }> = async (app, { manager }) => {
  requireAccess(app, 'read');
  const tags = ['sessions'];
  const lists = [
    { url: '/sessions', filter: 'active', what: 'Active sessions' },
    { url: '/sessions/connected', filter: 'connected', what: 'Connected sessions' },
    { url: '/sessions/all', filter: 'all', what: 'All sessions' },
  ] as const;

  for (const { url, filter, what } of lists) {
    const basicList = listEnvelopeText(`${what} retrieved successfully`);
    app.get(
      url,
      {
        config,
        schema: {
          tags,
          summary: `${what} (basic)`,
          response: { 200: ListEnvelope(SessionBasicSchema), ...errorResponses },
        },
      },
      (request, reply) =>
        sendJsonText(
          reply,
          manager.peekList(filter),
          () => manager.list(filter),
          (views) =>
            manager.reads.listText(visibleSessions(request, views), url, (shown) =>
              basicList(shown.map((view) => viewJson(manager.reads, reply, view, 'basic'))),
            ),
        ),
    );
    if (filter === 'active') continue;
    const credentialsList = listEnvelopeText(`${what} with credentials retrieved successfully`);
    app.get(
      `${url}/credentials`,
      {
        config,
        schema: {
          tags,
          summary: `${what} with credentials`,
          response: { 200: ListEnvelope(SessionCredentialsSchema), ...errorResponses },
        },
      },
      (request, reply) =>
        sendJsonText(
          reply,
          manager.peekList(filter),
          () => manager.list(filter),
          (views) =>
            manager.reads.listText(visibleSessions(request, views), `${url}/credentials`, (shown) =>
              credentialsList(shown.map((view) => viewJson(manager.reads, reply, view, 'credentials'))),
            ),
        ),
    );
  }

  const basicItem = itemAnswer('basic', 'Session retrieved successfully');
  app.get(
    '/sessions/:sessionId',
    {
      config,
      schema: {
        tags,
        summary: 'One session (basic)',
        params: SessionIdParams,
        response: { 200: ItemEnvelope(SessionBasicSchema), ...errorResponses },
      },
    },
    ({ params: { sessionId } }, reply) =>
      sendJsonText(
        reply,
        manager.peek(sessionId),
        () => manager.get(sessionId),
        (view) => itemText(manager.reads, reply, view, basicItem),
      ),
  );

  const credentialsItem = itemAnswer('credentials', 'Session credentials retrieved successfully');
  app.get(
    '/sessions/:sessionId/credentials',
    {
      config,
      schema: {
        tags,
        summary: 'One session with credentials',
        params: SessionIdParams,
        response: { 200: ItemEnvelope(SessionCredentialsSchema), ...errorResponses },
      },
    },
    ({ params: { sessionId } }, reply) =>
      sendJsonText(
        reply,
        manager.peek(sessionId),
        () => manager.get(sessionId),
        (view) => itemText(manager.reads, reply, view, credentialsItem),
      ),
  );

  app.get(
    '/sessions/:sessionId/status',
    {
      config,
      schema: {
        tags,
        summary: 'Live status and status history',
        params: SessionIdParams,
        response: { 200: ItemEnvelope(SessionStatusSchema), ...errorResponses },
      },
    },
    async (request) => {
      const { sessionId } = request.params;
      const view = await manager.get(sessionId);
      const data = presentStatus(view, await manager.history(sessionId, STATUS_HISTORY_KEPT));
      return { success: true as const, message: 'Session status retrieved successfully', data };
    },
  );
};
