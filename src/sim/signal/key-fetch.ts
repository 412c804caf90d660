import type { BinaryNode } from '@whiskeysockets/baileys';
import { buildKeyBundleUser, type DeviceBundle, takeOneTimePreKey } from './device-bundle.ts';

/** One `<user jid [reason="identity"]/>` of a key fetch. */
export interface KeyFetchRequest {
  readonly jid: string;
  readonly reason?: string;
}

/** Parses `<iq xmlns="encrypt" type="get"><key><user jid/>…</key></iq>`. */
export function parseKeyFetch(iq: BinaryNode): KeyFetchRequest[] {
  const key = Array.isArray(iq.content) ? iq.content.find((c) => c.tag === 'key') : undefined;
  if (!key || !Array.isArray(key.content)) throw new Error('key fetch lacks <key>');
  return key.content
    .filter((user) => user.tag === 'user' && user.attrs.jid)
    .map((user) => ({ jid: user.attrs.jid ?? '', ...(user.attrs.reason ? { reason: user.attrs.reason } : {}) }));
}

/**
 * Answers a key fetch: one bundle per known device, each consuming one one-time pre-key (none when
 * they ran out, which libsignal accepts). Unknown devices are left out rather than answered with an
 * `<error>`, because one error child makes Baileys reject the whole answer.
 */
export function answerKeyFetch(iq: BinaryNode, lookup: (jid: string) => DeviceBundle | undefined): BinaryNode {
  const users: BinaryNode[] = [];
  for (const { jid } of parseKeyFetch(iq)) {
    const bundle = lookup(jid);
    if (bundle) users.push(buildKeyBundleUser(jid, bundle, takeOneTimePreKey(bundle)));
  }
  return {
    tag: 'iq',
    attrs: { from: 's.whatsapp.net', type: 'result', id: iq.attrs.id ?? '' },
    content: [{ tag: 'list', attrs: {}, content: users }],
  };
}
