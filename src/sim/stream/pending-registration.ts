import { randomBytes } from 'node:crypto';
import type { BinaryNode, proto } from '@whiskeysockets/baileys';
import type { DeviceBundle } from '../signal/device-bundle.ts';
import { xeddsaVerify } from '../transport/root-key.ts';

/** The real server hands out six refs: one QR of 60 s, then five of 20 s (Baileys rotates them). */
export const REF_COUNT = 6;

/** A companion that finished a registration handshake and waits to be scanned (or to enter a code). */
export interface PendingRegistration {
  readonly noiseKey: Buffer;
  /** Signal material from `devicePairingData` (no one-time pre-keys yet). */
  readonly signal: DeviceBundle;
  readonly refs: readonly string[];
}

function bytes(value: Uint8Array | null | undefined, length: number, name: string): Buffer {
  if (!value || value.length !== length) throw new Error(`registration payload: ${name} must be ${length} bytes`);
  return Buffer.from(value);
}

/**
 * Reads the companion's Signal identity out of `ClientPayload.devicePairingData` and checks the
 * signed pre-key signature (XEdDSA over 0x05 ‖ key) for real.
 */
export function parseRegistration(noiseKey: Buffer, payload: proto.IClientPayload): PendingRegistration {
  const data = payload.devicePairingData;
  if (!data) throw new Error('registration payload lacks devicePairingData');
  const identityKey = bytes(data.eIdent, 32, 'eIdent');
  const skey = bytes(data.eSkeyVal, 32, 'eSkeyVal');
  const signature = bytes(data.eSkeySig, 64, 'eSkeySig');
  if (!xeddsaVerify(identityKey, Buffer.concat([Buffer.from([5]), skey]), signature)) {
    throw new Error('registration payload: signed pre-key signature does not verify');
  }
  return {
    noiseKey,
    signal: {
      registrationId: bytes(data.eRegid, 4, 'eRegid').readUInt32BE(0),
      identityKey,
      signedPreKey: { id: bytes(data.eSkeyId, 3, 'eSkeyId').readUIntBE(0, 3), public: skey, signature },
      oneTimePreKeys: new Map(),
    },
    refs: Array.from({ length: REF_COUNT }, () => `2@${randomBytes(36).toString('base64')}`),
  };
}

/** `<iq type=set xmlns=md><pair-device><ref/>×6</pair-device></iq>` */
export function buildPairDevice(id: string, refs: readonly string[]): BinaryNode {
  return {
    tag: 'iq',
    attrs: { from: 's.whatsapp.net', type: 'set', id, xmlns: 'md' },
    content: [
      {
        tag: 'pair-device',
        attrs: {},
        content: refs.map((ref): BinaryNode => ({ tag: 'ref', attrs: {}, content: Buffer.from(ref, 'utf8') })),
      },
    ],
  };
}
