import { SimError, type SimErrorKind } from '../sim-error.ts';
import type { ReceiptKind } from '../signal/message-stanzas.ts';
import type { MessagingHub } from './messaging-hub.ts';
import { MessagingError, type MessagingFailure, type SendTextResult } from './phone-actions.ts';
import type { PhoneMedia } from './phone-media.ts';
import type { ReceivedText, SentText } from './text-log.ts';

/** The messaging half of a virtual phone. */
export interface PhoneMessaging {
  /** Sends a text to every linked device of `to` (phone number, PN or LID JID; a device JID picks one device). */
  sendText(to: string, text: string): Promise<SendTextResult>;
  /** Encrypts and uploads media to the simulator's media host, then sends it like `sendText`. */
  sendMedia(to: string, media: PhoneMedia): Promise<SendTextResult>;
  /** The decrypted bytes of a media message this phone received (downloaded again, MAC and hashes checked). */
  downloadMedia(messageId: string): { bytes: Buffer; mimetype?: string };
  /** Messages this phone received from linked devices, decrypted, oldest first. */
  received(): readonly ReceivedText[];
  /** Texts this phone sent, with the status the recipient devices reported. */
  sent(): readonly SentText[];
  /** Resolves with the first received text (already there or still to come) that matches. */
  waitForMessage(predicate: (text: ReceivedText) => boolean, timeoutMs?: number): Promise<ReceivedText>;
  /** Sends a delivery, read or played receipt for a text this phone received. */
  sendReceipt(messageId: string, kind: ReceiptKind): void;
  /** Asks the device that sent this message to send it again, as a phone does after a failed decryption. */
  sendRetryReceipt(messageId: string): void;
  /**
   * The server refuses messages to this phone: each sender gets `<ack class="message" error="CODE"/>`
   * (after `delayMs`, default 0) and nothing is routed; Baileys marks the message ERROR. `null` accepts
   * them again. Codes 400–599; delays up to 10 s.
   */
  refuseIncoming(error: number | null, delayMs?: number): void;
}

const ERROR_KIND: Readonly<Record<MessagingFailure, SimErrorKind>> = {
  'unknown-phone': 'not-found',
  'unknown-recipient': 'not-found',
  'unknown-message': 'not-found',
  'no-linked-devices': 'conflict',
  'bad-input': 'bad-input',
};

function asSimError(err: unknown): unknown {
  return err instanceof MessagingError ? new SimError(ERROR_KIND[err.reason], err.message) : err;
}

/** Binds the hub to one phone number; refusals become SimErrors (4xx on the control API). */
export function createPhoneMessaging(hub: MessagingHub, phoneNumber: string): PhoneMessaging {
  return {
    async sendText(to, text) {
      if (typeof to !== 'string' || !to) throw new SimError('bad-input', 'to must be a phone number or JID');
      try {
        return await hub.sendText(phoneNumber, to, text);
      } catch (err) {
        throw asSimError(err);
      }
    },
    async sendMedia(to, media) {
      if (typeof to !== 'string' || !to) throw new SimError('bad-input', 'to must be a phone number or JID');
      try {
        return await hub.sendMedia(phoneNumber, to, media);
      } catch (err) {
        throw asSimError(err);
      }
    },
    downloadMedia(messageId) {
      try {
        return hub.receivedMedia(phoneNumber, messageId);
      } catch (err) {
        throw asSimError(err);
      }
    },
    received: () => hub.received(phoneNumber),
    sent: () => hub.sent(phoneNumber),
    waitForMessage: (predicate, timeoutMs = 10_000) => hub.waitForMessage(phoneNumber, predicate, timeoutMs),
    sendReceipt(messageId, kind) {
      try {
        hub.sendReceipt(phoneNumber, messageId, kind);
      } catch (err) {
        throw asSimError(err);
      }
    },
    sendRetryReceipt(messageId) {
      try {
        hub.sendRetryReceipt(phoneNumber, messageId);
      } catch (err) {
        throw asSimError(err);
      }
    },
    refuseIncoming(error, delayMs = 0) {
      if (error === null) return hub.refuseMessagesTo(phoneNumber, null);
      if (!(Number.isInteger(error) && error >= 400 && error <= 599))
        throw new SimError('bad-input', 'error must be an integer from 400 to 599, or null');
      if (!(Number.isInteger(delayMs) && delayMs >= 0 && delayMs <= 10_000))
        throw new SimError('bad-input', 'delayMs must be an integer from 0 to 10000');
      hub.refuseMessagesTo(phoneNumber, { error, delayMs });
    },
  };
}
