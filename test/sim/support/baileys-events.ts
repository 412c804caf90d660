import type { BaileysEventMap, WASocket } from '@whiskeysockets/baileys';

/**
 * Resolves with the first `event` payload for which `pick` returns a value; rejects after
 * `timeoutMs`. The listener is removed on every path.
 */
export function waitForBaileysEvent<K extends keyof BaileysEventMap, R>(
  sock: WASocket,
  event: K,
  pick: (payload: BaileysEventMap[K]) => R | undefined,
  timeoutMs = 10_000,
): Promise<R> {
  return new Promise((resolve, reject) => {
    const listener = (payload: BaileysEventMap[K]): void => {
      const picked = pick(payload);
      if (picked === undefined) return;
      clearTimeout(timer);
      sock.ev.off(event, listener);
      resolve(picked);
    };
    const timer = setTimeout(() => {
      sock.ev.off(event, listener);
      reject(new Error(`no matching ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    sock.ev.on(event, listener);
  });
}
