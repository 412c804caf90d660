import type { BinaryNode } from '@whiskeysockets/baileys';
import { answerKeyFetch } from '../signal/key-fetch.ts';
import { answerUsync, parseUsyncQuery, type UsyncAccount, type UsyncUserQuery } from '../signal/usync.ts';
import type { DeviceRef } from './device-messages.ts';
import { deviceKey, type HubContext, lidJid, pnJid } from './hub-context.ts';

const kids = (node: BinaryNode): BinaryNode[] => (Array.isArray(node.content) ? node.content : []);
const result = (iq: BinaryNode, content?: BinaryNode[]): BinaryNode => ({
  tag: 'iq',
  attrs: { from: 's.whatsapp.net', type: 'result', id: iq.attrs.id ?? '' },
  ...(content ? { content } : {}),
});

function usyncAccount(ctx: HubContext, user: UsyncUserQuery): UsyncAccount | undefined {
  const target = user.jid ? ctx.resolve(user.jid) : user.phone ? ctx.resolve(user.phone) : undefined;
  if (!target) return undefined;
  const { account } = target;
  return { pnJid: pnJid(account), lidJid: lidJid(account), devices: [0, ...account.deviceIds] };
}

function digest(ctx: HubContext, key: string): BinaryNode[] {
  const bundle = ctx.preKeys.bundle(key);
  const ids = [...(bundle?.oneTimePreKeys.keys() ?? [])];
  const id3 = (n: number): Buffer => Buffer.from([(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]);
  return [
    {
      tag: 'digest',
      attrs: {},
      content: [
        { tag: 'type', attrs: {}, content: Buffer.from([5]) },
        { tag: 'registration', attrs: {}, content: Buffer.alloc(4) },
        { tag: 'identity', attrs: {}, content: bundle?.identityKey ?? Buffer.alloc(32) },
        { tag: 'skey', attrs: {}, content: [{ tag: 'id', attrs: {}, content: id3(bundle?.signedPreKey.id ?? 0) }] },
        { tag: 'list', attrs: {}, content: ids.map((id): BinaryNode => ({ tag: 'id', attrs: {}, content: id3(id) })) },
        { tag: 'hash', attrs: {}, content: Buffer.alloc(20) },
      ],
    },
  ];
}

/**
 * Answers the iqs messaging owns (usync; encrypt count, upload, rotate, digest, key fetch; privacy
 * tokens). Returns undefined for any other iq, so the caller can route it elsewhere.
 */
export function answerMessagingIq(ctx: HubContext, from: DeviceRef, iq: BinaryNode): BinaryNode | undefined {
  const { xmlns, type } = iq.attrs;
  const first = kids(iq)[0]?.tag;
  const key = deviceKey(from.phoneNumber, from.deviceId);
  if (xmlns === 'usync' && type === 'get') return answerUsync(parseUsyncQuery(iq), (user) => usyncAccount(ctx, user));
  if (xmlns === 'privacy' && type === 'set' && first === 'tokens') return result(iq);
  if (xmlns !== 'encrypt') return undefined;
  if (type === 'get' && first === 'count') {
    return result(iq, [{ tag: 'count', attrs: { value: String(ctx.preKeys.count(key)) } }]);
  }
  if (type === 'get' && first === 'digest') return result(iq, digest(ctx, key));
  if (type === 'get' && first === 'key') {
    return answerKeyFetch(iq, (jid) => {
      const target = ctx.resolve(jid);
      if (!target) return undefined;
      const deviceId = target.deviceId ?? 0;
      if (deviceId === 0) return ctx.primary(target.account).publicBundle();
      if (!target.account.deviceIds.includes(deviceId)) return undefined;
      return ctx.preKeys.bundle(deviceKey(target.account.phoneNumber, deviceId));
    });
  }
  if (type === 'set' && kids(iq).some((c) => c.tag === 'registration')) {
    ctx.preKeys.upload(key, iq);
    return result(iq);
  }
  if (type === 'set' && first === 'rotate') {
    ctx.preKeys.rotate(key, iq);
    return result(iq);
  }
  return undefined;
}
