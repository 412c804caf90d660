import { backoffDelay, type BackoffPolicy } from '../shared/backoff.ts';
import type { FailureStreak } from './event-store.ts';

/** `baseMs`: the delay before the second attempt (doubling per attempt); `maxMs`: the upper bound of a delay. */
export interface RetryPolicy extends BackoffPolicy {
  /** After this many failed attempts a delivery becomes `failed` and its lane moves on. */
  maxAttempts: number;
}

export interface DisablePolicy {
  /** An endpoint is disabled once its failure streak has at least this many failures… */
  afterFailures: number;
  /** …and has lasted at least this long (both must hold, so a short outage never disables). */
  afterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = Object.freeze({ baseMs: 1_000, maxMs: 600_000, maxAttempts: 15 });
export const DEFAULT_DISABLE: DisablePolicy = Object.freeze({ afterFailures: 20, afterMs: 3_600_000 });

/** When to try again after `failedAttempts` failures (1 or more): the shared backoff, counted from the first retry. */
export function retryDelayMs(policy: RetryPolicy, failedAttempts: number, random: () => number = Math.random): number {
  return backoffDelay(failedAttempts - 1, policy, random);
}

/** Why the endpoint should be disabled after this failure, or null to keep trying. */
export function disableReason(
  policy: DisablePolicy,
  streak: FailureStreak,
  statusCode: number | null,
  now: Date,
  lastError: string,
): string | null {
  if (statusCode === 410) return 'the endpoint answered 410 Gone';
  const lasting = now.getTime() - streak.failingSince.getTime();
  if (streak.failureCount >= policy.afterFailures && lasting >= policy.afterMs) {
    return `${streak.failureCount} consecutive failures since ${streak.failingSince.toISOString()}; last: ${lastError}`;
  }
  return null;
}
