import type { SessionRecord, SignalStorage } from 'libsignal';

/** A libsignal key pair in libsignal's own format (33-byte 0x05-prefixed public key). */
export interface SignalKeyPair {
  readonly pubKey: Buffer;
  readonly privKey: Buffer;
}

/** The private Signal state of one virtual device. */
export interface SignalIdentityState {
  readonly registrationId: number;
  readonly identity: SignalKeyPair;
  readonly signedPreKey: SignalKeyPair;
  /** One-time pre-keys whose private halves are still held; libsignal removes one when a pkmsg uses it. */
  readonly preKeys: Map<number, SignalKeyPair>;
}

/** A SignalStorage kept in memory, with TOFU trust like WhatsApp clients. */
export interface MemorySignalStore extends SignalStorage {
  /** Peer identity keys seen in sessions, by address. */
  readonly identities: ReadonlyMap<string, Uint8Array>;
}

/** Creates the in-memory libsignal storage of one device. */
export function createMemorySignalStore(state: SignalIdentityState): MemorySignalStore {
  const sessions = new Map<string, SessionRecord>();
  const identities = new Map<string, Uint8Array>();
  return {
    identities,
    async loadSession(id) {
      return sessions.get(id);
    },
    async storeSession(id, session) {
      sessions.set(id, session);
    },
    isTrustedIdentity(identifier, identityKey) {
      // Trust on first use; a changed identity replaces the old one (the session is rebuilt by the caller).
      identities.set(identifier, identityKey);
      return true;
    },
    async loadPreKey(id) {
      const pair = state.preKeys.get(Number(id));
      return pair ? { pubKey: pair.pubKey, privKey: pair.privKey } : undefined;
    },
    removePreKey(id) {
      state.preKeys.delete(Number(id));
    },
    loadSignedPreKey() {
      return { pubKey: state.signedPreKey.pubKey, privKey: state.signedPreKey.privKey };
    },
    getOurRegistrationId() {
      return state.registrationId;
    },
    getOurIdentity() {
      return { pubKey: state.identity.pubKey, privKey: state.identity.privKey };
    },
  };
}
