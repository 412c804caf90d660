import { createHash } from 'node:crypto';
import { AppError } from '../errors/app-error.ts';
import type { IdempotencyStore, IdempotentAnswer } from './idempotency-store.ts';

/** How long a key's first answer is kept and replayed. */
export const IDEMPOTENCY_WINDOW_HOURS = 24;

/**
 * Idempotency-Key for sends: the key is claimed durably before anything is sent, and the first answer is
 * stored before it is returned, so a retry (even after a SIGKILL of the gateway) gets that answer and
 * sends nothing again. Same key, other body: 422; a claim without an answer yet: 409. A request that
 * fails gives its claim up, so a retry may try again. Only requests with the header come here.
 */
export class IdempotentSends {
  readonly #store: IdempotencyStore;

  constructor(store: IdempotencyStore) {
    this.#store = store;
  }

  async run(
    sessionId: string,
    key: string,
    body: unknown,
    send: () => Promise<IdempotentAnswer>,
  ): Promise<IdempotentAnswer & { replayed: boolean }> {
    const bodyHash = createHash('sha256')
      .update(JSON.stringify(body) ?? '')
      .digest('base64url');
    const since = new Date(Date.now() - IDEMPOTENCY_WINDOW_HOURS * 3_600_000);
    const claim = await this.#store.claim(sessionId, key, bodyHash, since);
    if (claim.kind === 'other_body') throw new AppError('IDEMPOTENCY_KEY_REUSED');
    if (claim.kind === 'in_flight') throw new AppError('IDEMPOTENCY_KEY_IN_FLIGHT');
    if (claim.kind === 'answered') return { ...claim.answer, replayed: true };
    let answer: IdempotentAnswer;
    try {
      answer = await send();
    } catch (err) {
      await this.#store.release(sessionId, key);
      throw err;
    }
    await this.#store.answer(sessionId, key, answer);
    return { ...answer, replayed: false };
  }
}
