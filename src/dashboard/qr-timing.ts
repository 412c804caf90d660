/**
 * When a QR code was shown and how long it lives. The API does not say; Baileys' defaults are 60 s for
 * the first code of a connection and 20 s for each later one, and WA_QR_TIMEOUT_MS sets one lifetime
 * for all. So: the first code of a connection whose start the stream showed gets 60 s; a later one gets
 * the interval the last rotation took, at most 20 s (right for both settings, or shorter); a code of
 * an unknown connection gets 20 s. Only a first code under a shorter WA_QR_TIMEOUT_MS is overstated.
 */
export interface QrSighting {
  qr: string;
  shownAt: number;
  lifetimeMs: number;
}

export const FIRST_QR_LIFETIME_MS = 60_000;
export const LATER_QR_LIFETIME_MS = 20_000;

interface ConnectionCodes {
  shown: number;
  lastShownAt: number | null;
}

/** Per session: the codes the current connection has shown, once its start was seen. */
export class QrTimings {
  readonly #connections = new Map<string, ConnectionCodes>();

  /** Apply a `session.status` event. */
  status(sessionId: string, connectionStatus: string): void {
    if (connectionStatus === 'CONNECTING') this.#connections.set(sessionId, { shown: 0, lastShownAt: null });
    else if (connectionStatus !== 'QR_REQUIRED') this.#connections.delete(sessionId);
  }

  /** Apply a `session.qr` event; `timestamp` is the event's. */
  qr(sessionId: string, qr: string, timestamp: string): QrSighting {
    const parsed = Date.parse(timestamp);
    const shownAt = Number.isNaN(parsed) ? Date.now() : parsed;
    const connection = this.#connections.get(sessionId);
    let lifetimeMs = LATER_QR_LIFETIME_MS;
    if (connection?.shown === 0) lifetimeMs = FIRST_QR_LIFETIME_MS;
    else if (connection?.lastShownAt != null && shownAt > connection.lastShownAt) {
      lifetimeMs = Math.min(LATER_QR_LIFETIME_MS, shownAt - connection.lastShownAt);
    }
    if (connection) this.#connections.set(sessionId, { shown: connection.shown + 1, lastShownAt: shownAt });
    return { qr, shownAt, lifetimeMs };
  }
}

/** Whole seconds left, never below 0. */
export const secondsLeft = (sighting: QrSighting, now: number): number =>
  Math.max(0, Math.ceil((sighting.shownAt + sighting.lifetimeMs - now) / 1000));
