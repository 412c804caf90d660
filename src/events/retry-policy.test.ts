import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { disableReason, retryDelayMs } from './retry-policy.ts';

describe('retry policy', () => {
  const policy = { baseMs: 1_000, maxMs: 600_000, maxAttempts: 15 };

  test('delays double from the base, stay within [ceiling/2, ceiling] and stop at the cap', () => {
    assert.equal(
      retryDelayMs(policy, 1, () => 0),
      500,
    );
    assert.equal(
      retryDelayMs(policy, 1, () => 1),
      1_000,
    );
    assert.equal(
      retryDelayMs(policy, 4, () => 1),
      8_000,
    );
    assert.equal(
      retryDelayMs(policy, 4, () => 0),
      4_000,
    );
    assert.equal(
      retryDelayMs(policy, 30, () => 1),
      600_000,
    );
    assert.equal(
      retryDelayMs(policy, 1_000, () => 0.5),
      450_000,
    );
    const spread = new Set(Array.from({ length: 50 }, () => retryDelayMs(policy, 6)));
    assert.ok(spread.size > 1, 'jitter spreads retries');
  });

  test('an endpoint is disabled only when the streak is both long enough and old enough; 410 at once', () => {
    const rule = { afterFailures: 3, afterMs: 60_000 };
    const since = new Date('2026-01-01T00:00:00Z');
    const at = (ms: number) => new Date(since.getTime() + ms);
    assert.equal(disableReason(rule, { failureCount: 2, failingSince: since }, 500, at(120_000), 'HTTP 500'), null);
    assert.equal(disableReason(rule, { failureCount: 9, failingSince: since }, 500, at(30_000), 'HTTP 500'), null);
    assert.match(
      disableReason(rule, { failureCount: 3, failingSince: since }, 500, at(60_000), 'HTTP 500') ?? '',
      /3 consecutive failures since 2026-01-01T00:00:00.000Z; last: HTTP 500/,
    );
    assert.match(
      disableReason(rule, { failureCount: 1, failingSince: since }, 410, since, 'HTTP 410') ?? '',
      /410 Gone/,
    );
  });
});
