import type { AuthStateStore, KeyWrite } from '../auth-state-store.ts';
import type { MessageStore, StoredMessage } from '../message-store.ts';
import { STORE_OPS } from './protocol.ts';
import type { RpcChannel } from './rpc.ts';

/** The gateway's auth store, seen from an engine worker: every read and write is a call to the gateway. */
export function remoteAuthStore(channel: RpcChannel): AuthStateStore {
  return {
    readCreds: (sessionId) => channel.call(STORE_OPS.readCreds, { sessionId }),
    writeCreds: (sessionId, creds) => channel.call(STORE_OPS.writeCreds, { sessionId, creds }),
    readKeys: (sessionId, type, ids) => channel.call(STORE_OPS.readKeys, { sessionId, type, ids }),
    writeKeys: (sessionId, writes: readonly KeyWrite[]) => channel.call(STORE_OPS.writeKeys, { sessionId, writes }),
    clear: (sessionId) => channel.call(STORE_OPS.clear, { sessionId }),
  };
}

/** The gateway's message store, seen from an engine worker. Pruning stays with the gateway's sweeper. */
export function remoteMessageStore(channel: RpcChannel): MessageStore {
  return {
    save: (sessionId, message) => channel.call(STORE_OPS.saveMessage, { sessionId, message }),
    find: (sessionId, messageId) =>
      channel.call<StoredMessage | undefined>(STORE_OPS.findMessage, { sessionId, messageId }),
    prune: () => Promise.reject(new Error('messages are pruned by the gateway, not by an engine worker')),
  };
}

/** The gateway's side of the same calls: answers them from its real stores. */
export function serveStores(channel: RpcChannel, auth: AuthStateStore, messages: MessageStore): void {
  channel
    .handle<{ sessionId: string }, string | undefined>(STORE_OPS.readCreds, ({ sessionId }) =>
      auth.readCreds(sessionId),
    )
    .handle<{ sessionId: string; creds: string }, void>(STORE_OPS.writeCreds, ({ sessionId, creds }) =>
      auth.writeCreds(sessionId, creds),
    )
    .handle<{ sessionId: string; type: string; ids: string[] }, Map<string, string>>(
      STORE_OPS.readKeys,
      ({ sessionId, type, ids }) => auth.readKeys(sessionId, type, ids),
    )
    .handle<{ sessionId: string; writes: KeyWrite[] }, void>(STORE_OPS.writeKeys, ({ sessionId, writes }) =>
      auth.writeKeys(sessionId, writes),
    )
    .handle<{ sessionId: string }, void>(STORE_OPS.clear, ({ sessionId }) => auth.clear(sessionId))
    .handle<{ sessionId: string; message: Omit<StoredMessage, 'createdAt'> }, void>(
      STORE_OPS.saveMessage,
      ({ sessionId, message }) => messages.save(sessionId, message),
    )
    .handle<{ sessionId: string; messageId: string }, StoredMessage | undefined>(
      STORE_OPS.findMessage,
      ({ sessionId, messageId }) => messages.find(sessionId, messageId),
    );
}
