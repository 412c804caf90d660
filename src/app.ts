import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Logger } from 'pino';
import type { ApiKeys } from './access/api-keys.ts';
import type { Principal } from './access/principal.ts';
import type { EventHub } from './events/event-hub.ts';
import type { OutboxStore } from './events/event-store.ts';
import type { WebhookService } from './events/webhook-service.ts';
import type { IdempotentSends } from './messages/idempotent-sends.ts';
import type { MessagingService } from './messages/messaging-service.ts';
import type { GatewayMetrics } from './operations/gateway-metrics.ts';
import type { Readiness } from './operations/readiness.ts';
import type { SessionManager } from './sessions/session-manager.ts';
import { registerAuth } from './http/plugins/auth.ts';
import {
  answerClientError,
  answerFrameworkError,
  registerErrorHandling,
  registerRequestTimeout,
} from './http/plugins/errors.ts';
import { metricsRoutes, registerRequestTiming } from './http/plugins/metrics.ts';
import { requestChildLogger } from './http/plugins/request-logger.ts';
import { registerOpenApi } from './http/plugins/openapi.ts';
import { registerRequestLimits, type RateLimitOptions } from './http/plugins/rate-limits.ts';
import { apiKeyRoutes } from './http/routes/api-key-routes.ts';
import { dashboardRoutes } from './http/routes/dashboard-routes.ts';
import { eventStreamRoutes } from './http/routes/event-stream.ts';
import { frontDoorRoutes } from './http/routes/front-door.ts';
import { healthRoutes } from './http/routes/health.ts';
import { messageRoutes } from './http/routes/message-routes.ts';
import { readinessRoutes } from './http/routes/readiness.ts';
import { sessionCommandRoutes } from './http/routes/session-commands.ts';
import { sessionQrRoutes } from './http/routes/session-qr.ts';
import { sessionQueryRoutes } from './http/routes/session-queries.ts';
import { sessionWebhookRoutes } from './http/routes/session-webhook.ts';
import { webhookDeliveryRoutes } from './http/routes/webhook-deliveries.ts';

/** Webhooks, deliveries and the live stream; without them those routes are not mounted. */
export interface AppEventDeps {
  webhooks: WebhookService;
  outbox: OutboxStore;
  hub: EventHub;
  /** SSE heartbeat comment interval. */
  heartbeatMs: number;
}

export interface AppDeps {
  manager: SessionManager;
  logger: Logger;
  /** The admin key's check; used alone (admin key only, unlimited) when `apiKeys` is not given. */
  verifyApiKey: (presented: string) => boolean;
  /** Scoped keys and `/api-keys`; without it those routes are not mounted. */
  apiKeys?: ApiKeys;
  /** Default: 50 failed authentications per address and minute. */
  rateLimits?: RateLimitOptions;
  /** Fastify's `trustProxy` (TRUST_PROXY): decides `request.ip`, the address failed authentications count against. */
  trustProxy?: boolean | number | string;
  bodyLimitBytes: number;
  /** A request must arrive whole (headers and body) within this; default 30 s. */
  requestTimeoutMs?: number;
  messaging: MessagingService;
  /** Idempotency-Key on sends. */
  idempotency?: IdempotentSends;
  mediaMaxBytes: number;
  version: string;
  events?: AppEventDeps;
  /** Request durations and `GET /metrics`; without it neither is there. */
  metrics?: GatewayMetrics;
  /** `GET /ready`; without it the route is not mounted. */
  readiness?: Readiness;
}

const DEFAULT_RATE_LIMITS: RateLimitOptions = { authFailureLimit: 50, authFailureWindowMs: 60_000 };
const ADMIN_ONLY: Principal = Object.freeze({ admin: true, id: 'admin', rateLimitPerMinute: null });

/** Builds the HTTP API around a session manager; used by main.ts and by tests (through inject or listen). */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    childLoggerFactory: (logger, bindings, options) =>
      requestChildLogger(logger as Logger, bindings, options) as FastifyBaseLogger,
    bodyLimit: deps.bodyLimitBytes,
    // Unknown fields and wrong types are rejected with 400 rather than silently dropped or coerced.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
    frameworkErrors: answerFrameworkError,
    clientErrorHandler: answerClientError,
    // A hop count is Fastify's number form; the types list only the others.
    trustProxy: (deps.trustProxy ?? false) as boolean | string,
  }).withTypeProvider<TypeBoxTypeProvider>();

  registerErrorHandling(app);
  registerRequestTimeout(app, deps.requestTimeoutMs ?? 30_000);
  // '/' is public as an exact path only: it is the front door's redirect.
  const publicPrefixes = ['/', '/health', '/ready', '/docs', '/openapi.json', '/dashboard'];
  const limits = await registerRequestLimits(app, deps.rateLimits ?? DEFAULT_RATE_LIMITS);
  const { apiKeys, verifyApiKey } = deps;
  const authenticate = apiKeys
    ? (presented: string) => apiKeys.authenticate(presented)
    : (presented: string) => (verifyApiKey(presented) ? ADMIN_ONLY : undefined);
  registerAuth(app, { authenticate, publicPrefixes, limits });
  // Before every route, so each one gets its duration cells when it is added.
  if (deps.metrics) registerRequestTiming(app, deps.metrics);
  await registerOpenApi(app, deps.version);
  await app.register(frontDoorRoutes);
  await app.register(healthRoutes);
  if (deps.readiness) await app.register(readinessRoutes, { readiness: deps.readiness });
  if (deps.metrics) await app.register(metricsRoutes, { metrics: deps.metrics });
  await app.register(dashboardRoutes);
  await app.register(sessionQueryRoutes, { manager: deps.manager });
  await app.register(sessionQrRoutes, { manager: deps.manager });
  await app.register(sessionCommandRoutes, { manager: deps.manager });
  await app.register(messageRoutes, {
    messaging: deps.messaging,
    mediaMaxBytes: deps.mediaMaxBytes,
    idempotency: deps.idempotency,
  });
  if (apiKeys) await app.register(apiKeyRoutes, { apiKeys });
  if (deps.events) {
    await app.register(sessionWebhookRoutes, { webhooks: deps.events.webhooks });
    await app.register(webhookDeliveryRoutes, { webhooks: deps.events.webhooks });
    await app.register(eventStreamRoutes, deps.events);
  }
  return app;
}
