import type { BinaryNode } from '@whiskeysockets/baileys';
import type { Ciphertext, EncType } from './virtual-device.ts';

/** One `<enc>` of an outgoing message, with the device it is for. */
export interface EncryptedCopy {
  /** Recipient device JID (`<to jid>`), or the message's `to` for a bare `<enc>` (peer messages). */
  readonly jid: string;
  readonly type: EncType | 'skmsg';
  readonly ciphertext: Buffer;
}

/** A `<message>` stanza a linked device sent. */
export interface OutgoingMessage {
  readonly id: string;
  readonly to: string;
  readonly type: string;
  readonly category?: string;
  readonly copies: readonly EncryptedCopy[];
  readonly deviceIdentity?: Buffer;
}

const kids = (node: BinaryNode | undefined): BinaryNode[] => (Array.isArray(node?.content) ? node.content : []);

function encCopy(jid: string, enc: BinaryNode): EncryptedCopy {
  const type = enc.attrs.type;
  if (type !== 'pkmsg' && type !== 'msg' && type !== 'skmsg') throw new Error(`unknown <enc type="${type ?? ''}">`);
  if (!(enc.content instanceof Uint8Array)) throw new Error('<enc> without ciphertext');
  return { jid, type, ciphertext: Buffer.from(enc.content) };
}

/** Parses `<message id to type><participants><to jid><enc/></to>…</participants>` (or bare `<enc>`). */
export function parseOutgoingMessage(node: BinaryNode): OutgoingMessage {
  const { id, to, type, category } = node.attrs;
  if (node.tag !== 'message' || !id || !to) throw new Error('not a <message> with id and to');
  const copies: EncryptedCopy[] = [];
  for (const child of kids(node)) {
    if (child.tag === 'enc') copies.push(encCopy(to, child));
    if (child.tag !== 'participants') continue;
    for (const target of kids(child)) {
      const enc = kids(target).find((c) => c.tag === 'enc');
      if (target.tag === 'to' && target.attrs.jid && enc) copies.push(encCopy(target.attrs.jid, enc));
    }
  }
  const identity = kids(node).find((c) => c.tag === 'device-identity')?.content;
  return {
    id,
    to,
    type: type ?? 'text',
    ...(category ? { category } : {}),
    copies,
    ...(identity instanceof Uint8Array ? { deviceIdentity: Buffer.from(identity) } : {}),
  };
}

/** Fields of a message delivered to one linked device. */
export interface DeviceMessageFields {
  readonly id: string;
  /** Sender device JID, `PHONE@s.whatsapp.net` for a phone or `PHONE:DEV@s.whatsapp.net` for a companion. */
  readonly from: string;
  readonly enc: Ciphertext;
  readonly t?: number;
  readonly type?: string;
  readonly notify?: string;
  readonly senderLid?: string;
  readonly offline?: boolean;
  readonly category?: string;
  readonly deviceIdentity?: Uint8Array;
}

/** `<message from id t type notify [offline] [sender_lid]><enc v="2" type/></message>` for a device. */
export function buildDeviceMessage(fields: DeviceMessageFields): BinaryNode {
  const attrs: Record<string, string> = {
    from: fields.from,
    id: fields.id,
    t: String(fields.t ?? Math.floor(Date.now() / 1000)),
    type: fields.type ?? 'text',
  };
  if (fields.notify) attrs.notify = fields.notify;
  if (fields.senderLid) attrs.sender_lid = fields.senderLid;
  if (fields.category) attrs.category = fields.category;
  if (fields.offline) attrs.offline = '1';
  const content: BinaryNode[] = [
    { tag: 'enc', attrs: { v: '2', type: fields.enc.type }, content: fields.enc.ciphertext },
  ];
  if (fields.deviceIdentity) content.push({ tag: 'device-identity', attrs: {}, content: fields.deviceIdentity });
  return { tag: 'message', attrs, content };
}

/** The server's `<ack class="message" id from t/>` for a message a device sent to `from`. */
export function buildMessageAck(id: string, from: string, t = Math.floor(Date.now() / 1000)): BinaryNode {
  return { tag: 'ack', attrs: { class: 'message', id, from, t: String(t) } };
}

/** Receipt kinds a contact can send back; `delivered` is a receipt without a type. */
export type ReceiptKind = 'delivered' | 'read' | 'played';

/** `<receipt from id t [type]/>` from a contact about a message a device sent. */
export function buildReceipt(
  id: string,
  from: string,
  kind: ReceiptKind,
  t = Math.floor(Date.now() / 1000),
): BinaryNode {
  const attrs: Record<string, string> = { from, id, t: String(t) };
  if (kind !== 'delivered') attrs.type = kind;
  return { tag: 'receipt', attrs };
}

/**
 * A retry receipt: the phone could not decrypt a message and asks the sender's device to send it again.
 * `registration` is the asking device's registration id (4 bytes BE), so the sender keeps its session.
 */
export function buildRetryReceipt(
  id: string,
  from: string,
  registrationId: number,
  count = 1,
  t = Math.floor(Date.now() / 1000),
): BinaryNode {
  const registration = Buffer.alloc(4);
  registration.writeUInt32BE(registrationId);
  return {
    tag: 'receipt',
    attrs: { from, id, t: String(t), type: 'retry' },
    content: [
      { tag: 'retry', attrs: { count: String(count), id, t: String(t), v: '1' } },
      { tag: 'registration', attrs: {}, content: registration },
    ],
  };
}

/** A receipt a device sent about messages it received. */
export interface DeviceReceipt {
  readonly ids: readonly string[];
  readonly to: string;
  /** Absent for a plain delivery receipt; `read`, `inactive`, `peer_msg`, … otherwise. */
  readonly type?: string;
}

/** Parses `<receipt id to [type]>[<list><item id/>…</list>]</receipt>`. */
export function parseDeviceReceipt(node: BinaryNode): DeviceReceipt {
  const { id, to, type } = node.attrs;
  if (node.tag !== 'receipt' || !id || !to) throw new Error('not a <receipt> with id and to');
  const list = kids(node).find((c) => c.tag === 'list');
  const more = kids(list).flatMap((item) => (item.tag === 'item' && item.attrs.id ? [item.attrs.id] : []));
  return { ids: [id, ...more], to, ...(type ? { type } : {}) };
}
