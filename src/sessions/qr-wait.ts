import { AppError } from '../errors/app-error.ts';
import type { SessionRuntime } from './session-runtime.ts';

/**
 * The session's current QR code. A session that is registering but has no QR yet (just created or
 * started) is waited for, up to `waitMs`; a session for which no QR is coming answers 409 at once.
 */
export async function awaitQr(runtime: SessionRuntime | undefined, waitMs: number): Promise<string> {
  if (runtime && runtime.qr === null && runtime.qrMayCome && waitMs > 0) {
    await runtime.waitUntil(() => runtime.qr !== null || !runtime.qrMayCome, waitMs);
  }
  const qr = runtime?.qr;
  if (runtime && qr) return qr;
  throw new AppError('QR_NOT_AVAILABLE', unavailableReason(runtime, waitMs));
}

function unavailableReason(runtime: SessionRuntime | undefined, waitMs: number): string {
  if (!runtime || runtime.ended) return 'session is not running; start it first';
  if (runtime.user) return `session is already linked (status ${runtime.connectionStatus})`;
  if (runtime.qrMayCome) return `no QR code within ${waitMs} ms (status ${runtime.connectionStatus}); try again`;
  return `no QR code is coming (status ${runtime.connectionStatus})`;
}
