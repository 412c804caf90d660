import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../../errors/app-error.ts';

export interface AuthOptions {
  /** Constant-time check of a presented key. */
  verifyApiKey: (presented: string) => boolean;
  /** URL path prefixes served without a key. */
  publicPrefixes: readonly string[];
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Served without an API key; set at registration from `publicPrefixes`, never per request. */
    public?: boolean;
  }
}

const BEARER = 'bearer ';

/** Reads `Authorization: Bearer <key>` (the seed's header) or `X-API-Key`. Never from the URL. */
function presentedKey(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header === 'string') {
    if (header.length <= BEARER.length || header.slice(0, BEARER.length).toLowerCase() !== BEARER) return undefined;
    const key = header.slice(BEARER.length).trim();
    return key.length > 0 && !/\s/.test(key) ? key : undefined;
  }
  const alt = request.headers['x-api-key'];
  return typeof alt === 'string' ? alt : undefined;
}

/**
 * Rejects every request without a valid API key, before routing work or body parsing happens.
 * Which routes are public is decided once per route (onRoute), so a request pays only the key check.
 * Unknown paths are not public: without a key they get 401, like every other protected path.
 */
export function registerAuth(app: FastifyInstance, options: AuthOptions): void {
  const isPublic = (url: string) => options.publicPrefixes.some((prefix) => url === prefix || url.startsWith(`${prefix}/`));
  app.addHook('onRoute', (route) => {
    if (isPublic(route.url)) route.config = { ...route.config, public: true };
  });
  app.addHook('onRequest', (request, _reply, done) => {
    if (request.routeOptions.config.public === true) return done();
    const key = presentedKey(request);
    done(key && options.verifyApiKey(key) ? undefined : new AppError('INVALID_API_KEY'));
  });
}
