import type { BinaryNode } from '@whiskeysockets/baileys';

/** Stanzas held for linked devices that have no stream, delivered at their next login. */
export interface OfflineQueue {
  push(deviceKey: string, node: BinaryNode): void;
  size(deviceKey: string): number;
  /** Takes every queued stanza, each marked `offline="1"` as the server does at login. */
  drain(deviceKey: string): BinaryNode[];
  drop(deviceKey: string): void;
}

/** Creates an empty offline queue. */
export function createOfflineQueue(): OfflineQueue {
  const queues = new Map<string, BinaryNode[]>();
  return {
    push(deviceKey, node) {
      const queue = queues.get(deviceKey) ?? [];
      queue.push(node);
      queues.set(deviceKey, queue);
    },
    size: (deviceKey) => queues.get(deviceKey)?.length ?? 0,
    drain(deviceKey) {
      const queue = queues.get(deviceKey) ?? [];
      queues.delete(deviceKey);
      return queue.map((node) => ({ ...node, attrs: { ...node.attrs, offline: '1' } }));
    },
    drop: (deviceKey) => void queues.delete(deviceKey),
  };
}
