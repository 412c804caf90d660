import type { proto } from '@whiskeysockets/baileys';
import type { MediaReference, MessageContent } from './message-content.ts';

/** Media metadata of a received message, and what the phone found when it downloaded it. */
export interface ReceivedMedia extends Omit<MediaReference, 'mediaKey' | 'fileSha256' | 'fileEncSha256'> {
  /** The downloaded, MAC-checked, decrypted bytes: only their length and hex SHA-256 are kept. */
  readonly bytes?: { readonly length: number; readonly sha256: string };
  /** Why the bytes could not be opened (not on the simulator's media host, MAC or hash mismatch). */
  readonly error?: string;
}

/**
 * A message (text, media, location, contact, reaction) a simulated phone received from a linked
 * device, decrypted. The name stays from when only texts were logged.
 */
export interface ReceivedText extends Omit<MessageContent, 'media'> {
  readonly id: string;
  /** Sender account, `PHONE@s.whatsapp.net`. */
  readonly from: string;
  /** Sender device, `PHONE:DEV@s.whatsapp.net`. */
  readonly fromDevice: string;
  /** Unix seconds when the simulator got it. */
  readonly t: number;
  readonly message: proto.IMessage;
  readonly media?: ReceivedMedia;
}

/** Delivery state of a text a phone sent, as the recipient's devices reported it. */
export type SentStatus = 'sent' | 'delivered' | 'read' | 'played';

/** A message a simulated phone sent to linked devices. */
export interface SentText {
  readonly id: string;
  readonly to: string;
  /** `text`, or a media kind. */
  readonly type: string;
  /** The text or caption ('' for media without one). */
  readonly text: string;
  readonly t: number;
  /** How many devices it was encrypted for (delivered now or queued). */
  readonly deviceCount: number;
  status: SentStatus;
}

type Waiter = { readonly predicate: (text: ReceivedText) => boolean; readonly resolve: (text: ReceivedText) => void };

const STATUS_ORDER: readonly SentStatus[] = ['sent', 'delivered', 'read', 'played'];

/** Per-phone logs of received and sent texts, with waiters for tests. */
export interface TextLog {
  record(phoneNumber: string, text: ReceivedText): void;
  received(phoneNumber: string): readonly ReceivedText[];
  find(phoneNumber: string, id: string): ReceivedText | undefined;
  recordSent(phoneNumber: string, text: SentText): void;
  sent(phoneNumber: string): readonly SentText[];
  /** Raises the status of a sent text (never lowers it); unknown ids are ignored. */
  markSent(phoneNumber: string, id: string, status: SentStatus): void;
  /** Resolves with the first received text (past or future) matching; rejects after timeoutMs. */
  waitFor(phoneNumber: string, predicate: (text: ReceivedText) => boolean, timeoutMs: number): Promise<ReceivedText>;
  forget(phoneNumber: string): void;
}

/** Creates an empty text log. */
export function createTextLog(): TextLog {
  const inbox = new Map<string, ReceivedText[]>();
  const outbox = new Map<string, SentText[]>();
  const waiters = new Map<string, Set<Waiter>>();
  const listOf = <T>(map: Map<string, T[]>, key: string): T[] => {
    let list = map.get(key);
    if (!list) map.set(key, (list = []));
    return list;
  };

  return {
    record(phoneNumber, text) {
      listOf(inbox, phoneNumber).push(text);
      for (const waiter of waiters.get(phoneNumber) ?? []) if (waiter.predicate(text)) waiter.resolve(text);
    },
    received: (phoneNumber) => [...(inbox.get(phoneNumber) ?? [])],
    find: (phoneNumber, id) => inbox.get(phoneNumber)?.find((text) => text.id === id),
    recordSent: (phoneNumber, text) => void listOf(outbox, phoneNumber).push(text),
    sent: (phoneNumber) => (outbox.get(phoneNumber) ?? []).map((text) => ({ ...text })),
    markSent(phoneNumber, id, status) {
      const text = outbox.get(phoneNumber)?.find((t) => t.id === id);
      if (text && STATUS_ORDER.indexOf(status) > STATUS_ORDER.indexOf(text.status)) text.status = status;
    },
    waitFor(phoneNumber, predicate, timeoutMs) {
      const done = inbox.get(phoneNumber)?.find(predicate);
      if (done) return Promise.resolve(done);
      return new Promise((resolve, reject) => {
        const set = waiters.get(phoneNumber) ?? new Set<Waiter>();
        waiters.set(phoneNumber, set);
        const finish = (): void => {
          clearTimeout(timer);
          set.delete(waiter);
        };
        const waiter: Waiter = {
          predicate,
          resolve: (text) => {
            finish();
            resolve(text);
          },
        };
        const timer = setTimeout(() => {
          finish();
          reject(new Error(`no matching message for ${phoneNumber} within ${timeoutMs} ms`));
        }, timeoutMs);
        set.add(waiter);
      });
    },
    forget(phoneNumber) {
      inbox.delete(phoneNumber);
      outbox.delete(phoneNumber);
    },
  };
}
