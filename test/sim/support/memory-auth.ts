import {
  type AuthenticationCreds,
  type AuthenticationState,
  initAuthCreds,
  type SignalDataSet,
  type SignalDataTypeMap,
  type SignalKeyStore,
} from '@whiskeysockets/baileys';

/** An in-memory Baileys auth state; the same object survives reconnects, like a file store would. */
export interface MemoryAuth {
  readonly state: AuthenticationState;
  readonly creds: AuthenticationCreds;
}

/** Creates fresh creds and an in-memory Signal key store. */
export function createMemoryAuth(): MemoryAuth {
  const data = new Map<string, unknown>();
  const keys: SignalKeyStore = {
    get<T extends keyof SignalDataTypeMap>(type: T, ids: string[]) {
      const out: { [id: string]: SignalDataTypeMap[T] } = {};
      for (const id of ids) {
        const value = data.get(`${type}/${id}`);
        if (value !== undefined) out[id] = value as SignalDataTypeMap[T];
      }
      return out;
    },
    set(set: SignalDataSet) {
      for (const [type, entries] of Object.entries(set)) {
        for (const [id, value] of Object.entries(entries ?? {})) {
          if (value === null || value === undefined) data.delete(`${type}/${id}`);
          else data.set(`${type}/${id}`, value);
        }
      }
    },
  };
  const creds = initAuthCreds();
  return { state: { creds, keys }, creds };
}
