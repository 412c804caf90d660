import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { AppError } from '../../errors/app-error.ts';
import { normalisePhone } from '../../shared/phone-number.ts';
import type { SessionManager } from '../../sessions/session-manager.ts';
import { errorResponses, ItemEnvelope } from '../schemas/envelope.ts';
import {
  CreateSessionBody,
  PairingCodeBody,
  PairingCodeSchema,
  SessionBasicSchema,
  SessionIdParams,
} from '../schemas/session-schemas.ts';
import { presentBasic } from '../presenters/session-presenter.ts';
import { requireAccess } from '../plugins/auth.ts';
import { failUnexpectedlyWith } from '../plugins/errors.ts';

/** Session lifecycle endpoints, beside the seed's reads and in the same envelope. */
export const sessionCommandRoutes: FastifyPluginAsyncTypebox<{ manager: SessionManager }> = async (
  app,
  { manager },
) => {
  failUnexpectedlyWith(app, 'SESSION_COMMAND_FAILED');
  requireAccess(app, 'manage');
  const tags = ['session lifecycle'];
  const itemResponse = { 200: ItemEnvelope(SessionBasicSchema), ...errorResponses };

  app.post(
    '/sessions',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Create and start a session',
        body: CreateSessionBody,
        response: { 201: ItemEnvelope(SessionBasicSchema), ...errorResponses },
      },
    },
    async (request, reply) => {
      const data = presentBasic(await manager.create(request.body.sessionId));
      return reply.status(201).send({ success: true as const, message: 'Session created successfully', data });
    },
  );

  const commands = [
    { path: 'start', run: (id: string) => manager.start(id), done: 'started', summary: 'Start a stopped session' },
    {
      path: 'stop',
      run: (id: string) => manager.stop(id),
      done: 'stopped',
      summary: 'Stop a session (it stays stopped across restarts)',
    },
    {
      path: 'restart',
      run: (id: string) => manager.restart(id),
      done: 'restarted',
      summary: 'Close and reopen the connection',
    },
    {
      path: 'logout',
      run: (id: string) => manager.logout(id),
      done: 'logged out',
      summary: 'Unlink the device on WhatsApp; keep the session row',
    },
  ] as const;
  for (const { path, run, done, summary } of commands) {
    app.post(
      `/sessions/:sessionId/${path}`,
      { schema: { tags, summary, params: SessionIdParams, response: itemResponse } },
      async (request) => {
        const data = presentBasic(await run(request.params.sessionId));
        return { success: true as const, message: `Session ${done} successfully`, data };
      },
    );
  }

  app.delete(
    '/sessions/:sessionId',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Log out if linked, then delete everything',
        params: SessionIdParams,
        response: { 200: Type.Object({ success: Type.Literal(true), message: Type.String() }), ...errorResponses },
      },
    },
    async (request) => {
      await manager.remove(request.params.sessionId);
      return { success: true as const, message: 'Session deleted successfully' };
    },
  );

  app.post(
    '/sessions/:sessionId/pairing-code',
    {
      schema: {
        tags,
        summary: 'Link by 8-character pairing code instead of QR',
        params: SessionIdParams,
        body: PairingCodeBody,
        response: { 200: ItemEnvelope(PairingCodeSchema), ...errorResponses },
      },
    },
    async (request) => {
      const { sessionId } = request.params;
      const phoneNumber = normalisePhone(request.body.phoneNumber);
      if (!phoneNumber) {
        throw new AppError('INVALID_PHONE_NUMBER', 'use the country code and number, digits only, e.g. 6283876013551');
      }
      const code = await manager.requestPairingCode(sessionId, phoneNumber);
      return { success: true as const, message: 'Pairing code requested successfully', data: { sessionId, code } };
    },
  );
};
