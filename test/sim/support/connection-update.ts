import type { ConnectionState, WASocket } from '@whiskeysockets/baileys';

/** Resolves with the next connection.update of `sock` matching `match`; rejects after `timeoutMs`, listener removed. */
export function nextConnectionUpdate(
  sock: WASocket,
  match: (update: Partial<ConnectionState>) => boolean,
  timeoutMs: number,
): Promise<Partial<ConnectionState>> {
  return new Promise((resolve, reject) => {
    const listener = (update: Partial<ConnectionState>): void => {
      if (!match(update)) return;
      clearTimeout(timer);
      sock.ev.off('connection.update', listener);
      resolve(update);
    };
    const timer = setTimeout(() => {
      sock.ev.off('connection.update', listener);
      reject(new Error(`no matching connection.update within ${timeoutMs} ms`));
    }, timeoutMs);
    sock.ev.on('connection.update', listener);
  });
}
