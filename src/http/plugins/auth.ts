import type { FastifyInstance } from 'fastify';
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

/**
 * The key headers, read from `rawHeaders` (name, value, name, value…). Reading `request.headers` would
 * build Node's header object for every request, which cost more than the key check itself; no other
 * step of a GET needs that object. Same rules as the object: the first `Authorization` wins, and a
 * repeated `X-API-Key` is refused (Node would join the values, which never verifies).
 */
function keyHeaders(rawHeaders: readonly string[]): { authorization?: string; apiKey?: string; apiKeyRepeated: boolean } {
  const found: { authorization?: string; apiKey?: string; apiKeyRepeated: boolean } = { apiKeyRepeated: false };
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    if (name.length === 13 && found.authorization === undefined && name.toLowerCase() === 'authorization') {
      found.authorization = rawHeaders[i + 1]!;
    } else if (name.length === 9 && name.toLowerCase() === 'x-api-key') {
      if (found.apiKey !== undefined) found.apiKeyRepeated = true;
      found.apiKey = rawHeaders[i + 1]!;
    }
  }
  return found;
}

/** Reads `Authorization: Bearer <key>` (the seed's header) or `X-API-Key`. Never from the URL. */
export function presentedKey(rawHeaders: readonly string[]): string | undefined {
  const { authorization, apiKey, apiKeyRepeated } = keyHeaders(rawHeaders);
  if (authorization !== undefined) {
    if (authorization.length <= BEARER.length || authorization.slice(0, BEARER.length).toLowerCase() !== BEARER) return undefined;
    const key = authorization.slice(BEARER.length).trim();
    return key.length > 0 && !/\s/.test(key) ? key : undefined;
  }
  return apiKeyRepeated ? undefined : apiKey;
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
    const key = presentedKey(request.raw.rawHeaders);
    done(key && options.verifyApiKey(key) ? undefined : new AppError('INVALID_API_KEY'));
  });
}
