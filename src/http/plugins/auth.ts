import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../../errors/app-error.ts';

export interface AuthOptions {
  /** Constant-time check of a presented key. */
  verifyApiKey: (presented: string) => boolean;
  /** URL path prefixes served without a key. */
  publicPrefixes: readonly string[];
}

/** Reads `Authorization: Bearer <key>` (the seed's header) or `X-API-Key`. Never from the URL. */
function presentedKey(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header === 'string') {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    return match?.[1];
  }
  const alt = request.headers['x-api-key'];
  return typeof alt === 'string' ? alt : undefined;
}

/** Rejects every request without a valid API key, before routing work or body parsing happens. */
export function registerAuth(app: FastifyInstance, options: AuthOptions): void {
  app.addHook('onRequest', async (request) => {
    const path = request.url.split('?', 1)[0] ?? '';
    if (options.publicPrefixes.some((prefix) => path === prefix || path.startsWith(`${prefix}/`))) return;
    const key = presentedKey(request);
    if (!key || !options.verifyApiKey(key)) throw new AppError('INVALID_API_KEY');
  });
}
