import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, isAppError } from '../../errors/app-error.ts';
import type { ErrorCode } from '../../errors/catalogue.ts';

/** Fastify's own error codes, mapped into our catalogue. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_CTP_BODY_TOO_LARGE: 'BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'VALIDATION_FAILED',
};

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Catalogue code used when this route fails unexpectedly (the seed fixes one for reads). */
    failureCode?: ErrorCode;
  }
}

/** Routes registered after this call in `scope` fail unexpectedly with `code`, unless a route names its own. */
export function failUnexpectedlyWith(scope: { addHook: FastifyInstance['addHook'] }, code: ErrorCode): void {
  scope.addHook('onRoute', (route) => {
    route.config = { failureCode: code, ...route.config };
  });
}

function toAppError(err: FastifyError, request: FastifyRequest): AppError {
  if (isAppError(err)) return err;
  if (err.validation) return new AppError('VALIDATION_FAILED', `${err.validationContext ?? 'request'} ${err.message}`);
  const mapped = err.code ? FASTIFY_CODES[err.code] : undefined;
  if (mapped) return new AppError(mapped);
  if (err instanceof SyntaxError) return new AppError('MALFORMED_JSON');
  const failure = request.routeOptions.config.failureCode ?? 'INTERNAL';
  return new AppError(failure, `unexpected error (request ${request.id}); see the gateway log`);
}

type ErrorBody = { success: false; message: string; code: string; error?: string };

/** The seed's error envelope for an AppError (also for routes that answer an expected error themselves). */
export function errorEnvelope(appError: AppError): ErrorBody {
  const body: ErrorBody = { success: false, message: appError.message, code: appError.code };
  if (appError.detail) body.error = appError.detail;
  return body;
}

/**
 * Fastify's `frameworkErrors`: errors raised before routing (a URL with broken percent-encoding), which would
 * otherwise be answered outside the seed's envelope.
 */
export function answerFrameworkError(err: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const error = err.code === 'FST_ERR_BAD_URL'
    ? new AppError('MALFORMED_URL', 'the path is not valid percent-encoded UTF-8')
    : new AppError('INTERNAL', 'request could not be routed; see the gateway log');
  void reply.status(error.status).send(errorEnvelope(error));
}

/** The one place where errors become HTTP responses, always in the seed's envelope. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const appError = toAppError(err, request);
    if (appError.status >= 500) request.log.error({ err }, 'request failed');
    return reply.status(appError.status).send(errorEnvelope(appError));
  });
  app.setNotFoundHandler((request, reply) => {
    const error = new AppError('ROUTE_NOT_FOUND', `${request.method} ${request.url.split('?', 1)[0]}`);
    return reply.status(error.status).send(errorEnvelope(error));
  });
}
