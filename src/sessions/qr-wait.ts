import { AppError } from '../errors/app-error.ts';
import type { SessionRuntime } from './session-runtime.ts';

/** Resolves when `signal` aborts (never without one). */
const abortOf = (signal: AbortSignal | undefined): Promise<void> =>
  new Promise((resolve) => {
    if (signal?.aborted) resolve();
    else signal?.addEventListener('abort', () => resolve(), { once: true });
  });

/**
 * The session's current QR code. A session that is registering but has no QR yet (just created or
 * started) is waited for, up to `waitMs` or until `signal` aborts (the server is closing); a session for
 * which no QR is coming answers 409 at once.
 */
export async function awaitQr(runtime: SessionRuntime | undefined, waitMs: number, signal?: AbortSignal) {
  if (runtime && runtime.qr === null && runtime.qrMayCome && waitMs > 0 && !signal?.aborted) {
    await Promise.race([runtime.waitUntil(() => runtime.qr !== null || !runtime.qrMayCome, waitMs), abortOf(signal)]);
  }
  const qr = runtime?.qr;
  if (runtime && qr) return qr;
  const reason = signal?.aborted ? String(signal.reason) : unavailableReason(runtime, waitMs);
  throw new AppError('QR_NOT_AVAILABLE', reason);
}

function unavailableReason(runtime: SessionRuntime | undefined, waitMs: number): string {
  if (!runtime || runtime.ended) return 'session is not running; start it first';
  if (runtime.user) return `session is already linked (status ${runtime.connectionStatus})`;
  if (runtime.qrMayCome) return `no QR code within ${waitMs} ms (status ${runtime.connectionStatus}); try again`;
  return `no QR code is coming (status ${runtime.connectionStatus})`;
}
