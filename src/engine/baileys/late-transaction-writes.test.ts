import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { addTransactionCapability, type SignalKeyStoreWithTransaction } from '@whiskeysockets/baileys';
import { pino } from 'pino';
import type { Store as Database } from '../../store/store.ts';
import { openTestDatabase } from '../../../test/support/test-databases.ts';
import { keepLateTransactionWrites } from './late-transaction-writes.ts';
import { loadAuthState, type PersistentAuthState } from './sql-auth-state.ts';

const tick = () => new Promise((resolve) => setTimeout(resolve, 10));
const token = (senderTimestamp: number) => ({ token: Buffer.alloc(0), senderTimestamp });

/**
 * What relayMessage does: inside the send's transaction, start a privacy-token issuance without awaiting
 * it; the issuance stores senderTimestamp once its IQ has answered, after the transaction has committed.
 */
async function sendWithLateIssuance(keys: SignalKeyStoreWithTransaction): Promise<Promise<void>> {
  let issued: Promise<void> = Promise.resolve();
  await keys.transaction(async () => {
    await keys.set({ session: { 'carol.0': 'ratchet step' as never } });
    issued = tick().then(async () => {
      await keys.set({ tctoken: { 'carol@lid': token(1_700_000_000) } });
    });
  }, 'me');
  return issued;
}

describe('key writes made after their transaction (SQLite, Baileys transactions)', () => {
  let database: Database;
  const logger = pino({ level: 'silent' });
  const open = async (sessionId: string): Promise<PersistentAuthState> => {
    await database.records.insert(sessionId);
    return loadAuthState(database.auth, sessionId, (err) => assert.fail(String(err)));
  };
  const reread = async (sessionId: string, type: 'tctoken' | 'session', id: string) =>
    (await loadAuthState(database.auth, sessionId, () => {})).state.keys.get(type, [id]);

  before(async () => {
    database = await openTestDatabase('sqlite');
  });
  after(async () => {
    await database?.destroy();
  });

  test('Baileys alone loses them (the bug this works around)', async () => {
    const auth = await open('bare');
    const keys = addTransactionCapability(auth.state.keys, logger, { maxCommitRetries: 1, delayBetweenTriesMs: 0 });
    await await sendWithLateIssuance(keys);
    assert.deepEqual(await reread('bare', 'tctoken', 'carol@lid'), {});
    assert.deepEqual(await reread('bare', 'session', 'carol.0'), { 'carol.0': 'ratchet step' });
  });

  test('with the wrapper they reach the database; writes inside the transaction still wait for its commit', async () => {
    const auth = await open('wrapped');
    const keys = addTransactionCapability(auth.state.keys, logger, { maxCommitRetries: 1, delayBetweenTriesMs: 0 });
    keepLateTransactionWrites(keys, auth.state.keys);
    let seenBeforeCommit: unknown;
    await keys.transaction(async () => {
      await keys.set({ session: { 'dave.0': 'inside' as never } });
      seenBeforeCommit = await reread('wrapped', 'session', 'dave.0');
    }, 'me');
    assert.deepEqual(seenBeforeCommit, {}, 'a write inside the transaction is not in the database before the commit');
    assert.deepEqual(await reread('wrapped', 'session', 'dave.0'), { 'dave.0': 'inside' });

    await await sendWithLateIssuance(keys);
    assert.deepEqual(await reread('wrapped', 'tctoken', 'carol@lid'), { 'carol@lid': token(1_700_000_000) });
    assert.deepEqual(
      await keys.get('tctoken', ['carol@lid']),
      { 'carol@lid': token(1_700_000_000) },
      'and the socket reads it back',
    );
  });
});
