import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { SimError } from '../sim-error.ts';

/** A parsed control request. */
export interface ControlRequest {
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  /** Parsed JSON body (an object), `{}` when there was none. */
  readonly body: Readonly<Record<string, unknown>>;
}

/** A handler's answer; `status` defaults to 200. */
export interface ControlResponse {
  readonly status?: number;
  readonly body: unknown;
}

export type ControlHandler = (request: ControlRequest) => ControlResponse | Promise<ControlResponse>;

interface Route {
  readonly method: string;
  readonly segments: readonly string[];
  readonly handler: ControlHandler;
}

const MAX_BODY = 1024 * 1024;

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_BODY) throw new SimError('bad-input', 'request body too large');
    chunks.push(buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (!text) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new SimError('bad-input', 'request body is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new SimError('bad-input', 'request body must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}

function match(route: Route, segments: readonly string[]): Record<string, string> | undefined {
  if (route.segments.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, pattern] of route.segments.entries()) {
    const actual = segments[i] ?? '';
    if (pattern.startsWith(':')) params[pattern.slice(1)] = decodeURIComponent(actual);
    else if (pattern !== actual) return undefined;
  }
  return params;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

/** The JSON control API under a prefix (`/sim`); features register their routes on it. */
export class ControlRouter {
  readonly #routes: Route[] = [];
  readonly #prefix: string;
  readonly #logger: Logger;

  constructor(prefix: string, logger: Logger) {
    this.#prefix = prefix;
    this.#logger = logger;
  }

  /** Registers `METHOD /path/:param` (path relative to the prefix). */
  route(method: string, path: string, handler: ControlHandler): this {
    this.#routes.push({ method: method.toUpperCase(), segments: path.split('/').filter(Boolean), handler });
    return this;
  }

  /** Whether a request path belongs to this API. */
  owns(pathname: string): boolean {
    return pathname === this.#prefix || pathname.startsWith(`${this.#prefix}/`);
  }

  /** Serves one request; SimErrors become 4xx, anything else a fixed 500. Never throws. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const segments = url.pathname.slice(this.#prefix.length).split('/').filter(Boolean);
      const candidates = this.#routes.map((route) => ({ route, params: match(route, segments) }));
      const found = candidates.find((c) => c.params && c.route.method === req.method);
      if (!found?.params) {
        const known = candidates.some((c) => c.params);
        send(res, known ? 405 : 404, { success: false, message: known ? 'method not allowed' : 'no such route' });
        return;
      }
      const body = req.method === 'GET' || req.method === 'DELETE' ? {} : await readJson(req);
      const answer = await found.route.handler({ params: found.params, query: url.searchParams, body });
      send(res, answer.status ?? 200, answer.body);
    } catch (err) {
      if (err instanceof SimError) {
        send(res, err.status, { success: false, message: err.message });
        return;
      }
      this.#logger.error({ err }, 'sim control request failed');
      send(res, 500, { success: false, message: 'internal simulator error' });
    }
  }
}
