import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DuePoller } from './due-poller.ts';

/** A poller whose queries finish only when the test says so. */
function controlled(coalesceMs: number) {
  const queries: Array<{ finished: ReadonlySet<string>; done: () => void }> = [];
  const errors: unknown[] = [];
  const poller = new DuePoller({
    coalesceMs,
    intervalMs: 3_600_000,
    query: (finished) => new Promise<void>((resolve) => queries.push({ finished, done: resolve })),
    onError: (err) => errors.push(err),
  });
  return { poller, queries, errors };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('due poller', () => {
  test('start queries at once; nudges during a query make exactly one more', async () => {
    const { poller, queries } = controlled(0);
    assert.equal(poller.state, 'stopped');
    poller.nudge();
    assert.equal(queries.length, 0, 'a stopped poller does not query');
    poller.start();
    assert.equal(poller.state, 'querying');
    assert.equal(queries.length, 1);
    poller.nudge();
    poller.nudge();
    poller.nudge();
    queries[0]!.done();
    await settle();
    assert.equal(queries.length, 2, 'three nudges during the query share one follow-up');
    queries[1]!.done();
    await settle();
    assert.equal(queries.length, 2);
    assert.equal(poller.state, 'idle');
    poller.stop();
  });

  test('deliveries finished during a query are handed to it; those finished outside are not', async () => {
    const { poller, queries } = controlled(0);
    poller.finished('before');
    poller.start();
    poller.finished('during');
    assert.deepEqual([...queries[0]!.finished], ['during']);
    queries[0]!.done();
    await settle();
    poller.finished('after');
    assert.deepEqual([...queries[0]!.finished], ['during']);
    poller.stop();
  });

  test('a nudge soon after a query waits (coalescing); stop cancels it', async () => {
    const { poller, queries } = controlled(3_600_000);
    poller.start();
    queries[0]!.done();
    await settle();
    poller.nudge();
    assert.equal(poller.state, 'coalescing');
    poller.nudge();
    assert.equal(queries.length, 1);
    poller.stop();
    assert.equal(poller.state, 'stopped');
  });

  test('a failed query is reported and the poller goes back to idle', async () => {
    const errors: unknown[] = [];
    const poller = new DuePoller({
      coalesceMs: 0,
      intervalMs: 3_600_000,
      query: async () => {
        throw new Error('db down');
      },
      onError: (err) => errors.push(err),
    });
    poller.start();
    await settle();
    assert.equal(poller.state, 'idle');
    assert.match(String(errors[0]), /db down/);
    poller.stop();
  });

  test('stop during a query: nothing follows it, even when nudged meanwhile', async () => {
    const { poller, queries } = controlled(0);
    poller.start();
    poller.nudge();
    poller.stop();
    queries[0]!.done();
    await settle();
    assert.equal(queries.length, 1);
    assert.equal(poller.state, 'stopped');
  });
});
