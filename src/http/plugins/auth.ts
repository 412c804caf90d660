import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Scope } from '../../access/api-key-store.ts';
import { canSeeSession, type Principal } from '../../access/principal.ts';
import { AppError } from '../../errors/app-error.ts';
import type { RequestLimits } from './rate-limits.ts';
import { routeHooks } from './route-hooks.ts';

/** What a route needs: a scope of a key covering its `:sessionId`, or the admin key. */
export type RouteAccess = Scope | 'admin';

export interface AuthOptions {
  /** The principal behind a presented key (constant-time checks), or undefined for a wrong key. */
  authenticate: (presented: string) => Principal | undefined | Promise<Principal | undefined>;
  /** URL path prefixes served without a key. */
  publicPrefixes: readonly string[];
  limits: RequestLimits;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What the route needs; unset: the admin key (secure by default). */
    access?: RouteAccess;
  }
  interface FastifyRequest {
    /** Who sent the request; null on public routes. */
    principal: Principal | null;
  }
}

/** Routes registered after this call in `scope` need `access`, unless a route names its own. */
export function requireAccess(scope: { addHook: FastifyInstance['addHook'] }, access: RouteAccess): void {
  scope.addHook('onRoute', (route) => {
    route.config = { access, ...route.config };
  });
}

const BEARER = 'bearer ';

/**
 * The key headers, read from `rawHeaders` (name, value, name, value…). Reading `request.headers` would
 * build Node's header object for every request, which cost more than the key check itself; no other
 * step of a GET needs that object. Same rules as the object: the first `Authorization` wins, and a
 * repeated `X-API-Key` is refused (Node would join the values, which never verifies).
 */
function keyHeaders(rawHeaders: readonly string[]): {
  authorization?: string;
  apiKey?: string;
  apiKeyRepeated: boolean;
} {
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
    if (authorization.length <= BEARER.length || authorization.slice(0, BEARER.length).toLowerCase() !== BEARER)
      return undefined;
    const key = authorization.slice(BEARER.length).trim();
    return key.length > 0 && !/\s/.test(key) ? key : undefined;
  }
  return apiKeyRepeated ? undefined : apiKey;
}

/** Why `principal` may not make this request to a route that needs `access`, or undefined when it may. */
function refusal(request: FastifyRequest, principal: Principal, access: RouteAccess): AppError | undefined {
  // Unknown routes answer their 404 to any valid key.
  if (principal.admin || request.is404) return undefined;
  if (access === 'admin') return new AppError('ADMIN_KEY_REQUIRED');
  const { sessionId } = request.params as { sessionId?: string };
  // Before the scope: a session the key does not cover looks exactly like one that does not exist.
  if (sessionId !== undefined && !canSeeSession(principal, sessionId)) return new AppError('SESSION_NOT_FOUND');
  if (!principal.scopes.has(access)) return new AppError('MISSING_SCOPE', `this request needs the ${access} scope`);
  return undefined;
}

type Done = (err?: Error) => void;
type Hook = (request: FastifyRequest, reply: FastifyReply, done: Done) => void;

const limited = (reply: FastifyReply, seconds: number, error: AppError): AppError => {
  reply.header('retry-after', String(seconds));
  return error;
};

/**
 * Rejects every request without a valid API key, before routing work or body parsing happens, then
 * applies the key's rate limit and its scopes. Which routes are public is decided once per route
 * (onRoute): a protected route gets the check as its first own hook (see route-hooks.ts), a public one
 * none. The admin key without a rate limit pays only the key check, without a promise. Unknown paths
 * are not public: without a key they get 401, like every other protected path.
 */
export function registerAuth(app: FastifyInstance, options: AuthOptions): void {
  const { limits } = options;
  const isPublic = (url: string) =>
    options.publicPrefixes.some((prefix) => url === prefix || url.startsWith(`${prefix}/`));
  app.decorateRequest('principal', null);

  const refuseKey = (request: FastifyRequest, reply: FastifyReply, done: Done) => {
    // Only failures count against the address, so its valid keys are still served.
    limits
      .failedAuthentication(request)
      .then(
        (wait) =>
          done(
            wait === undefined
              ? new AppError('INVALID_API_KEY')
              : limited(reply, wait, new AppError('TOO_MANY_FAILED_LOGINS')),
          ),
        done,
      );
  };
  const admit = (
    request: FastifyRequest,
    reply: FastifyReply,
    principal: Principal | undefined,
    done: Done,
    access: RouteAccess,
  ) => {
    if (!principal) return refuseKey(request, reply, done);
    request.principal = principal;
    if (principal.rateLimitPerMinute === null) return done(refusal(request, principal, access));
    limits
      .keyRequest(request)
      .then(
        (wait) =>
          done(
            wait === undefined
              ? refusal(request, principal, access)
              : limited(reply, wait, new AppError('RATE_LIMITED')),
          ),
        done,
      );
  };
  const check = (request: FastifyRequest, reply: FastifyReply, done: Done, access: RouteAccess) => {
    const key = presentedKey(request.raw.rawHeaders);
    const principal = key === undefined ? undefined : options.authenticate(key);
    if (principal instanceof Promise) {
      principal.then((found) => admit(request, reply, found, done, access), done);
      return;
    }
    admit(request, reply, principal, done, access);
  };

  app.addHook('onRoute', (route) => {
    if (isPublic(route.url)) {
      // In OpenAPI too: no key needed.
      if (route.schema) route.schema = { ...route.schema, security: [] };
      return;
    }
    // Read once, at the first request: hooks of inner scopes (requireAccess) set it after this one runs.
    let access: RouteAccess | undefined;
    const hook: Hook = (request, reply, done) =>
      check(request, reply, done, (access ??= route.config?.access ?? 'admin'));
    route.onRequest = [hook, ...routeHooks(route.onRequest)];
  });
  app.addHook('onRequest', (request, reply, done) => (request.is404 ? check(request, reply, done, 'admin') : done()));
}

/** The items of a list that the request's key may see (all of them for the admin key). */
export function visibleSessions<T extends { readonly record: { readonly sessionId: string } }>(
  request: FastifyRequest,
  items: readonly T[],
): readonly T[] {
  const { principal } = request;
  if (!principal || principal.admin || principal.sessions === '*') return items;
  return items.filter((item) => canSeeSession(principal, item.record.sessionId));
}
