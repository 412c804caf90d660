import type { BinaryNode } from '@whiskeysockets/baileys';

/** A signed pre-key as it travels in `<skey>`: 32-byte public key, XEdDSA signature over 0x05‖key. */
export interface SignedPreKey {
  readonly id: number;
  readonly public: Buffer;
  readonly signature: Buffer;
}

/** The public Signal material of one device, as uploaded by a linked device or held for a virtual one. */
export interface DeviceBundle {
  readonly registrationId: number;
  /** 32-byte identity key (no 0x05 prefix). */
  readonly identityKey: Buffer;
  signedPreKey: SignedPreKey;
  /** Unused one-time pre-keys by id; the server hands each out once. */
  readonly oneTimePreKeys: Map<number, Buffer>;
}

/** A one-time pre-key taken out of a bundle. */
export interface OneTimePreKey {
  readonly id: number;
  readonly public: Buffer;
}

const KEY_TYPE = Buffer.from([5]);

function children(node: BinaryNode | undefined): BinaryNode[] {
  return Array.isArray(node?.content) ? node.content : [];
}

function child(node: BinaryNode | undefined, tag: string): BinaryNode | undefined {
  return children(node).find((c) => c.tag === tag);
}

function bytes(node: BinaryNode | undefined, tag: string, length?: number): Buffer {
  const content = child(node, tag)?.content;
  if (!(content instanceof Uint8Array)) throw new Error(`pre-key node lacks <${tag}>`);
  if (length !== undefined && content.length !== length) {
    throw new Error(`<${tag}> must be ${length} bytes, got ${content.length}`);
  }
  return Buffer.from(content);
}

function bigEndian(value: number, length: number): Buffer {
  const out = Buffer.alloc(length);
  out.writeUIntBE(value, 0, length);
  return out;
}

/** Parses `<skey><id/><value/><signature/></skey>`. */
export function parseSignedPreKey(skey: BinaryNode | undefined): SignedPreKey {
  if (!skey) throw new Error('pre-key node lacks <skey>');
  return {
    id: bytes(skey, 'id', 3).readUIntBE(0, 3),
    public: bytes(skey, 'value', 32),
    signature: bytes(skey, 'signature', 64),
  };
}

/** Parses the pre-key upload `<iq xmlns="encrypt" type="set"><registration><type><identity><list><skey>`. */
export function parsePreKeyUpload(iq: BinaryNode): DeviceBundle {
  const type = bytes(iq, 'type', 1);
  if (!type.equals(KEY_TYPE)) throw new Error('pre-key upload must have <type>05</type>');
  const oneTimePreKeys = new Map<number, Buffer>();
  for (const key of children(child(iq, 'list'))) {
    if (key.tag === 'key') oneTimePreKeys.set(bytes(key, 'id', 3).readUIntBE(0, 3), bytes(key, 'value', 32));
  }
  return {
    registrationId: bytes(iq, 'registration', 4).readUInt32BE(0),
    identityKey: bytes(iq, 'identity', 32),
    signedPreKey: parseSignedPreKey(child(iq, 'skey')),
    oneTimePreKeys,
  };
}

/** Parses `<iq xmlns="encrypt" type="set"><rotate><skey>` (signed pre-key rotation). */
export function parseSignedPreKeyRotate(iq: BinaryNode): SignedPreKey {
  return parseSignedPreKey(child(child(iq, 'rotate'), 'skey'));
}

/**
 * Folds a later upload into a stored bundle: the device keeps its identity, so the new one-time keys
 * are added and the signed pre-key replaced. A changed identity means a new bundle altogether.
 */
export function mergePreKeyUpload(stored: DeviceBundle | undefined, upload: DeviceBundle): DeviceBundle {
  if (!stored || !stored.identityKey.equals(upload.identityKey)) return upload;
  for (const [id, key] of upload.oneTimePreKeys) stored.oneTimePreKeys.set(id, key);
  stored.signedPreKey = upload.signedPreKey;
  return stored;
}

/** Hands out (and removes) the lowest-numbered one-time pre-key, as the server does per key fetch. */
export function takeOneTimePreKey(bundle: DeviceBundle): OneTimePreKey | undefined {
  let lowest: number | undefined;
  for (const id of bundle.oneTimePreKeys.keys()) if (lowest === undefined || id < lowest) lowest = id;
  if (lowest === undefined) return undefined;
  const key = bundle.oneTimePreKeys.get(lowest);
  bundle.oneTimePreKeys.delete(lowest);
  return key ? { id: lowest, public: key } : undefined;
}

/** `<user jid><registration><type><identity><skey>…[<key>]</user>` of a key-fetch answer. */
export function buildKeyBundleUser(jid: string, bundle: DeviceBundle, preKey?: OneTimePreKey): BinaryNode {
  const skey = bundle.signedPreKey;
  const content: BinaryNode[] = [
    { tag: 'registration', attrs: {}, content: bigEndian(bundle.registrationId, 4) },
    { tag: 'type', attrs: {}, content: KEY_TYPE },
    { tag: 'identity', attrs: {}, content: bundle.identityKey },
    {
      tag: 'skey',
      attrs: {},
      content: [
        { tag: 'id', attrs: {}, content: bigEndian(skey.id, 3) },
        { tag: 'value', attrs: {}, content: skey.public },
        { tag: 'signature', attrs: {}, content: skey.signature },
      ],
    },
  ];
  if (preKey) {
    content.push({
      tag: 'key',
      attrs: {},
      content: [
        { tag: 'id', attrs: {}, content: bigEndian(preKey.id, 3) },
        { tag: 'value', attrs: {}, content: preKey.public },
      ],
    });
  }
  return { tag: 'user', attrs: { jid }, content };
}

/** What a sender needs to start a Signal session with a device (libsignal's "E2E session"). */
export interface PreKeyBundle {
  readonly registrationId: number;
  readonly identityKey: Buffer;
  readonly signedPreKey: SignedPreKey;
  readonly preKey?: OneTimePreKey;
}

/** Takes what a key fetch would hand out: the bundle plus one one-time pre-key, if any remain. */
export function claimPreKeyBundle(bundle: DeviceBundle): PreKeyBundle {
  const preKey = takeOneTimePreKey(bundle);
  return {
    registrationId: bundle.registrationId,
    identityKey: bundle.identityKey,
    signedPreKey: bundle.signedPreKey,
    ...(preKey ? { preKey } : {}),
  };
}
