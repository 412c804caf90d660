import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../errors/app-error.ts';
import { dashboardBundle, type DashboardAsset } from '../dashboard/dashboard-assets.ts';

/**
 * The page loads only its own script and stylesheet and talks only to this gateway; QR codes arrive as
 * data: URLs from the API.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The encodings a client accepts (q=0 means refused). */
function acceptedEncodings(header: string | undefined): Set<string> {
  const accepted = new Set<string>();
  for (const part of (header ?? '').split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    const refused = params.some((param) => /^\s*q=0(\.0*)?\s*$/.test(param));
    if (name && !refused) accepted.add(name);
  }
  return accepted;
}

function sendAsset(request: FastifyRequest, reply: FastifyReply, file: DashboardAsset, cacheControl: string) {
  reply
    .header('content-type', file.contentType)
    .header('cache-control', cacheControl)
    .header('etag', file.etag)
    .header('vary', 'accept-encoding')
    .header('x-content-type-options', 'nosniff');
  if (request.headers['if-none-match'] === file.etag) return reply.status(304).send();
  const accepted = acceptedEncodings(request.headers['accept-encoding']);
  if (accepted.has('br')) return reply.header('content-encoding', 'br').send(file.brotli);
  if (accepted.has('gzip')) return reply.header('content-encoding', 'gzip').send(file.gzip);
  return reply.send(file.identity);
}

/** `GET /dashboard` (public: the page holds no data; every API call it makes needs the key) and its assets. */
export const dashboardRoutes: FastifyPluginAsync = async (app) => {
  // Build when the server starts listening, so the first visitor does not wait for esbuild; inject-only
  // test apps never build it.
  app.addHook('onListen', async () => {
    dashboardBundle().catch((err: unknown) => app.log.error({ err }, 'dashboard build failed'));
  });

  const schema = { hide: true };
  const page = async (request: FastifyRequest, reply: FastifyReply) => {
    const { page: html } = await dashboardBundle();
    reply.header('content-security-policy', CONTENT_SECURITY_POLICY).header('referrer-policy', 'no-referrer');
    return sendAsset(request, reply, html, 'no-cache');
  };
  app.get('/dashboard', { schema }, page);
  app.get('/dashboard/', { schema }, page);

  app.get<{ Params: { name: string } }>('/dashboard/assets/:name', { schema }, async (request, reply) => {
    const file = (await dashboardBundle()).assets.get(request.params.name);
    if (!file) throw new AppError('ROUTE_NOT_FOUND', `GET /dashboard/assets/${request.params.name}`);
    return sendAsset(request, reply, file, 'public, max-age=31536000, immutable');
  });
};
