import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  /** The request path, e.g. `/hook`. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  // Parsed JSON from the wire; tests assert its fields one by one.
  json: any;
  receivedAt: number;
}

/** Decides the status for a request (default 200). */
export type Responder = (hook: ReceivedWebhook) => number;

/**
 * A real HTTP receiver on 127.0.0.1. It can be taken down and brought back on the same port, and keeps
 * every request it answered (whatever the status) in `received`; `accepted` holds the 2xx ones.
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  readonly accepted: ReceivedWebhook[] = [];
  respond: Responder = () => 200;
  #server: Server | undefined;
  #port = 0;
  readonly #waiters = new Set<() => void>();

  get port(): number {
    return this.#port;
  }

  url(path = '/hook'): string {
    return `http://127.0.0.1:${this.#port}${path}`;
  }

  async start(): Promise<this> {
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(body);
        } catch {
          json = undefined;
        }
        const hook: ReceivedWebhook = {
          url: request.url ?? '',
          headers: request.headers,
          body,
          json,
          receivedAt: performance.now(),
        };
        const status = this.respond(hook);
        this.received.push(hook);
        if (status >= 200 && status < 300) this.accepted.push(hook);
        response.writeHead(status, { 'content-type': 'text/plain' }).end('ok');
        for (const wake of this.#waiters) wake();
      });
    });
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.#port, '127.0.0.1', () => resolve());
    });
    this.#port = (server.address() as AddressInfo).port;
    this.#server = server;
    return this;
  }

  /** Refuses connections from now on (the port stays reserved for start()). */
  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Waits (bounded) until `predicate` holds over the accepted webhooks. */
  async waitFor(
    predicate: (accepted: readonly ReceivedWebhook[]) => boolean,
    timeoutMs = 15_000,
    what = 'webhooks',
  ): Promise<void> {
    if (predicate(this.accepted)) return;
    await new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!predicate(this.accepted)) return;
        cleanup();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new Error(
            `timed out waiting for ${what}; accepted ${this.accepted.length}, received ${this.received.length}`,
          ),
        );
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.#waiters.delete(check);
      };
      this.#waiters.add(check);
    });
  }
}

/**
 * Checks a Standard Webhooks signature, written from the spec independently of the gateway's signer:
 * key = base64-decode(secret without "whsec_"), HMAC-SHA256 over `${id}.${timestamp}.${body}`, base64,
 * compared against every `v1,` entry of the space-separated header.
 */
export function verifyStandardWebhook(secret: string, hook: ReceivedWebhook): boolean {
  const id = hook.headers['webhook-id'];
  const timestamp = hook.headers['webhook-timestamp'];
  const header = hook.headers['webhook-signature'];
  if (typeof id !== 'string' || typeof timestamp !== 'string' || typeof header !== 'string') return false;
  if (!/^\d+$/.test(timestamp) || Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false;
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${hook.body}`).digest();
  return header.split(' ').some((entry) => {
    const [version, value] = entry.split(',');
    if (version !== 'v1' || value === undefined) return false;
    const given = Buffer.from(value, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
