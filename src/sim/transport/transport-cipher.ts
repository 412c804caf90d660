import { aesGcmDecrypt, aesGcmEncrypt, nonce } from './noise-crypto.ts';

const EMPTY = Buffer.alloc(0);

/** Post-handshake cipher: independent counters per direction, empty AAD. */
export interface TransportCipher {
  encrypt(plaintext: Uint8Array): Buffer;
  decrypt(ciphertext: Uint8Array): Buffer;
}

/** Creates the transport cipher from the server→client and client→server keys of the Split. */
export function createTransportCipher(writeKey: Uint8Array, readKey: Uint8Array): TransportCipher {
  let writeCounter = 0;
  let readCounter = 0;
  return {
    encrypt: (plaintext) => aesGcmEncrypt(writeKey, nonce(writeCounter++), EMPTY, plaintext),
    decrypt: (ciphertext) => aesGcmDecrypt(readKey, nonce(readCounter++), EMPTY, ciphertext),
  };
}
