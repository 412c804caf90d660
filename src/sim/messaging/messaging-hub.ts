import type { BinaryNode } from '@whiskeysockets/baileys';
import type { ReceiptKind } from '../signal/message-stanzas.ts';
import {
  type DeviceRef,
  routeDeviceMessage,
  routeDeviceReceipt,
  type RouteIssue,
  type SenderIndex,
} from './device-messages.ts';
import { sendHistorySync } from './history-sync.ts';
import {
  createHubContext,
  deviceKey,
  type HubContext,
  type MediaAccess,
  type MessagingPort,
  type Refusal,
} from './hub-context.ts';
import { answerMessagingIq } from './messaging-iq.ts';
import { createOfflineQueue } from './offline-queue.ts';
import {
  MessagingError,
  sendMediaFromPhone,
  sendReceiptFromPhone,
  sendRetryReceiptFromPhone,
  sendTextFromPhone,
  type SendTextResult,
} from './phone-actions.ts';
import { openLoggedMedia, type PhoneMedia } from './phone-media.ts';
import { createPreKeyRegistry, type PreKeyRegistry } from './pre-key-registry.ts';
import { createTextLog, type ReceivedText, type SentText } from './text-log.ts';

/** 1:1 messaging of the simulator: Signal for the phones, routing and queues for linked devices. */
export interface MessagingHub {
  /** Answers usync / encrypt / privacy-token iqs; undefined when the iq is not messaging's. */
  answerIq(from: DeviceRef, iq: BinaryNode): BinaryNode | undefined;
  /** Routes a `<message>` from a linked device; send the returned ack back to that device. */
  routeMessage(from: DeviceRef, node: BinaryNode): Promise<{ ack: BinaryNode; issues: RouteIssue[] }>;
  /** Handles a `<receipt>` from a linked device. */
  routeReceipt(from: DeviceRef, node: BinaryNode): void;
  /** Stanzas queued while the device was offline, each marked `offline="1"`; the queue is emptied. */
  drainOffline(device: DeviceRef): BinaryNode[];
  /** Forgets a removed device: its queue and pre-keys. */
  forgetDevice(device: DeviceRef): void;
  sendText(fromPhone: string, to: string, text: string): Promise<SendTextResult>;
  /** Encrypts and uploads media to the media host, then sends the media message. */
  sendMedia(fromPhone: string, to: string, media: PhoneMedia): Promise<SendTextResult>;
  /** Downloads and decrypts again the media of a message the phone received. */
  receivedMedia(phoneNumber: string, messageId: string): { bytes: Buffer; mimetype?: string };
  /** The phone sends its linked device the initial history-sync notification (a Signal peer message). */
  sendHistorySync(device: DeviceRef): Promise<void>;
  sendReceipt(phoneNumber: string, messageId: string, kind: ReceiptKind): void;
  /** From now on the server refuses messages to this phone with `<ack error>` (null: accepts them again). */
  refuseMessagesTo(phoneNumber: string, refusal: Refusal | null): void;
  /** The phone asks the sending device to send a message again (a retry receipt). */
  sendRetryReceipt(phoneNumber: string, messageId: string): void;
  received(phoneNumber: string): readonly ReceivedText[];
  sent(phoneNumber: string): readonly SentText[];
  waitForMessage(
    phoneNumber: string,
    predicate: (text: ReceivedText) => boolean,
    timeoutMs: number,
  ): Promise<ReceivedText>;
  /** Shared state, for the simulator's own use (e.g. the phone's Signal device for peer messages). */
  readonly context: HubContext;
}

/** Options of createMessagingHub. */
export interface MessagingHubOptions {
  /** Where linked devices' pre-keys live; an in-memory registry when absent. */
  readonly preKeys?: PreKeyRegistry;
  /** The media host phones upload to and download from; without it, media bytes are not opened. */
  readonly media?: MediaAccess;
}

/** Creates the messaging hub on top of the simulator's accounts and streams. */
export function createMessagingHub(port: MessagingPort, options: MessagingHubOptions = {}): MessagingHub {
  const context = createHubContext(port, {
    preKeys: options.preKeys ?? createPreKeyRegistry(),
    queue: createOfflineQueue(),
    log: createTextLog(),
    ...(options.media ? { media: options.media } : {}),
  });
  const senders: SenderIndex = new Map();
  return {
    context,
    answerIq: (from, iq) => answerMessagingIq(context, from, iq),
    routeMessage: (from, node) => routeDeviceMessage(context, senders, from, node),
    routeReceipt: (from, node) => routeDeviceReceipt(context, senders, from, node),
    drainOffline: (device) => context.queue.drain(deviceKey(device.phoneNumber, device.deviceId)),
    forgetDevice(device) {
      const key = deviceKey(device.phoneNumber, device.deviceId);
      context.queue.drop(key);
      context.preKeys.drop(key);
    },
    sendText: (fromPhone, to, text) => sendTextFromPhone(context, fromPhone, to, text),
    sendMedia: (fromPhone, to, media) => sendMediaFromPhone(context, fromPhone, to, media),
    receivedMedia(phoneNumber, messageId) {
      const received = context.log.find(phoneNumber, messageId);
      if (!received) throw new MessagingError('unknown-message', `${phoneNumber} received no message ${messageId}`);
      try {
        return openLoggedMedia(context.media, received.message);
      } catch (err) {
        throw new MessagingError('bad-input', err instanceof Error ? err.message : String(err));
      }
    },
    sendHistorySync: (device) => sendHistorySync(context, device.phoneNumber, device.deviceId),
    sendReceipt: (phoneNumber, messageId, kind) => sendReceiptFromPhone(context, phoneNumber, messageId, kind),
    sendRetryReceipt: (phoneNumber, messageId) => sendRetryReceiptFromPhone(context, phoneNumber, messageId),
    refuseMessagesTo(phoneNumber, refusal) {
      if (refusal === null) context.refusals.delete(phoneNumber);
      else context.refusals.set(phoneNumber, refusal);
    },
    received: (phoneNumber) => context.log.received(phoneNumber),
    sent: (phoneNumber) => context.log.sent(phoneNumber),
    waitForMessage: (phoneNumber, predicate, timeoutMs) => context.log.waitFor(phoneNumber, predicate, timeoutMs),
  };
}
