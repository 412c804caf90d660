import { EventEmitter } from 'node:events';
import type { LinkedDevice } from './accounts/linked-device.ts';
import type { ClientStream } from './stream/client-stream.ts';

/** Events the simulator emits (for tests and the control API). */
export interface SimEventMap {
  /** A phone scanned a QR and the companion signed its identity; the 515 restart follows. */
  'device-linked': [device: LinkedDevice];
  /** A linked device logged in (`<success>` sent). */
  'device-login': [device: LinkedDevice];
  /** A device was unlinked by its phone or logged out by itself. */
  'device-removed': [device: LinkedDevice, reason: 'unlink' | 'logout'];
  /** First login: pre-keys are up and the digest answered; the phone's history sync is due now. */
  'initial-sync-due': [device: LinkedDevice, stream: ClientStream];
  /** A login stream of a device closed. */
  'device-offline': [device: LinkedDevice];
}

/** Typed emitter for SimEventMap. */
export class SimEvents extends EventEmitter<SimEventMap> {}

/**
 * Resolves with the arguments of the first `event` for which `match` is true; rejects after
 * `timeoutMs`. The listener is removed on every path.
 */
export function waitForEvent<K extends keyof SimEventMap>(
  events: SimEvents,
  event: K,
  match: (...args: SimEventMap[K]) => boolean,
  timeoutMs: number,
): Promise<SimEventMap[K]> {
  // TypeScript cannot narrow the generic listener type of a typed EventEmitter; the plain one takes it.
  const emitter: EventEmitter = events;
  return new Promise((resolve, reject) => {
    const listener = (...args: SimEventMap[K]): void => {
      if (!match(...args)) return;
      clearTimeout(timer);
      emitter.off(event, listener);
      resolve(args);
    };
    const timer = setTimeout(() => {
      emitter.off(event, listener);
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${event}`));
    }, timeoutMs);
    emitter.on(event, listener);
  });
}
