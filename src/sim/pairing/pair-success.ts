import { createHmac, randomInt } from 'node:crypto';
import { type BinaryNode, proto } from '@whiskeysockets/baileys';
import { xeddsaSign, xeddsaVerify } from '../transport/root-key.ts';
import type { RawKeyPair } from './x25519.ts';

const ACCOUNT_SIG_PREFIX = Buffer.from([6, 0]);
const DEVICE_SIG_PREFIX = Buffer.from([6, 1]);

/** Inputs of the phone's `pair-success`. */
export interface PairSuccessInput {
  readonly id: string;
  readonly keyIndex: number;
  readonly accountKey: RawKeyPair;
  /** Companion identity key (QR field 3) and HMAC key (QR field 4, or the pairing-code advSecret). */
  readonly companionIdentityPub: Buffer;
  readonly advSecret: Buffer;
  /** `PHONE:DEV@s.whatsapp.net` and `LID:DEV@lid`. */
  readonly deviceJid: string;
  readonly deviceLid: string;
  readonly platform: string;
  readonly pushName: string;
}

/** The stanza plus the encoded ADVDeviceIdentity the companion must sign back. */
export interface PairSuccess {
  readonly node: BinaryNode;
  readonly details: Buffer;
}

/** Builds `<iq type=set xmlns=md><pair-success>` HMAC'd and account-signed as in fact sheet §6. */
export function buildPairSuccess(input: PairSuccessInput): PairSuccess {
  const details = Buffer.from(
    proto.ADVDeviceIdentity.encode({
      rawId: randomInt(1, 2 ** 31),
      timestamp: Math.floor(Date.now() / 1000),
      keyIndex: input.keyIndex,
    }).finish(),
  );
  const accountSignature = xeddsaSign(
    input.accountKey.private,
    Buffer.concat([ACCOUNT_SIG_PREFIX, details, input.companionIdentityPub]),
  );
  const signed = Buffer.from(
    proto.ADVSignedDeviceIdentity.encode({
      details,
      accountSignatureKey: input.accountKey.public,
      accountSignature,
    }).finish(),
  );
  const hmac = createHmac('sha256', input.advSecret).update(signed).digest();
  const identity = proto.ADVSignedDeviceIdentityHMAC.encode({ details: signed, hmac }).finish();
  const node: BinaryNode = {
    tag: 'iq',
    attrs: { from: 's.whatsapp.net', type: 'set', id: input.id, xmlns: 'md' },
    content: [
      {
        tag: 'pair-success',
        attrs: {},
        content: [
          { tag: 'device-identity', attrs: { 'key-index': String(input.keyIndex) }, content: identity },
          { tag: 'platform', attrs: { name: input.platform } },
          { tag: 'device', attrs: { jid: input.deviceJid, lid: input.deviceLid } },
          { tag: 'biz', attrs: { name: input.pushName } },
        ],
      },
    ],
  };
  return { node, details };
}

/** Inputs of verifyPairDeviceSign. */
export interface PairDeviceSignCheck {
  readonly details: Buffer;
  readonly companionIdentityPub: Buffer;
  readonly accountPub: Buffer;
}

const kid = (node: BinaryNode | undefined, tag: string): BinaryNode | undefined =>
  Array.isArray(node?.content) ? node.content.find((c) => c.tag === tag) : undefined;

/**
 * Checks the companion's `<pair-device-sign>` answer: same device details, the account signature
 * echoed, and a real XEdDSA device signature over [6,1] ‖ details ‖ identityPub ‖ accountPub.
 */
export function verifyPairDeviceSign(reply: BinaryNode, check: PairDeviceSignCheck): boolean {
  if (reply.attrs.type !== 'result') return false;
  const content = kid(kid(reply, 'pair-device-sign'), 'device-identity')?.content;
  if (!(content instanceof Uint8Array)) return false;
  let signed: proto.ADVSignedDeviceIdentity;
  try {
    signed = proto.ADVSignedDeviceIdentity.decode(content);
  } catch {
    return false;
  }
  if (!signed.details || !signed.deviceSignature || !Buffer.from(signed.details).equals(check.details)) return false;
  const message = Buffer.concat([DEVICE_SIG_PREFIX, check.details, check.companionIdentityPub, check.accountPub]);
  return xeddsaVerify(check.companionIdentityPub, message, signed.deviceSignature);
}
