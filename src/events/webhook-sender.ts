/** The outcome of one POST: a status code, or a transport error (no response). */
export type SendResult = { statusCode: number; error: null } | { statusCode: null; error: string };

/** POSTs one webhook body; never throws. */
export type WebhookSender = (url: string, body: string, headers: Record<string, string>, timeoutMs: number) => Promise<SendResult>;

/** Short, secret-free description of a transport failure (e.g. `ECONNREFUSED`, `timeout after 5000 ms`). */
function describe(err: unknown, timeoutMs: number): string {
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) return `timeout after ${timeoutMs} ms`;
  const cause = err instanceof Error ? err.cause : undefined;
  if (cause instanceof Error) {
    const code = 'code' in cause && typeof cause.code === 'string' ? cause.code : cause.name;
    return `${code}: ${cause.message}`.slice(0, 300);
  }
  return (err instanceof Error ? err.message : String(err)).slice(0, 300);
}

/** The default sender: node's fetch (undici, keep-alive), no redirects followed, bounded by a timeout. */
export const fetchSender: WebhookSender = async (url, body, headers, timeoutMs) => {
  try {
    const response = await fetch(url, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', 'user-agent': 'wagate-webhooks', ...headers },
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    // The body is not needed; cancelling it frees the connection for reuse.
    await response.body?.cancel().catch(() => undefined);
    return { statusCode: response.status, error: null };
  } catch (err) {
    return { statusCode: null, error: describe(err, timeoutMs) };
  }
};
