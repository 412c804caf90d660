import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
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

/** A client error a plugin or Fastify raised with its own 4xx status, by that status (the status is kept). */
const CLIENT_STATUS_CODES: Record<number, ErrorCode> = {
  403: 'FORBIDDEN_PATH',
  404: 'ROUTE_NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  408: 'REQUEST_TIMEOUT',
  413: 'BODY_TOO_LARGE',
  414: 'URL_TOO_LONG',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  431: 'HEADERS_TOO_LARGE',
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
  // Framework errors (before routing) have no route config yet.
  if (isAppError(err)) return err;
  if (err.validation) return new AppError('VALIDATION_FAILED', `${err.validationContext ?? 'request'} ${err.message}`);
  const mapped = err.code ? FASTIFY_CODES[err.code] : undefined;
  if (mapped) return new AppError(mapped);
  if (err instanceof SyntaxError) return new AppError('MALFORMED_JSON');
  // The error already says it is the client's (e.g. @fastify/static's 403 for `..`, a body cut off): keep it a 4xx.
  if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
    return new AppError(CLIENT_STATUS_CODES[err.statusCode] ?? 'MALFORMED_REQUEST');
  }
  const failure = request.routeOptions?.config?.failureCode ?? 'INTERNAL';
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
export function answerFrameworkError(err: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const error =
    err.code === 'FST_ERR_BAD_URL'
      ? new AppError('MALFORMED_URL', 'the path is not valid percent-encoded UTF-8')
      : toAppError(err, request);
  if (error.status >= 500) request.log.error({ err }, 'request could not be routed');
  void reply.status(error.status).send(errorEnvelope(error));
}

/** A path as it may be quoted back: at most 200 characters, anything outside plain URL characters escaped. */
function quotedPath(url: string): string {
  const path = (url.split('?', 1)[0] ?? '').slice(0, 200);
  return path.replace(/[^\w\-./~%:@!$&'()*+,;=]/g, (c) => encodeURIComponent(c));
}

/** The client went away mid-request (a body cut off): not the gateway's failure, and no stack is worth logging. */
const isAbort = (err: FastifyError, request: FastifyRequest): boolean =>
  err.code === 'ECONNRESET' || err.code === 'ECONNABORTED' || request.raw.socket?.destroyed === true;

/** Node's errors for requests that never reached Fastify (header overflow, request timeout, bad HTTP). */
const CLIENT_ERROR_CODES: Record<string, ErrorCode> = {
  HPE_HEADER_OVERFLOW: 'HEADERS_TOO_LARGE',
  ERR_HTTP_REQUEST_TIMEOUT: 'REQUEST_TIMEOUT',
  HPE_URI_TOO_LONG: 'URL_TOO_LONG',
};

/**
 * Fastify's `clientErrorHandler`: Node rejects these before any route, and would answer outside the seed's
 * envelope. The answer is written on the raw socket, then the connection is closed.
 */
export function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  answerOnSocket(socket, new AppError(CLIENT_ERROR_CODES[err.code ?? ''] ?? 'MALFORMED_REQUEST'));
}

/** Writes the envelope for `error` straight onto a socket and closes it (no request object to answer with). */
function answerOnSocket(socket: Duplex, error: AppError): void {
  const body = JSON.stringify(errorEnvelope(error));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? 'Error'}\r\n` +
        `content-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
        `connection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

const BODYLESS_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'TRACE']);

/**
 * A request whose body has not fully arrived `timeoutMs` after it began is answered 408 and its connection
 * closed, so a partial body cannot hold a handler open. Bodyless requests (an /events stream, the QR wait)
 * are complete at once and never cut off by this.
 */
export function registerRequestTimeout(app: FastifyInstance, timeoutMs: number): void {
  app.addHook('onRequest', (request, reply, done) => {
    const { raw } = request;
    // Fastify runs GET, HEAD and TRACE handlers without reading a body, so only the other methods need
    // the timer (at this hook `raw.complete` is still false even for a bodyless GET).
    if (raw.complete || BODYLESS_METHODS.has(request.method)) return done();
    const timer = setTimeout(() => {
      if (raw.complete || reply.raw.headersSent) return;
      request.log.info({ timeoutMs }, 'request body did not arrive in time');
      answerOnSocket(raw.socket, new AppError('REQUEST_TIMEOUT', `the request did not arrive within ${timeoutMs} ms`));
    }, timeoutMs);
    const clear = () => clearTimeout(timer);
    raw.once('end', clear);
    raw.once('close', clear);
    reply.raw.once('finish', clear);
    done();
  });
}

/** The one place where errors become HTTP responses, always in the seed's envelope. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (isAbort(err, request)) {
      request.log.info({ code: err.code, url: quotedPath(request.url) }, 'request aborted by the client');
    }
    const appError = toAppError(err, request);
    if (appError.status >= 500) request.log.error({ err }, 'request failed');
    return reply.status(appError.status).send(errorEnvelope(appError));
  });
  app.setNotFoundHandler((request, reply) => {
    const error = new AppError('ROUTE_NOT_FOUND', `${request.method.slice(0, 20)} ${quotedPath(request.url)}`);
    return reply.status(error.status).send(errorEnvelope(error));
  });
}
