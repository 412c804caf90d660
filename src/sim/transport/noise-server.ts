import { proto } from '@whiskeysockets/baileys';
import { generateX25519KeyPair, type RawKeyPair, x25519 } from '../pairing/x25519.ts';
import { aesGcmDecrypt, aesGcmEncrypt, hkdf, nonce, sha256 } from './noise-crypto.ts';
import { createTransportCipher, type TransportCipher } from './transport-cipher.ts';

// 32 bytes exactly, so the protocol name is used as the initial hash without hashing it.
const PROTOCOL_NAME = Buffer.from('Noise_XX_25519_AESGCM_SHA256\0\0\0\0');
/** "WA", protocol 6, dictionary version 3: hashed into every handshake. */
export const WA_INTRO = Buffer.from([0x57, 0x41, 6, 3]);

/** What the server learns from a finished handshake. */
export interface NoiseResult {
  /** The client's 32-byte Noise static key (Baileys' `creds.noiseKey.public`). */
  readonly clientStatic: Buffer;
  readonly clientPayload: proto.ClientPayload;
  readonly cipher: TransportCipher;
}

/** Server side of one Noise_XX handshake, WhatsApp flavour (fact sheet §2). */
export interface NoiseServerHandshake {
  /** Takes the ClientHello frame payload; returns the ServerHello frame payload. */
  serverHello(clientHelloFrame: Uint8Array): Buffer;
  /** Takes the ClientFinish frame payload; returns the client identity and transport keys. */
  finish(clientFinishFrame: Uint8Array): NoiseResult;
}

/** Options of createNoiseServerHandshake. */
export interface NoiseServerOptions {
  readonly staticKey: RawKeyPair;
  /** Encoded CertChain sent as the ServerHello payload. */
  readonly certChain: Uint8Array;
}

/** Creates the state machine for one handshake; one counter serves encrypt and decrypt until Split. */
export function createNoiseServerHandshake(options: NoiseServerOptions): NoiseServerHandshake {
  let hash: Buffer = PROTOCOL_NAME;
  let chainingKey: Buffer = PROTOCOL_NAME;
  let key: Buffer = PROTOCOL_NAME;
  let counter = 0;
  const ephemeral = generateX25519KeyPair();
  let clientEphemeral: Buffer | undefined;

  const mixHash = (data: Uint8Array): void => {
    hash = sha256(hash, data);
  };
  const mixKey = (ikm: Uint8Array): void => {
    const out = hkdf(ikm, chainingKey, 64);
    chainingKey = out.subarray(0, 32);
    key = out.subarray(32);
    counter = 0;
  };
  const encryptAndHash = (plaintext: Uint8Array): Buffer => {
    const ciphertext = aesGcmEncrypt(key, nonce(counter++), hash, plaintext);
    mixHash(ciphertext);
    return ciphertext;
  };
  const decryptAndHash = (ciphertext: Uint8Array): Buffer => {
    const plaintext = aesGcmDecrypt(key, nonce(counter++), hash, ciphertext);
    mixHash(ciphertext);
    return plaintext;
  };

  mixHash(WA_INTRO);
  return {
    serverHello(frame) {
      const hello = proto.HandshakeMessage.decode(frame).clientHello;
      if (!hello?.ephemeral || hello.ephemeral.length !== 32)
        throw new Error('noise: ClientHello without ephemeral key');
      clientEphemeral = Buffer.from(hello.ephemeral);
      mixHash(clientEphemeral);
      mixHash(ephemeral.public);
      mixKey(x25519(ephemeral.private, clientEphemeral));
      const encStatic = encryptAndHash(options.staticKey.public);
      mixKey(x25519(options.staticKey.private, clientEphemeral));
      const payload = encryptAndHash(options.certChain);
      return Buffer.from(
        proto.HandshakeMessage.encode({
          serverHello: { ephemeral: ephemeral.public, static: encStatic, payload },
        }).finish(),
      );
    },
    finish(frame) {
      if (!clientEphemeral) throw new Error('noise: ClientFinish before ClientHello');
      const finish = proto.HandshakeMessage.decode(frame).clientFinish;
      if (!finish?.static || !finish.payload) throw new Error('noise: ClientFinish without static key or payload');
      const clientStatic = decryptAndHash(finish.static);
      mixKey(x25519(ephemeral.private, clientStatic));
      const clientPayload = proto.ClientPayload.decode(decryptAndHash(finish.payload));
      const split = hkdf(Buffer.alloc(0), chainingKey, 64);
      return {
        clientStatic,
        clientPayload,
        cipher: createTransportCipher(split.subarray(32), split.subarray(0, 32)),
      };
    },
  };
}
