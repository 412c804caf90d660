import type { BinaryNode } from '@whiskeysockets/baileys';

/** One `<user>` of a usync query: by JID, or by phone number (`contact` protocol, "+PHONE"). */
export interface UsyncUserQuery {
  readonly jid?: string;
  readonly phone?: string;
}

/** A parsed `<iq xmlns="usync" type="get"><usync>`. */
export interface UsyncQuery {
  readonly id: string;
  readonly sid: string;
  readonly context: string;
  readonly mode: string;
  /** Protocol names under `<query>`: devices, lid, contact, status, disappearing_mode, … */
  readonly protocols: readonly string[];
  readonly users: readonly UsyncUserQuery[];
}

/** What the server knows about one queried account; `undefined` from the resolver means "not on WhatsApp". */
export interface UsyncAccount {
  /** `PHONE@s.whatsapp.net` */
  readonly pnJid: string;
  /** `LIDUSER@lid` */
  readonly lidJid: string;
  /** Device ids (0 = the phone); non-zero ones get a key-index so Baileys does not skip them. */
  readonly devices: readonly number[];
}

const kids = (node: BinaryNode | undefined): BinaryNode[] => (Array.isArray(node?.content) ? node.content : []);
const kid = (node: BinaryNode | undefined, tag: string): BinaryNode | undefined =>
  kids(node).find((c) => c.tag === tag);

function text(node: BinaryNode | undefined): string | undefined {
  const content = node?.content;
  if (typeof content === 'string') return content;
  if (content instanceof Uint8Array) return Buffer.from(content).toString('utf8');
  return undefined;
}

/** Parses a usync query iq. */
export function parseUsyncQuery(iq: BinaryNode): UsyncQuery {
  const usync = kid(iq, 'usync');
  if (!usync) throw new Error('usync iq lacks <usync>');
  const users = kids(kid(usync, 'list'))
    .filter((user) => user.tag === 'user')
    .map((user): UsyncUserQuery => {
      const phone = text(kid(user, 'contact'));
      return { ...(user.attrs.jid ? { jid: user.attrs.jid } : {}), ...(phone ? { phone } : {}) };
    });
  return {
    id: iq.attrs.id ?? '',
    sid: usync.attrs.sid ?? '',
    context: usync.attrs.context ?? '',
    mode: usync.attrs.mode ?? '',
    protocols: kids(kid(usync, 'query')).map((p) => p.tag),
    users,
  };
}

function protocolNode(protocol: string, account: UsyncAccount | undefined, keyIndexTs: number): BinaryNode | undefined {
  switch (protocol) {
    case 'contact':
      return { tag: 'contact', attrs: { type: account ? 'in' : 'out' } };
    case 'lid':
      return account ? { tag: 'lid', attrs: { val: account.lidJid } } : { tag: 'lid', attrs: {} };
    case 'devices': {
      const devices = (account?.devices ?? []).map((id): BinaryNode => ({
        tag: 'device',
        attrs: id === 0 ? { id: '0' } : { id: String(id), 'key-index': '1' },
      }));
      return {
        tag: 'devices',
        attrs: {},
        content: [
          { tag: 'device-list', attrs: {}, content: devices },
          { tag: 'key-index-list', attrs: { ts: String(keyIndexTs) } },
        ],
      };
    }
    case 'status':
      return { tag: 'status', attrs: { t: String(keyIndexTs) } };
    case 'disappearing_mode':
      return { tag: 'disappearing_mode', attrs: { duration: '0', t: String(keyIndexTs) } };
    default:
      return undefined;
  }
}

/**
 * Answers a usync query. Each user comes back under the JID it was asked by (Baileys matches
 * results by `jid`); users asked by phone number come back as `PHONE@s.whatsapp.net`.
 */
export function answerUsync(
  query: UsyncQuery,
  resolve: (user: UsyncUserQuery) => UsyncAccount | undefined,
): BinaryNode {
  const now = Math.floor(Date.now() / 1000);
  const list = query.users.map((user): BinaryNode => {
    const account = resolve(user);
    const jid = user.jid ?? account?.pnJid ?? `${(user.phone ?? '').replace(/^\+/, '')}@s.whatsapp.net`;
    const content = query.protocols
      .map((protocol) => protocolNode(protocol, account, now))
      .filter((node): node is BinaryNode => node !== undefined);
    return { tag: 'user', attrs: { jid }, content };
  });
  return {
    tag: 'iq',
    attrs: { from: 's.whatsapp.net', type: 'result', id: query.id },
    content: [
      {
        tag: 'usync',
        attrs: { sid: query.sid, index: '0', last: 'true' },
        content: [
          { tag: 'result', attrs: {}, content: query.protocols.map((p): BinaryNode => ({ tag: p, attrs: {} })) },
          { tag: 'list', attrs: {}, content: list },
        ],
      },
    ],
  };
}
