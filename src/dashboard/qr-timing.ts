/**
 * When a QR code was shown and how long it lives. The API does not say; Baileys' defaults are 60 s for
 * the first code of a connection and 20 s for each later one (WA_QR_TIMEOUT_MS changes both), so the
 * first is known only when the stream showed the connection start. Unknown: the shorter lifetime, so
 * the countdown never promises more time than there is.
 */
export interface QrSighting {
  qr: string;
  shownAt: number;
  lifetimeMs: number;
}

export const FIRST_QR_LIFETIME_MS = 60_000;
export const LATER_QR_LIFETIME_MS = 20_000;

/** Per session: how many codes the current connection has shown, once its start was seen. */
export class QrTimings {
  readonly #shownThisConnection = new Map<string, number>();

  /** Apply a `session.status` event. */
  status(sessionId: string, connectionStatus: string): void {
    if (connectionStatus === 'CONNECTING') this.#shownThisConnection.set(sessionId, 0);
    else if (connectionStatus !== 'QR_REQUIRED') this.#shownThisConnection.delete(sessionId);
  }

  /** Apply a `session.qr` event; `timestamp` is the event's. */
  qr(sessionId: string, qr: string, timestamp: string): QrSighting {
    const shown = this.#shownThisConnection.get(sessionId);
    if (shown !== undefined) this.#shownThisConnection.set(sessionId, shown + 1);
    const lifetimeMs = shown === 0 ? FIRST_QR_LIFETIME_MS : LATER_QR_LIFETIME_MS;
    const at = Date.parse(timestamp);
    return { qr, shownAt: Number.isNaN(at) ? Date.now() : at, lifetimeMs };
  }
}

/** Whole seconds left, never below 0. */
export const secondsLeft = (sighting: QrSighting, now: number): number =>
  Math.max(0, Math.ceil((sighting.shownAt + sighting.lifetimeMs - now) / 1000));
