import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import QRCode from 'qrcode';
import type { SessionManager } from '../../sessions/session-manager.ts';
import { errorResponses, ItemEnvelope } from '../schemas/envelope.ts';
import { QR_WAIT_DEFAULT_MS, QrQuery, QrSchema, SessionIdParams } from '../schemas/session-schemas.ts';

/** PNG only when the client asks for it and does not also accept JSON. */
const wantsPng = (accept: string | undefined): boolean =>
  accept !== undefined && accept.includes('image/png') && !accept.includes('application/json');

/**
 * `GET /sessions/:id/qr`: JSON with the raw string and a data URL, or the PNG itself on `Accept: image/png`.
 * A session that is still connecting towards its first QR is waited for (`?waitMs=`), so create-then-read works.
 */
export const sessionQrRoutes: FastifyPluginAsyncTypebox<{ manager: SessionManager }> = async (app, { manager }) => {
  // A waiting read must not hold up a graceful stop: closing the server ends every wait (409, reason given).
  const closing = new AbortController();
  app.addHook('preClose', async () => closing.abort('the gateway is shutting down'));
  app.get(
    '/sessions/:sessionId/qr',
    {
      config: { failureCode: 'FETCH_FAILED', access: 'read' },
      schema: {
        tags: ['sessions'],
        summary: 'Current QR code of a session waiting to be linked',
        description:
          'A session that is still connecting (just created or started) is given up to `waitMs` ' +
          `(default ${QR_WAIT_DEFAULT_MS} ms) to show its first QR code. A session for which no QR is coming ` +
          '(linked, stopped, logged out) answers 409 at once, as does one whose QR did not come in time.',
        params: SessionIdParams,
        querystring: QrQuery,
        response: { 200: ItemEnvelope(QrSchema), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { sessionId } = request.params;
      const waitMs = request.query.waitMs === undefined ? QR_WAIT_DEFAULT_MS : Number(request.query.waitMs);
      const qr = await manager.qr(sessionId, waitMs, closing.signal);
      if (wantsPng(request.headers.accept)) {
        const png = await QRCode.toBuffer(qr, { type: 'png', margin: 2, width: 320 });
        // A Buffer bypasses the JSON response schema; the untyped reply says so.
        return (reply as FastifyReply).type('image/png').header('cache-control', 'no-store').send(png);
      }
      const qrImage = await QRCode.toDataURL(qr, { margin: 2, width: 320 });
      return { success: true as const, message: 'QR code retrieved successfully', data: { sessionId, qr, qrImage } };
    },
  );
};
