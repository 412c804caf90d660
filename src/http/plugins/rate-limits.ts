import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';

export interface RateLimitOptions {
  /** Failed authentications per client address and window, before further failures answer 429. */
  authFailureLimit: number;
  authFailureWindowMs: number;
}

/** Both answer the seconds to wait (the Retry-After) when the request is over its limit, else undefined. */
export interface RequestLimits {
  /** Counts one failed authentication of the request's client address (`request.ip`, see TRUST_PROXY). */
  failedAuthentication(request: FastifyRequest): Promise<number | undefined>;
  /** Counts one request of `request.principal` (set, with a limit) against its `rateLimitPerMinute`. */
  keyRequest(request: FastifyRequest): Promise<number | undefined>;
}

type LimitResult = { isAllowed: true } | { isAllowed: false; isExceeded: boolean; ttlInSeconds: number };

const retryAfter = (result: LimitResult): number | undefined =>
  result.isAllowed || !result.isExceeded ? undefined : Math.max(1, result.ttlInSeconds);

/**
 * The two limits of issue 15, both counted by @fastify/rate-limit (its in-process LRU store; a shared
 * store for a cluster is issue 16's). Not a global hook: the auth hook asks, so that only failed
 * authentications count against an address and a valid key is served while its address is limited.
 */
export async function registerRequestLimits(app: FastifyInstance, options: RateLimitOptions): Promise<RequestLimits> {
  await app.register(rateLimit, { global: false });
  // The plugin's default key: the client address (IPv6 grouped by /64).
  const failures = app.createRateLimit({ max: options.authFailureLimit, timeWindow: options.authFailureWindowMs });
  const keyRequests = app.createRateLimit({
    timeWindow: 60_000,
    // Never an address: a key's id with a prefix no address has.
    keyGenerator: (request) => `key:${request.principal?.id ?? ''}`,
    max: (request) => request.principal?.rateLimitPerMinute ?? 0,
  });
  return {
    failedAuthentication: async (request) => retryAfter(await failures(request)),
    keyRequest: async (request) => retryAfter(await keyRequests(request)),
  };
}
