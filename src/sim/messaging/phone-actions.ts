import { claimPreKeyBundle } from '../signal/device-bundle.ts';
import type { proto } from '@whiskeysockets/baileys';
import { encodeMessage } from '../signal/message-codec.ts';
import { buildDeviceMessage, buildReceipt, buildRetryReceipt, type ReceiptKind } from '../signal/message-stanzas.ts';
import { deviceKey, type HubContext, lidJid, newMessageId, pnJid } from './hub-context.ts';
import { describeMessage } from './message-content.ts';
import { buildMediaMessage, type PhoneMedia } from './phone-media.ts';

/** Why a phone action was refused; each maps to a 4xx on the control API. */
export type MessagingFailure =
  'unknown-phone' | 'unknown-recipient' | 'no-linked-devices' | 'unknown-message' | 'bad-input';

/** A refused phone action with a machine-readable reason. */
export class MessagingError extends Error {
  readonly reason: MessagingFailure;
  constructor(reason: MessagingFailure, message: string) {
    super(message);
    this.name = 'MessagingError';
    this.reason = reason;
  }
}

/** Outcome of a phone sending a text. */
export interface SendTextResult {
  readonly id: string;
  readonly t: number;
  readonly delivered: number;
  readonly queued: number;
}

/** The phone `fromPhone` sends `text` to every linked device of `to` (a phone number or JID). */
export async function sendTextFromPhone(
  ctx: HubContext,
  fromPhone: string,
  to: string,
  text: string,
): Promise<SendTextResult> {
  if (typeof text !== 'string' || text.length === 0)
    throw new MessagingError('bad-input', 'text must be a non-empty string');
  return sendFromPhone(ctx, fromPhone, to, { conversation: text });
}

/** The phone encrypts and uploads media to the simulator's media host, then sends the media message. */
export async function sendMediaFromPhone(
  ctx: HubContext,
  fromPhone: string,
  to: string,
  media: PhoneMedia,
): Promise<SendTextResult> {
  if (!(media.bytes instanceof Uint8Array) || media.bytes.length === 0)
    throw new MessagingError('bad-input', 'media bytes must not be empty');
  if (!ctx.media) throw new MessagingError('bad-input', 'the simulator runs without a media host');
  // Resolve first, so a refused send uploads nothing.
  recipientDevices(ctx, fromPhone, to);
  return sendFromPhone(ctx, fromPhone, to, buildMediaMessage(ctx.media, media));
}

function recipientDevices(ctx: HubContext, fromPhone: string, to: string) {
  const sender = ctx.port.accountByPhone(fromPhone);
  if (!sender) throw new MessagingError('unknown-phone', `no phone ${fromPhone}`);
  const target = ctx.resolve(to);
  if (!target) throw new MessagingError('unknown-recipient', `no account for ${to}`);
  const recipient = target.account;
  const ids = target.deviceId !== undefined ? [target.deviceId] : recipient.deviceIds;
  const devices = ids.filter(
    (id) => id !== 0 && recipient.deviceIds.includes(id) && ctx.preKeys.bundle(deviceKey(recipient.phoneNumber, id)),
  );
  if (devices.length === 0)
    throw new MessagingError('no-linked-devices', `${to} has no linked device that can receive`);
  return { sender, recipient, devices };
}

/** Signal-encrypts one message for every receiving device of `to` and delivers (or queues) it. */
async function sendFromPhone(
  ctx: HubContext,
  fromPhone: string,
  to: string,
  message: proto.IMessage,
): Promise<SendTextResult> {
  const { sender, recipient, devices } = recipientDevices(ctx, fromPhone, to);
  const content = describeMessage(message);
  const type = content?.type ?? 'text';
  const id = newMessageId();
  const t = Math.floor(Date.now() / 1000);
  const phone = ctx.primary(sender);
  let delivered = 0;
  let queued = 0;
  for (const deviceId of devices) {
    const enc = await phone.encrypt(lidJid(recipient, deviceId), encodeMessage(message), () => {
      const bundle = ctx.preKeys.bundle(deviceKey(recipient.phoneNumber, deviceId));
      return bundle ? claimPreKeyBundle(bundle) : undefined;
    });
    // The stanza type is `media` for every media kind, as on WhatsApp (fact sheet §11.2).
    const stanzaType = type === 'text' ? 'text' : type === 'reaction' ? 'reaction' : 'media';
    const node = buildDeviceMessage({
      id,
      from: pnJid(sender),
      enc,
      t,
      type: stanzaType,
      notify: sender.pushName,
      senderLid: lidJid(sender),
    });
    const outcome = ctx.deliverOrQueue(recipient, deviceId, node);
    if (outcome === 'delivered') delivered++;
    if (outcome === 'queued') queued++;
  }
  const text = content?.text ?? '';
  ctx.log.recordSent(sender.phoneNumber, {
    id,
    to: pnJid(recipient),
    type,
    text,
    t,
    deviceCount: devices.length,
    status: 'sent',
  });
  return { id, t, delivered, queued };
}

/** The phone that received a message, and the device that sent it (the one its receipts go to). */
function receiptRoute(ctx: HubContext, phoneNumber: string, messageId: string) {
  const reader = ctx.port.accountByPhone(phoneNumber);
  if (!reader) throw new MessagingError('unknown-phone', `no phone ${phoneNumber}`);
  const text = ctx.log.find(phoneNumber, messageId);
  if (!text) throw new MessagingError('unknown-message', `${phoneNumber} received no message ${messageId}`);
  const origin = ctx.resolve(text.fromDevice);
  if (!origin || origin.deviceId === undefined)
    throw new MessagingError('unknown-recipient', `sender ${text.fromDevice} is gone`);
  return { reader, account: origin.account, deviceId: origin.deviceId };
}

/** The phone sends a delivery/read/played receipt for a text it received, to the device that sent it. */
export function sendReceiptFromPhone(ctx: HubContext, phoneNumber: string, messageId: string, kind: ReceiptKind): void {
  const route = receiptRoute(ctx, phoneNumber, messageId);
  ctx.deliverOrQueue(route.account, route.deviceId, buildReceipt(messageId, pnJid(route.reader), kind));
}

/** The phone asks the device that sent a message to send it again (as after a failed decryption). */
export function sendRetryReceiptFromPhone(ctx: HubContext, phoneNumber: string, messageId: string): void {
  const route = receiptRoute(ctx, phoneNumber, messageId);
  const receipt = buildRetryReceipt(messageId, pnJid(route.reader), ctx.primary(route.reader).registrationId);
  ctx.deliverOrQueue(route.account, route.deviceId, receipt);
}
