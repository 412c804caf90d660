import { randomBytes } from 'node:crypto';
import { type BinaryNode, jidDecode } from '@whiskeysockets/baileys';
import type { RawKeyPair } from '../pairing/x25519.ts';
import type { MediaKind } from '../media/media-crypto.ts';
import { createVirtualDevice, type VirtualDevice } from '../signal/virtual-device.ts';
import type { OfflineQueue } from './offline-queue.ts';
import type { PreKeyRegistry } from './pre-key-registry.ts';
import type { TextLog } from './text-log.ts';

/** What messaging needs to know about a simulated account. */
export interface HubAccount {
  /** Digits only. */
  readonly phoneNumber: string;
  /** Digits of the LID user. */
  readonly lidUser: string;
  /** Push name (`notify`) on messages the phone sends. */
  readonly pushName: string;
  /** The account (ADV) key pair; it is also the phone's Signal identity. */
  readonly identity: RawKeyPair;
  /** Ids of the linked, not removed, devices (never 0). */
  readonly deviceIds: readonly number[];
}

/** The server refuses messages to a phone: it acks each with `error`, after `delayMs`. */
export interface Refusal {
  readonly error: number;
  readonly delayMs: number;
}

/** How messaging reaches the rest of the simulator. */
export interface MessagingPort {
  accountByPhone(phoneNumber: string): HubAccount | undefined;
  accountByLid(lidUser: string): HubAccount | undefined;
  /** Writes a stanza to the device's live stream; false when the device is not connected. */
  deliver(phoneNumber: string, deviceId: number, node: BinaryNode): boolean;
}

/** How phones reach the simulator's media host (in-process: the host's store is the "server"). */
export interface MediaAccess {
  /** The encrypted blob a message's `directPath`/`url` names; undefined when the host does not hold it. */
  download(ref: { readonly directPath?: string; readonly url?: string }): Buffer | undefined;
  /** Stores an encrypted blob like an HTTPS upload; returns WhatsApp's `url` and `directPath`. */
  upload(kind: MediaKind, blob: Buffer): { url: string; directPath: string };
}

/** An account plus an optional device, as named by a JID or a phone number. */
export interface AccountTarget {
  readonly account: HubAccount;
  /** Present when the JID named a device (`user:dev@…`), including `:0`-less user JIDs as undefined. */
  readonly deviceId?: number;
}

/** State shared by the messaging handlers. */
export interface HubContext {
  readonly port: MessagingPort;
  readonly preKeys: PreKeyRegistry;
  readonly queue: OfflineQueue;
  readonly log: TextLog;
  /** The media host; absent when messaging runs without one (media bytes are then not opened). */
  readonly media?: MediaAccess;
  /** Phones whose incoming messages the server refuses: the `error` code of its ack, sent after `delayMs`. */
  readonly refusals: Map<string, Refusal>;
  /** The phone's own Signal device (device 0), created on first use. */
  primary(account: HubAccount): VirtualDevice;
  /** Delivers to a linked device, or queues it while the device is offline. */
  deliverOrQueue(account: HubAccount, deviceId: number, node: BinaryNode): 'delivered' | 'queued' | 'dropped';
  resolve(jidOrPhone: string): AccountTarget | undefined;
}

/** `PHONE:DEV`, the key of per-device state. */
export const deviceKey = (phoneNumber: string, deviceId: number): string => `${phoneNumber}:${deviceId}`;
export const pnJid = (account: HubAccount, deviceId = 0): string =>
  deviceId === 0 ? `${account.phoneNumber}@s.whatsapp.net` : `${account.phoneNumber}:${deviceId}@s.whatsapp.net`;
export const lidJid = (account: HubAccount, deviceId = 0): string =>
  deviceId === 0 ? `${account.lidUser}@lid` : `${account.lidUser}:${deviceId}@lid`;

/** A message id in the style of phone-originated ids. */
export const newMessageId = (): string => `3A${randomBytes(9).toString('hex').toUpperCase()}`;

/** Builds the shared context. */
export function createHubContext(
  port: MessagingPort,
  parts: Pick<HubContext, 'preKeys' | 'queue' | 'log' | 'media'>,
): HubContext {
  const primaries = new Map<string, VirtualDevice>();
  return {
    port,
    ...parts,
    refusals: new Map(),
    primary(account) {
      let device = primaries.get(account.phoneNumber);
      if (!device) {
        device = createVirtualDevice({ identity: account.identity });
        primaries.set(account.phoneNumber, device);
      }
      return device;
    },
    deliverOrQueue(account, deviceId, node) {
      if (!account.deviceIds.includes(deviceId)) return 'dropped';
      if (port.deliver(account.phoneNumber, deviceId, node)) return 'delivered';
      parts.queue.push(deviceKey(account.phoneNumber, deviceId), node);
      return 'queued';
    },
    resolve(jidOrPhone) {
      const digits = jidOrPhone.replace(/^\+/, '');
      if (/^\d+$/.test(digits)) {
        const account = port.accountByPhone(digits);
        return account ? { account } : undefined;
      }
      const decoded = jidDecode(jidOrPhone);
      if (!decoded?.user) return undefined;
      const account =
        decoded.server === 'lid'
          ? port.accountByLid(decoded.user)
          : decoded.server === 's.whatsapp.net'
            ? port.accountByPhone(decoded.user)
            : undefined;
      if (!account) return undefined;
      return decoded.device === undefined ? { account } : { account, deviceId: decoded.device };
    },
  };
}
