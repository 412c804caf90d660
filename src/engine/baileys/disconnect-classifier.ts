import type { CloseKind } from '../engine.ts';

/** Reason Baileys gives when the client-side QR rotation has used every ref the server sent. */
const QR_EXHAUSTED = 'QR refs attempts ended';

/**
 * Maps a Baileys close (Boom status code + message) to the reconnect policy's vocabulary.
 * Codes are `DisconnectReason` values; see docs/sessions.md for the policy each kind triggers.
 */
export function classifyDisconnect(code: number | null, message: string): CloseKind {
  switch (code) {
    case 515:
      return 'restart';
    case 401:
      return 'logged_out';
    case 440:
      return 'replaced';
    case 400: // broken certificate chain: retrying cannot help
    case 403:
    case 411:
    case 419:
      return 'failed';
    case 408:
      return message.includes(QR_EXHAUSTED) ? 'qr_expired' : 'retry';
    default:
      // 428, 500, 503, transport errors without a code: transient
      return 'retry';
  }
}

/** Pulls the status code and message out of whatever error Baileys attached to `lastDisconnect`. */
export function readDisconnectError(error: unknown): { code: number | null; message: string } {
  if (error === undefined || error === null) return { code: null, message: 'connection closed' };
  const output = (error as { output?: { statusCode?: unknown } }).output;
  const code = typeof output?.statusCode === 'number' ? output.statusCode : null;
  const message = error instanceof Error ? error.message : String(error);
  return { code, message };
}
