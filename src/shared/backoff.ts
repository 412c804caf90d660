/** Exponential backoff: the first delay's window, doubling per attempt up to the cap. */
export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

/**
 * The one backoff of the gateway (reconnects and webhook retries): exponential with "equal jitter", half
 * the window fixed and half random, so a fleet of sessions or lanes that failed at the same moment does
 * not come back at the same moment. `attempt` counts from 0 (the first retry); `random` is injectable
 * for tests.
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const window = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(Math.max(attempt, 0), 30));
  return Math.round(window / 2 + random() * (window / 2));
}
