import type { Delivery, Envelope, PairingCode, Qr, SentMessage, Session, SessionStatus, Webhook } from './types.ts';

/** An answer other than success, with the envelope's message (and code) for the user. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string | undefined;
  constructor(status: number, message: string, code?: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export type SessionCommand = 'start' | 'stop' | 'restart' | 'logout';

const path = (sessionId: string, rest = '') => `/sessions/${encodeURIComponent(sessionId)}${rest}`;

/**
 * The public HTTP API, with the key in the Authorization header (never in a URL). A 401 from any call
 * calls `onUnauthorized` once, so the app can go back to the login form.
 */
export function createApiClient(key: string, onUnauthorized: () => void) {
  async function call<T>(method: string, url: string, body?: unknown): Promise<Envelope<T>> {
    const headers: Record<string, string> = { authorization: `Bearer ${key}`, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        cache: 'no-store',
      });
    } catch {
      throw new ApiError(0, 'The gateway cannot be reached');
    }
    const envelope = (await response.json().catch(() => null)) as Envelope<T> | null;
    if (response.status === 401) {
      onUnauthorized();
      throw new ApiError(401, envelope?.message ?? 'Invalid API key', envelope?.code);
    }
    if (!response.ok || !envelope?.success) {
      const detail = envelope?.error ? `: ${envelope.error}` : '';
      throw new ApiError(response.status, `${envelope?.message ?? `HTTP ${response.status}`}${detail}`, envelope?.code);
    }
    return envelope;
  }
  const data = async <T>(method: string, url: string, body?: unknown): Promise<T> =>
    (await call<T>(method, url, body)).data as T;

  return {
    key,
    sessions: () => data<Session[]>('GET', '/sessions/all/credentials'),
    session: (id: string) => data<Session>('GET', path(id, '/credentials')),
    status: (id: string) => data<SessionStatus>('GET', path(id, '/status')),
    qr: (id: string) => data<Qr>('GET', path(id, '/qr')),
    create: (id: string) => data<Session>('POST', '/sessions', { sessionId: id }),
    command: (id: string, command: SessionCommand) => data<Session>('POST', path(id, `/${command}`)),
    remove: (id: string) => call<never>('DELETE', path(id)),
    pairingCode: (id: string, phoneNumber: string) =>
      data<PairingCode>('POST', path(id, '/pairing-code'), { phoneNumber }),
    webhook: async (id: string): Promise<Webhook | null> => {
      try {
        return await data<Webhook>('GET', path(id, '/webhook'));
      } catch (err) {
        if (err instanceof ApiError && err.code === 'WEBHOOK_NOT_FOUND') return null;
        throw err;
      }
    },
    putWebhook: (id: string, url: string) => data<Webhook>('PUT', path(id, '/webhook'), { url }),
    removeWebhook: (id: string) => call<never>('DELETE', path(id, '/webhook')),
    deliveries: (id: string) =>
      data<Delivery[]>('GET', `/webhooks/deliveries?sessionId=${encodeURIComponent(id)}&limit=20`),
    retryDelivery: (deliveryId: string) =>
      data<Delivery>('POST', `/webhooks/deliveries/${encodeURIComponent(deliveryId)}/retry`),
    sendText: (id: string, to: string, text: string) => data<SentMessage>('POST', path(id, '/messages'), { to, text }),
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;

/** Checks a key against a protected read: true if accepted, false on 401; other failures throw. */
export async function keyIsAccepted(key: string): Promise<boolean> {
  let refused = false;
  try {
    await createApiClient(key, () => {
      refused = true;
    }).sessions();
    return true;
  } catch (err) {
    if (refused) return false;
    throw err;
  }
}
