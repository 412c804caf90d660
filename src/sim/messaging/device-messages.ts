import type { BinaryNode } from '@whiskeysockets/baileys';
import { decodeMessage } from '../signal/message-codec.ts';
import {
  buildMessageAck,
  type EncryptedCopy,
  type OutgoingMessage,
  parseDeviceReceipt,
  parseOutgoingMessage,
} from '../signal/message-stanzas.ts';
import { type HubAccount, type HubContext, lidJid, pnJid } from './hub-context.ts';
import { describeMessage } from './message-content.ts';
import { receivedMedia } from './phone-media.ts';
import type { SentStatus } from './text-log.ts';

/** A linked device's stream: which account and device sent the stanza. */
export interface DeviceRef {
  readonly phoneNumber: string;
  readonly deviceId: number;
}

/** Problems the router met but answered anyway (the wire keeps going, tests can inspect these). */
export type RouteIssue = { readonly jid: string; readonly reason: string };

/** Remembers which device sent which forwarded message, so receipts can find their way back. */
export type SenderIndex = Map<string, DeviceRef>;

/** How many message ids the sender index keeps (oldest forgotten first). */
const SENDER_INDEX_LIMIT = 10_000;

function remember(senders: SenderIndex, id: string, from: DeviceRef): void {
  senders.set(id, from);
  if (senders.size <= SENDER_INDEX_LIMIT) return;
  const oldest = senders.keys().next();
  if (!oldest.done) senders.delete(oldest.value);
}

async function receiveOnPhone(
  ctx: HubContext,
  sender: HubAccount,
  from: DeviceRef,
  target: HubAccount,
  msg: OutgoingMessage,
  copy: EncryptedCopy,
): Promise<void> {
  if (copy.type === 'skmsg') throw new Error('group messages are not simulated');
  const plain = await ctx.primary(target).decrypt(lidJid(sender, from.deviceId), copy.type, copy.ciphertext);
  const message = decodeMessage(plain);
  const content = describeMessage(message);
  // Copies for the sender's own phone (deviceSentMessage) and protocol-only messages are not "received".
  if (target.phoneNumber === sender.phoneNumber || content === undefined) return;
  const { media, ...rest } = content;
  ctx.log.record(target.phoneNumber, {
    ...rest,
    id: msg.id,
    from: pnJid(sender),
    fromDevice: pnJid(sender, from.deviceId),
    t: Math.floor(Date.now() / 1000),
    message,
    // Media is downloaded and checked on arrival, like a phone with auto-download on.
    ...(media ? { media: receivedMedia(ctx.media, media) } : {}),
  });
}

function forwardToDevice(
  ctx: HubContext,
  sender: HubAccount,
  from: DeviceRef,
  target: HubAccount,
  deviceId: number,
  msg: OutgoingMessage,
  copy: EncryptedCopy,
): void {
  const own = target.phoneNumber === sender.phoneNumber;
  const attrs: Record<string, string> = {
    from: pnJid(sender, from.deviceId),
    id: msg.id,
    t: String(Math.floor(Date.now() / 1000)),
    type: msg.type,
    sender_lid: lidJid(sender),
  };
  if (msg.category) attrs.category = msg.category;
  // Our own message on another of our devices: Baileys wants the chat in `recipient` (fromMe).
  else if (own) attrs.recipient = msg.to;
  if (!own) attrs.notify = sender.pushName;
  const content: BinaryNode[] = [{ tag: 'enc', attrs: { v: '2', type: copy.type }, content: copy.ciphertext }];
  if (copy.type === 'pkmsg' && msg.deviceIdentity)
    content.push({ tag: 'device-identity', attrs: {}, content: msg.deviceIdentity });
  ctx.deliverOrQueue(target, deviceId, { tag: 'message', attrs, content });
}

/**
 * Routes a `<message>` a linked device sent: copies for a phone (device 0) are decrypted by that
 * phone's virtual device and logged; copies for linked devices are forwarded (or queued).
 * Returns the server ack and whatever could not be routed.
 */
export async function routeDeviceMessage(
  ctx: HubContext,
  senders: SenderIndex,
  from: DeviceRef,
  node: BinaryNode,
): Promise<{ ack: BinaryNode; issues: RouteIssue[] }> {
  const msg = parseOutgoingMessage(node);
  const sender = ctx.port.accountByPhone(from.phoneNumber);
  const issues: RouteIssue[] = [];
  if (!sender)
    return { ack: buildMessageAck(msg.id, msg.to), issues: [{ jid: from.phoneNumber, reason: 'unknown sender' }] };
  const refusal = ctx.refusals.get(ctx.resolve(msg.to)?.account.phoneNumber ?? '');
  if (refusal !== undefined) {
    // The server rejects the stanza: nothing is routed, and the sender learns it from the ack alone.
    if (refusal.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, refusal.delayMs));
    const ack = buildMessageAck(msg.id, msg.to);
    ack.attrs.error = String(refusal.error);
    return { ack, issues: [] };
  }
  remember(senders, msg.id, from);
  for (const copy of msg.copies) {
    const target = ctx.resolve(copy.jid);
    if (!target) {
      issues.push({ jid: copy.jid, reason: 'no such account' });
      continue;
    }
    const deviceId = target.deviceId ?? 0;
    try {
      if (deviceId === 0) await receiveOnPhone(ctx, sender, from, target.account, msg, copy);
      else forwardToDevice(ctx, sender, from, target.account, deviceId, msg, copy);
    } catch (err) {
      issues.push({ jid: copy.jid, reason: err instanceof Error ? err.message : String(err) });
    }
  }
  return { ack: buildMessageAck(msg.id, msg.to), issues };
}

const STATUS_BY_RECEIPT: Readonly<Record<string, SentStatus>> = {
  delivery: 'delivered',
  inactive: 'delivered',
  read: 'read',
  'read-self': 'read',
  played: 'played',
};

/**
 * Handles a `<receipt>` a linked device sent about messages it received: a phone's own texts get
 * their status raised; receipts for texts another linked device sent go back to that device.
 */
export function routeDeviceReceipt(ctx: HubContext, senders: SenderIndex, from: DeviceRef, node: BinaryNode): void {
  const receipt = parseDeviceReceipt(node);
  const status = STATUS_BY_RECEIPT[receipt.type ?? 'delivery'];
  const reader = ctx.port.accountByPhone(from.phoneNumber);
  const target = ctx.resolve(receipt.to);
  if (!status || !reader || !target) return;
  for (const id of receipt.ids) {
    ctx.log.markSent(target.account.phoneNumber, id, status);
    const origin = senders.get(id);
    const originAccount = origin ? ctx.port.accountByPhone(origin.phoneNumber) : undefined;
    if (!origin || !originAccount || origin.phoneNumber === reader.phoneNumber) continue;
    const attrs: Record<string, string> = { from: pnJid(reader), id, t: String(Math.floor(Date.now() / 1000)) };
    if (receipt.type === 'read' || receipt.type === 'played') attrs.type = receipt.type;
    ctx.deliverOrQueue(originAccount, origin.deviceId, { tag: 'receipt', attrs });
  }
}
