/**
 * The one module that reads and writes WhatsApp identifiers on our side of the engine port. Formats:
 * `USER[:DEVICE]@SERVER`, servers `s.whatsapp.net` (phone numbers) and `lid` (LIDs).
 */
import { normalisePhone } from '../shared/phone-number.ts';

const JID = /^([0-9]+)(?::([0-9]+))?@(s\.whatsapp\.net|lid)$/;

export interface ParsedJid {
  user: string;
  device: number;
  server: 's.whatsapp.net' | 'lid';
}

export function parseJid(jid: string): ParsedJid | null {
  const match = JID.exec(jid);
  if (!match?.[1] || !match[3]) return null;
  return { user: match[1], device: match[2] ? Number(match[2]) : 0, server: match[3] as ParsedJid['server'] };
}

/** A recipient as users write it (phone with or without `+`, or a JID) → the user JID; null if invalid. */
export function recipientJid(input: string): string | null {
  const phone = normalisePhone(input);
  if (phone) return `${phone}@s.whatsapp.net`;
  const jid = parseJid(input.trim());
  return jid ? `${jid.user}@${jid.server}` : null;
}

/** The phone number of a PN JID (device suffix dropped); null for LIDs and anything else. */
export function phoneOf(jid: string | null | undefined): string | null {
  const parsed = jid ? parseJid(jid) : null;
  return parsed?.server === 's.whatsapp.net' ? parsed.user : null;
}

/** Group chats end in `@g.us`; their senders are named by `participant`. */
export const isGroupJid = (jid: string | null | undefined): boolean => Boolean(jid?.endsWith('@g.us'));

export const isLidJid = (jid: string | null | undefined): boolean => (jid ? parseJid(jid)?.server === 'lid' : false);

/** `user@server` without the device part. */
export function userJid(jid: string | null | undefined): string | null {
  const parsed = jid ? parseJid(jid) : null;
  return parsed ? `${parsed.user}@${parsed.server}` : null;
}
