import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffDelay } from './backoff.ts';

test('backoff doubles per attempt, is capped, and jitters within the upper half of the window', () => {
  const policy = { baseMs: 1000, maxMs: 60_000 };
  assert.equal(
    backoffDelay(0, policy, () => 0),
    500,
  );
  assert.equal(
    backoffDelay(0, policy, () => 1),
    1000,
  );
  assert.equal(
    backoffDelay(3, policy, () => 1),
    8000,
  );
  assert.equal(
    backoffDelay(3, policy, () => 0),
    4000,
  );
  assert.equal(
    backoffDelay(20, policy, () => 1),
    60_000,
  );
  assert.equal(
    backoffDelay(1000, policy, () => 0),
    30_000,
  );
  assert.equal(
    backoffDelay(1000, { baseMs: 1_000, maxMs: 600_000 }, () => 0.5),
    450_000,
  );
});

test('a negative attempt counts as the first', () => {
  assert.equal(
    backoffDelay(-3, { baseMs: 1000, maxMs: 60_000 }, () => 1),
    1000,
  );
});

test('jitter spreads the delays of one attempt', () => {
  const spread = new Set(Array.from({ length: 50 }, () => backoffDelay(5, { baseMs: 1000, maxMs: 600_000 })));
  assert.ok(spread.size > 1);
});
