import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import pino from 'pino';
import { RetentionSweeper } from './retention-sweeper.ts';

function capturedLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

test('each rule prunes at its own cutoff; a failing rule is logged and the next still runs', async () => {
  const { logger, lines } = capturedLogger();
  const cutoffs: Record<string, number> = {};
  const sweeper = new RetentionSweeper(
    [
      { what: 'messages', retentionHours: 72, prune: async (before) => ((cutoffs.messages = before.getTime()), 3) },
      {
        what: 'broken',
        retentionHours: 1,
        prune: async () => {
          throw new Error('disk on fire');
        },
      },
      {
        what: 'events',
        retentionHours: 168,
        prune: async (before) => ((cutoffs.events = before.getTime()), { events: 0, deliveries: 0 }),
      },
    ],
    logger,
  );
  const now = Date.now();
  await sweeper.sweep();
  assert.ok(Math.abs(now - 72 * 3_600_000 - cutoffs.messages!) < 5_000);
  assert.ok(Math.abs(now - 168 * 3_600_000 - cutoffs.events!) < 5_000, 'the rule after the failing one ran');
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(
    lines.map((line) => line.msg),
    ['pruned messages past retention', 'failed to prune broken'],
    'nothing logged when nothing was pruned',
  );
  assert.equal(lines[0]!.removed, 3);
  await sweeper.stop();
});

test('a sweep asked for while one runs joins it instead of running twice', async () => {
  const { logger } = capturedLogger();
  let runs = 0;
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const sweeper = new RetentionSweeper(
    [{ what: 'slow', retentionHours: 1, prune: async () => (runs++, await gate, 0) }],
    logger,
  );
  const first = sweeper.sweep();
  const second = sweeper.sweep();
  release();
  await Promise.all([first, second]);
  assert.equal(runs, 1);
  await sweeper.sweep();
  assert.equal(runs, 2);
});
