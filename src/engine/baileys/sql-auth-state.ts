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
import { SignalKeyCache } from './signal-key-cache.ts';
import { isLinked } from './user-info.ts';

/**
 * Keys cached per connection. A busy session touches a few keys per contact (sessions of each device,
 * a privacy token, a LID mapping), a session record being a few kB: this holds a few hundred active
 * contacts in at most a few MB, and an idle session holds next to nothing.
 */
const KEY_CACHE_ENTRIES = 1024;

export interface PersistentAuthState {
  state: AuthenticationState;
  /** Queues a write of the current creds; writes are applied in order. */
  saveCreds(): void;
  /** Resolves once every queued creds write has reached the database. */
  flush(): Promise<void>;
}

const serialise = (value: unknown): string => JSON.stringify(value, BufferJSON.replacer);
const deserialise = (text: string): unknown => JSON.parse(text, BufferJSON.reviver);

/**
 * A key value as stored text. A Signal session (written on every send) is libsignal's
 * `SessionRecord.serialize()`, which holds only strings (keys already base64) and numbers: plain
 * `JSON.stringify` writes exactly the text the replacer would, without calling it for every value.
 * Should a Buffer ever be in one (its toJSON form is what gives it away), the replacer writes it again.
 */
export function serialiseKey(type: string, value: unknown): string {
  if (type !== 'session') return serialise(value);
  const plain = JSON.stringify(value);
  return plain.includes('"type":"Buffer"') ? serialise(value) : plain;
}

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

  const cache = new SignalKeyCache(KEY_CACHE_ENTRIES);
  const revive = (type: string, text: string): unknown => {
    const value = deserialise(text);
    return type === 'app-state-sync-key' && value
      ? proto.Message.AppStateSyncKeyData.fromObject(value as object)
      : value;
  };

  const keys = {
    async get<T extends keyof SignalDataTypeMap>(type: T, ids: string[]) {
      const result: { [id: string]: SignalDataTypeMap[T] } = {};
      const missing: string[] = [];
      for (const id of ids) {
        const cached = cache.get(type, id);
        if (cached === undefined) missing.push(id);
        else if (cached !== null) result[id] = cached as SignalDataTypeMap[T];
      }
      if (missing.length === 0) return result;
      const token = cache.fillToken();
      const rows = await store.readKeys(sessionId, type, missing);
      for (const id of missing) {
        const text = rows.get(id);
        const value = text === undefined ? null : revive(type, text);
        if (value !== null) result[id] = value as SignalDataTypeMap[T];
        cache.fill(token, type, id, value);
      }
      return result;
    },
    // Resolves only after the commit, and the cache learns the values only then: Baileys commits a send's
    // ratchet step with this before sendMessage resolves, so an answered send is a durable one.
    async set(data: SignalDataSet) {
      const writes: KeyWrite[] = [];
      const entries: Array<[string, string, unknown]> = [];
      for (const [type, values] of Object.entries(data)) {
        for (const [id, value] of Object.entries(values ?? {})) {
          const present = value !== null && value !== undefined;
          writes.push({ type, id, value: present ? serialiseKey(type, value) : null });
          entries.push([type, id, present ? value : null]);
        }
      }
      if (writes.length === 0) return;
      cache.writing();
      try {
        await store.writeKeys(sessionId, writes);
      } catch (err) {
        cache.failed(entries);
        throw err;
      }
      cache.committed(entries);
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
