import type { BinaryNode } from '@whiskeysockets/baileys';
import type { LinkedDevice } from '../accounts/linked-device.ts';
import type { WaConnection } from '../transport/wa-connection.ts';
import type { PendingRegistration } from './pending-registration.ts';

interface ReplyWaiter {
  resolve(node: BinaryNode): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

/** What a stream authenticated as: an unlinked companion asking for a QR, or a linked device. */
export type StreamIdentity =
  | { readonly kind: 'registration'; readonly registration: PendingRegistration }
  | { readonly kind: 'login'; readonly device: LinkedDevice };

/** One authenticated client stream: its identity, server-initiated iq replies, per-stream flags. */
export class ClientStream {
  readonly connection: WaConnection;
  readonly identity: StreamIdentity;
  readonly #waiters = new Map<string, ReplyWaiter>();
  /** Set on a device's first login; the history-sync notification goes out once pre-keys are up. */
  historySyncPending = false;
  /** Set once a phone started linking this registration stream; a stream is linked at most once. */
  linking = false;

  constructor(connection: WaConnection, identity: StreamIdentity) {
    this.connection = connection;
    this.identity = identity;
  }

  /** The linked device of a login stream. */
  get device(): LinkedDevice | undefined {
    return this.identity.kind === 'login' ? this.identity.device : undefined;
  }

  send(node: BinaryNode): void {
    this.connection.send(node);
  }

  /** Waits for the client's `<iq type=result|error id>` to a server-initiated iq. */
  awaitReply(id: string, timeoutMs: number): Promise<BinaryNode> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(id);
        reject(new Error(`no reply to iq ${id} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiters.set(id, { resolve, reject, timer });
    });
  }

  /** Hands an iq result/error to its waiter; false when nobody waits for it. */
  resolveReply(node: BinaryNode): boolean {
    const id = node.attrs.id;
    const waiter = id === undefined ? undefined : this.#waiters.get(id);
    if (!waiter || id === undefined) return false;
    this.#waiters.delete(id);
    clearTimeout(waiter.timer);
    waiter.resolve(node);
    return true;
  }

  /** Rejects every pending reply (the stream closed). */
  closed(): void {
    for (const [id, waiter] of this.#waiters) {
      clearTimeout(waiter.timer);
      waiter.reject(new Error(`stream closed before the reply to iq ${id}`));
    }
    this.#waiters.clear();
  }
}
