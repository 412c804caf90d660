/** A stored first answer to a request with an Idempotency-Key. */
export interface IdempotentAnswer {
  statusCode: number;
  /** The JSON body as sent. */
  body: string;
}

/** What claiming a key found: it is this request's now, or it was used before. */
export type IdempotencyClaim =
  { kind: 'claimed' } | { kind: 'in_flight' } | { kind: 'other_body' } | { kind: 'answered'; answer: IdempotentAnswer };

/**
 * Persistence port for Idempotency-Key claims, per session. Implemented by `store/` on both dialects.
 * A claim younger than `since` counts; an older one is taken over as if it were not there.
 */
export interface IdempotencyStore {
  claim(sessionId: string, key: string, bodyHash: string, since: Date): Promise<IdempotencyClaim>;
  /** Stores the first answer of a claimed key. */
  answer(sessionId: string, key: string, answer: IdempotentAnswer): Promise<void>;
  /** Gives a claimed key up without an answer (the request failed before anything was sent). */
  release(sessionId: string, key: string): Promise<void>;
  /** Deletes claims made before `before`; returns how many. */
  prune(before: Date): Promise<number>;
}
