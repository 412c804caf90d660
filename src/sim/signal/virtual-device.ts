import { randomInt } from 'node:crypto';
import { ProtocolAddress, SessionBuilder, SessionCipher } from 'libsignal';
import * as curve from 'libsignal/src/curve.js';
import type { DeviceBundle, PreKeyBundle } from './device-bundle.ts';
import { createMemorySignalStore, type SignalIdentityState, type SignalKeyPair } from './memory-signal-store.ts';
import { signalAddress } from './signal-address.ts';

/** Signal message kinds as they appear in `<enc type>`. */
export type EncType = 'pkmsg' | 'msg';

/** One encrypted payload for `<enc v="2" type>`. */
export interface Ciphertext {
  readonly type: EncType;
  readonly ciphertext: Buffer;
}

/** Options of createVirtualDevice. */
export interface VirtualDeviceOptions {
  /** Raw 32-byte identity key pair; a primary phone uses its account key. Random when absent. */
  readonly identity?: { readonly public: Uint8Array; readonly private: Uint8Array };
  readonly registrationId?: number;
  readonly signedPreKeyId?: number;
  /** One-time pre-keys generated at a time (when created and when the stock runs low). */
  readonly preKeyBatch?: number;
}

/** A simulated device with a real libsignal identity: it encrypts to and decrypts from linked devices. */
export interface VirtualDevice {
  readonly registrationId: number;
  /** 32-byte identity public key. */
  readonly identityKey: Buffer;
  /** Public bundle for key fetches; the one-time stock is topped up before it runs out. */
  publicBundle(): DeviceBundle;
  /** Encrypts to a peer device JID; `startSession` is asked for the peer's bundle only if no session exists. */
  encrypt(peerJid: string, plaintext: Uint8Array, startSession: () => PreKeyBundle | undefined): Promise<Ciphertext>;
  /** Decrypts a `pkmsg`/`msg` from a peer device JID. */
  decrypt(peerJid: string, type: EncType, ciphertext: Uint8Array): Promise<Buffer>;
  hasSession(peerJid: string): Promise<boolean>;
}

const LOW_WATER = 5;
const withType = (raw: Uint8Array): Buffer => Buffer.concat([Buffer.from([5]), raw]);
const raw = (key: Uint8Array): Buffer => Buffer.from(key.length === 33 ? key.subarray(1) : key);

function generatePair(): SignalKeyPair {
  const { pubKey, privKey } = curve.generateKeyPair();
  return { pubKey: Buffer.from(pubKey), privKey: Buffer.from(privKey) };
}

function toAddress(jid: string): ProtocolAddress {
  const encoded = signalAddress(jid);
  const dot = encoded.lastIndexOf('.');
  return new ProtocolAddress(encoded.slice(0, dot), Number(encoded.slice(dot + 1)));
}

/** Creates a virtual device with fresh Signal keys (or the given identity). */
export function createVirtualDevice(options: VirtualDeviceOptions = {}): VirtualDevice {
  const batch = options.preKeyBatch ?? 20;
  const identity: SignalKeyPair = options.identity
    ? { pubKey: withType(raw(options.identity.public)), privKey: Buffer.from(options.identity.private) }
    : generatePair();
  const signedPreKey = generatePair();
  const state: SignalIdentityState = {
    registrationId: options.registrationId ?? randomInt(1, 16384),
    identity,
    signedPreKey,
    preKeys: new Map(),
  };
  const bundle: DeviceBundle = {
    registrationId: state.registrationId,
    identityKey: raw(identity.pubKey),
    signedPreKey: {
      id: options.signedPreKeyId ?? 1,
      public: raw(signedPreKey.pubKey),
      signature: Buffer.from(curve.calculateSignature(identity.privKey, signedPreKey.pubKey)),
    },
    oneTimePreKeys: new Map(),
  };
  let nextPreKeyId = 1;
  const refill = (): void => {
    for (let i = 0; i < batch; i++) {
      const pair = generatePair();
      state.preKeys.set(nextPreKeyId, pair);
      bundle.oneTimePreKeys.set(nextPreKeyId, raw(pair.pubKey));
      nextPreKeyId++;
    }
  };
  refill();
  const store = createMemorySignalStore(state);

  const hasSession = async (peerJid: string): Promise<boolean> => {
    const record = await store.loadSession(toAddress(peerJid).toString());
    return record?.haveOpenSession() ?? false;
  };

  return {
    registrationId: state.registrationId,
    identityKey: bundle.identityKey,
    publicBundle() {
      if (bundle.oneTimePreKeys.size < LOW_WATER) refill();
      return bundle;
    },
    async encrypt(peerJid, plaintext, startSession) {
      const address = toAddress(peerJid);
      if (!(await hasSession(peerJid))) {
        const peer = startSession();
        if (!peer) throw new Error(`no Signal session with ${peerJid} and no pre-key bundle to start one`);
        await new SessionBuilder(store, address).initOutgoing({
          registrationId: peer.registrationId,
          identityKey: withType(peer.identityKey),
          signedPreKey: {
            keyId: peer.signedPreKey.id,
            publicKey: withType(peer.signedPreKey.public),
            signature: peer.signedPreKey.signature,
          },
          // @ts-expect-error -- libsignal accepts a bundle without a one-time pre-key; its .d.ts marks it required
          preKey: peer.preKey ? { keyId: peer.preKey.id, publicKey: withType(peer.preKey.public) } : undefined,
        });
      }
      const { type, body } = await new SessionCipher(store, address).encrypt(plaintext);
      return { type: type === 3 ? 'pkmsg' : 'msg', ciphertext: Buffer.from(body, 'binary') };
    },
    async decrypt(peerJid, type, ciphertext) {
      const cipher = new SessionCipher(store, toAddress(peerJid));
      const plain =
        type === 'pkmsg'
          ? await cipher.decryptPreKeyWhisperMessage(ciphertext)
          : await cipher.decryptWhisperMessage(ciphertext);
      return Buffer.from(plain);
    },
    hasSession,
  };
}
