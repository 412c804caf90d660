import { AsyncLocalStorage } from 'node:async_hooks';
import type { SignalKeyStore, SignalKeyStoreWithTransaction } from '@whiskeysockets/baileys';

/** One storage for every socket: each transaction's own state object is its store. */
const work = new AsyncLocalStorage<{ open: boolean }>();

/**
 * Baileys rc14 finds its key-store transaction through an AsyncLocalStorage, so work a transaction starts
 * and does not await keeps seeing it after it has committed. After every 1:1 send, a privacy-token
 * issuance (an IQ, fire-and-forget) ends by storing `senderTimestamp`, which is what keeps the next sends
 * from issuing again; that write lands in the finished transaction and is lost. A sender slower than the
 * IQ's round trip (every API client) then issued one more IQ per message, about 5–10 % of the gateway's
 * CPU per text, and traffic WhatsApp Web sends once a week per contact.
 *
 * This wraps the socket's key store in place (Baileys reads `authState.keys.*` at each call): code that
 * runs after its transaction's work has returned reads and writes `direct` (the durable store) instead.
 * Work inside a transaction is untouched. Not covered: late code that opens a transaction of its own
 * (Baileys would join the finished one); Baileys does not do that today.
 */
export function keepLateTransactionWrites(keys: SignalKeyStoreWithTransaction, direct: SignalKeyStore): void {
  const late = () => work.getStore()?.open === false;
  const original: Pick<SignalKeyStoreWithTransaction, 'transaction' | 'get' | 'set'> = {
    transaction: keys.transaction.bind(keys),
    get: keys.get.bind(keys),
    set: keys.set.bind(keys),
  };
  keys.transaction = (exec, key) =>
    original.transaction(() => {
      const state = { open: true };
      return work.run(state, () => exec().finally(() => (state.open = false)));
    }, key);
  keys.get = (type, ids) => (late() ? direct.get(type, ids) : original.get(type, ids));
  keys.set = (data) => (late() ? direct.set(data) : original.set(data));
}
