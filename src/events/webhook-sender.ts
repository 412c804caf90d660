import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { assertLiteralAllowed, guardedLookup, type AddressPolicy } from '../shared/outbound-address.ts';
import { classifyTransportError } from '../shared/transport-failure.ts';

/** The outcome of one POST: a status code, or a transport failure class (no response; see TransportFailure). */
export type SendResult = { statusCode: number; error: null } | { statusCode: null; error: string };

/** POSTs one webhook body; never throws. */
export type WebhookSender = (
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
) => Promise<SendResult>;

export interface HttpSenderOptions {
  /** Connections kept per receiver host (default 64). */
  maxSockets?: number;
  /** Which targets may be connected to (default: public addresses only). */
  addresses?: AddressPolicy;
}

/**
 * The default sender: node:http(s) with keep-alive agents (cheaper per request than fetch, which matters
 * at thousands of webhooks a second). Redirects are not followed: a 3xx counts as a failure. The timeout
 * covers the whole exchange, connect included. Targets are checked at connect time and connected to by the
 * checked address (shared/outbound-address.ts); a failure is reported as its class (`timeout`,
 * `connection_refused`, `blocked_address`, …), never as a raw socket error that would map the network.
 */
export function createHttpSender(options: HttpSenderOptions = {}): { send: WebhookSender; close(): void } {
  const policy = options.addresses ?? { allowPrivate: false };
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 64, lookup: guardedLookup(policy) };
  const agents = { http: new HttpAgent(agentOptions), https: new HttpsAgent(agentOptions) };

  const send: WebhookSender = (url, body, headers, timeoutMs) =>
    new Promise<SendResult>((resolve) => {
      let target: URL;
      try {
        target = new URL(url);
        assertLiteralAllowed(target.hostname, policy);
      } catch (err) {
        resolve({ statusCode: null, error: classifyTransportError(err) });
        return;
      }
      const secure = target.protocol === 'https:';
      const request = (secure ? httpsRequest : httpRequest)(target, {
        method: 'POST',
        agent: secure ? agents.https : agents.http,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'user-agent': 'wagate-webhooks',
          ...headers,
        },
      });
      const timer = setTimeout(
        () => request.destroy(Object.assign(new Error(`timeout after ${timeoutMs} ms`), { code: 'ETIMEDOUT' })),
        timeoutMs,
      );
      request.once('response', (response) => {
        // The body is not needed; draining it lets the connection be reused.
        response.resume();
        response.once('end', () => clearTimeout(timer));
        response.once('error', () => clearTimeout(timer));
        resolve({ statusCode: response.statusCode ?? 0, error: null });
      });
      request.on('error', (err) => {
        clearTimeout(timer);
        resolve({ statusCode: null, error: classifyTransportError(err) });
      });
      request.end(body);
    });

  return {
    send,
    close() {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}
