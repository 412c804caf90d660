import {
  BufferJSON,
  initAuthCreds,
  proto,
  type AuthenticationCreds,
  type AuthenticationState,
  type SignalDataSet,
  type SignalDataTypeMap,
} from '@whiskeysockets/baileys';
import type { AuthStateStore, KeyWrite } from '../auth-state-store.ts';
import { isLinked } from './user-info.ts';

export interface PersistentAuthState {
  state: AuthenticationState;
  /** Queues a write of the current creds; writes are applied in order. */
  saveCreds(): void;
  /** Resolves once every queued creds write has reached the database. */
  flush(): Promise<void>;
}

const serialise = (value: unknown): string => JSON.stringify(value, BufferJSON.replacer);
const deserialise = (text: string): unknown => JSON.parse(text, BufferJSON.reviver);

/** Stored creds text back to Baileys' creds object. */
export const parseCreds = (text: string): AuthenticationCreds => deserialise(text) as AuthenticationCreds;

/**
 * Creds from an unfinished link (a pairing code that was never confirmed) carry `me` without `account`.
 * Baileys would then send a login for a device that does not exist and get 401; start a fresh
 * registration instead, keeping the key pairs.
 */
function discardUnfinishedLink(creds: AuthenticationCreds): AuthenticationCreds {
  if (creds.me && !isLinked(creds)) {
    delete creds.me;
    creds.registered = false;
    creds.pairingCode = undefined;
  }
  return creds;
}

/** Baileys auth state backed by the database: creds as one row, every Signal key as a row. */
export async function loadAuthState(
  store: AuthStateStore,
  sessionId: string,
  onWriteError: (err: unknown) => void,
): Promise<PersistentAuthState> {
  const raw = await store.readCreds(sessionId);
  const creds = discardUnfinishedLink(raw ? parseCreds(raw) : initAuthCreds());
  let pending: Promise<void> = Promise.resolve();

  const keys = {
    async get<T extends keyof SignalDataTypeMap>(type: T, ids: string[]) {
      const rows = await store.readKeys(sessionId, type, ids);
      const result: { [id: string]: SignalDataTypeMap[T] } = {};
      for (const [id, text] of rows) {
        let value = deserialise(text);
        if (type === 'app-state-sync-key' && value) {
          value = proto.Message.AppStateSyncKeyData.fromObject(value as object);
        }
        result[id] = value as SignalDataTypeMap[T];
      }
      return result;
    },
    async set(data: SignalDataSet) {
      const writes: KeyWrite[] = [];
      for (const [type, entries] of Object.entries(data)) {
        for (const [id, value] of Object.entries(entries ?? {})) {
          writes.push({ type, id, value: value === null || value === undefined ? null : serialise(value) });
        }
      }
      if (writes.length > 0) await store.writeKeys(sessionId, writes);
    },
  };

  return {
    state: { creds, keys },
    saveCreds() {
      const snapshot = serialise(creds);
      pending = pending.then(() => store.writeCreds(sessionId, snapshot)).catch(onWriteError);
    },
    flush: () => pending,
  };
}
