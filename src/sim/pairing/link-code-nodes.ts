import type { BinaryNode } from '@whiskeysockets/baileys';
import { LinkCodeError } from './link-code-crypto.ts';

const REG_TAG = 'link_code_companion_reg';

/** What the companion (Baileys) sent in `stage="companion_hello"`. */
export interface CompanionHello {
  /** `PHONE@s.whatsapp.net` of the account the companion wants to link to. */
  readonly jid: string;
  readonly wrappedCompanionEphemeralPub: Buffer;
  /** The companion's Noise static key: it authenticates the device's later logins. */
  readonly companionNoisePub: Buffer;
  readonly platformId: string;
  readonly platformDisplay: string;
}

/** What the companion sent in `stage="companion_finish"`. */
export interface CompanionFinish {
  readonly jid: string;
  readonly wrappedKeyBundle: Buffer;
  readonly companionIdentityPub: Buffer;
  readonly ref: Buffer;
}

function regNode(node: BinaryNode): BinaryNode {
  if (node.tag === REG_TAG) return node;
  const child = Array.isArray(node.content) ? node.content.find((c) => c.tag === REG_TAG) : undefined;
  if (!child) throw new LinkCodeError('malformed-node', `no <${REG_TAG}> in <${node.tag}>`);
  return child;
}

function childBytes(node: BinaryNode, tag: string): Buffer {
  const child = Array.isArray(node.content) ? node.content.find((c) => c.tag === tag) : undefined;
  const content = child?.content;
  if (typeof content === 'string') return Buffer.from(content, 'utf8');
  if (content instanceof Uint8Array) return Buffer.from(content);
  throw new LinkCodeError('malformed-node', `<${REG_TAG}> lacks <${tag}>`);
}

function expectStage(node: BinaryNode, stage: string): BinaryNode {
  const reg = regNode(node);
  if (reg.attrs.stage !== stage) {
    throw new LinkCodeError('malformed-node', `expected stage ${stage}, got ${reg.attrs.stage ?? 'none'}`);
  }
  const jid = reg.attrs.jid;
  if (!jid) throw new LinkCodeError('malformed-node', `<${REG_TAG}> lacks jid`);
  return reg;
}

/** Returns the stage of a `link_code_companion_reg` iq (or of the node itself), if any. */
export function linkCodeStage(node: BinaryNode): string | undefined {
  try {
    return regNode(node).attrs.stage;
  } catch {
    return undefined;
  }
}

/** Parses `<iq xmlns="md"><link_code_companion_reg stage="companion_hello">`. */
export function parseCompanionHello(node: BinaryNode): CompanionHello {
  const reg = expectStage(node, 'companion_hello');
  const companionNoisePub = childBytes(reg, 'companion_server_auth_key_pub');
  if (companionNoisePub.length !== 32) throw new LinkCodeError('malformed-node', 'noise key must be 32 bytes');
  return {
    jid: reg.attrs.jid ?? '',
    wrappedCompanionEphemeralPub: childBytes(reg, 'link_code_pairing_wrapped_companion_ephemeral_pub'),
    companionNoisePub,
    platformId: childBytes(reg, 'companion_platform_id').toString('utf8'),
    platformDisplay: childBytes(reg, 'companion_platform_display').toString('utf8'),
  };
}

/** Parses `<iq xmlns="md"><link_code_companion_reg stage="companion_finish">`. */
export function parseCompanionFinish(node: BinaryNode): CompanionFinish {
  const reg = expectStage(node, 'companion_finish');
  const companionIdentityPub = childBytes(reg, 'companion_identity_public');
  if (companionIdentityPub.length !== 32) throw new LinkCodeError('malformed-node', 'identity must be 32 bytes');
  return {
    jid: reg.attrs.jid ?? '',
    wrappedKeyBundle: childBytes(reg, 'link_code_pairing_wrapped_key_bundle'),
    companionIdentityPub,
    ref: childBytes(reg, 'link_code_pairing_ref'),
  };
}

/** The server's answer to companion_hello (Baileys ignores it; the real server sends the ref). */
export function buildCompanionHelloResult(iqId: string, ref: Uint8Array): BinaryNode {
  return {
    tag: 'iq',
    attrs: { from: 's.whatsapp.net', type: 'result', id: iqId },
    content: [{ tag: REG_TAG, attrs: {}, content: [{ tag: 'link_code_pairing_ref', attrs: {}, content: ref }] }],
  };
}

/** Fields of the `primary_hello` notification the phone triggers by entering the code. */
export interface PrimaryHelloFields {
  readonly id: string;
  readonly ref: Uint8Array;
  readonly primaryIdentityPub: Uint8Array;
  readonly wrappedPrimaryEphemeralPub: Uint8Array;
  /** Unix seconds; defaults to now. */
  readonly t?: number;
}

/** Builds `<notification type="link_code_companion_reg"><link_code_companion_reg stage="primary_hello">`. */
export function buildPrimaryHello(fields: PrimaryHelloFields): BinaryNode {
  const t = fields.t ?? Math.floor(Date.now() / 1000);
  return {
    tag: 'notification',
    attrs: { from: 's.whatsapp.net', type: REG_TAG, id: fields.id, t: String(t) },
    content: [
      {
        tag: REG_TAG,
        attrs: { stage: 'primary_hello' },
        content: [
          { tag: 'link_code_pairing_ref', attrs: {}, content: fields.ref },
          { tag: 'primary_identity_pub', attrs: {}, content: fields.primaryIdentityPub },
          {
            tag: 'link_code_pairing_wrapped_primary_ephemeral_pub',
            attrs: {},
            content: fields.wrappedPrimaryEphemeralPub,
          },
        ],
      },
    ],
  };
}
