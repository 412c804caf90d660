import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { limitSourceMappedStacks } from './stack-traces.ts';

const before = process.sourceMapsEnabled;
after(() => process.setSourceMapsEnabled(before));

test('source-mapped stacks are turned off unless the process asked for them with --enable-source-maps', () => {
  process.setSourceMapsEnabled(true); // what tsx does
  assert.equal(limitSourceMappedStacks(['--enable-source-maps', '--import', 'tsx'], ''), true);
  assert.equal(process.sourceMapsEnabled, true);
  assert.equal(limitSourceMappedStacks(['--import', 'tsx'], '--max-old-space-size=512 --enable-source-maps'), true);
  assert.equal(process.sourceMapsEnabled, true);
  assert.equal(limitSourceMappedStacks(['--import', 'tsx'], '--max-old-space-size=512'), false);
  assert.equal(process.sourceMapsEnabled, false);
});
