import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LaneTable } from './delivery-lanes.ts';

const never = () => new Promise<void>(() => undefined);

/** A lane run that never ends, and how often it was started. */
function countedRun() {
  const counter = {
    runs: 0,
    run: () => {
      counter.runs++;
      return never();
    },
  };
  return counter;
}

describe('delivery lanes', () => {
  test('a lane goes idle → working → stale → working → idle, and one run holds it at a time', () => {
    const lanes = new LaneTable(4);
    const counter = countedRun();
    const { run } = counter;
    assert.equal(lanes.state('a'), 'idle');
    assert.equal(lanes.start('a', run), 'started');
    assert.equal(lanes.state('a'), 'working');
    assert.equal(lanes.start('a', run), 'busy', 'a held lane never gets a second run');
    assert.equal(lanes.added('a', run), 'busy');
    assert.equal(lanes.state('a'), 'stale');
    lanes.reading('a');
    assert.equal(lanes.state('a'), 'working');
    assert.equal(lanes.finish('a', run), false);
    assert.equal(lanes.state('a'), 'idle', 'a working lane lets go even when a follow-up run is offered');
    assert.equal(counter.runs, 1);
  });

  test('a stale lane is taken over by a fresh run when it finishes, unless the worker stopped', () => {
    const lanes = new LaneTable(1);
    const counter = countedRun();
    const { run } = counter;
    lanes.added('a', run);
    lanes.added('a', run);
    assert.equal(lanes.finish('a', run), false);
    assert.equal(counter.runs, 2);
    assert.equal(lanes.state('a'), 'working', 'the fresh run keeps the lane and its slot');
    assert.equal(lanes.freeSlots(), 0);
    lanes.added('a', run);
    lanes.finish('a', null);
    assert.equal(lanes.state('a'), 'idle');
    assert.equal(lanes.freeSlots(), 1);
  });

  test('a lane that found no slot is remembered until the next due query, which the freed slot asks for', () => {
    const lanes = new LaneTable(1);
    lanes.start('a', never);
    assert.equal(lanes.added('b', never), 'no-slot');
    assert.equal(lanes.state('b'), 'idle');
    assert.equal(lanes.slotWanted, true);
    assert.equal(lanes.dueQueryBegins(), 0, 'no free slot: the query is skipped');
    assert.equal(lanes.slotWanted, true, 'and the wish stays');
    assert.equal(lanes.finish('a', null), true, 'the freed slot was wanted');
    assert.equal(lanes.dueQueryBegins(), 1);
    assert.equal(lanes.slotWanted, false);
    lanes.start('c', never);
    assert.equal(lanes.finish('c', null), false, 'nobody wanted this slot');
  });

  test('runs lists the held lanes for stop to wait on', async () => {
    const lanes = new LaneTable(3);
    lanes.start('a', async () => undefined);
    lanes.start('b', async () => undefined);
    assert.equal(lanes.runs().length, 2);
    assert.equal(lanes.heldCount, 2);
    await Promise.all(lanes.runs());
  });
});
