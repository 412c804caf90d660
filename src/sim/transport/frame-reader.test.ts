import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createFrameReader, frame } from './frame-reader.ts';

const WA = Buffer.from([0x57, 0x41, 6, 3]);

describe('frame reader', () => {
  it('strips the WA intro of the first message only and splits length-prefixed frames', () => {
    const reader = createFrameReader();
    const first = Buffer.concat([WA, frame(Buffer.from('hello')), frame(Buffer.from('x'))]);
    assert.deepEqual(reader.push(first).map(String), ['hello', 'x']);
    // A later message starting with "WA" bytes is payload, not an intro.
    assert.deepEqual(
      reader.push(frame(WA)).map((b) => b.toString('hex')),
      [WA.toString('hex')],
    );
  });

  it('buffers partial frames across messages', () => {
    const reader = createFrameReader();
    const whole = Buffer.concat([WA, frame(Buffer.from('split-frame'))]);
    assert.deepEqual(reader.push(whole.subarray(0, 9)), []);
    assert.deepEqual(reader.push(whole.subarray(9)).map(String), ['split-frame']);
  });

  it('accepts the ED routing prefix in front of the intro', () => {
    const routing = Buffer.from('route-me');
    const header = Buffer.from([0x45, 0x44, 0, 1, 0, 0, routing.length]);
    const reader = createFrameReader();
    assert.deepEqual(reader.push(Buffer.concat([header, routing, WA, frame(Buffer.from('hi'))])).map(String), ['hi']);
  });

  it('rejects a first message without an intro', () => {
    assert.throws(() => createFrameReader().push(frame(Buffer.from('no intro'))), /WA intro/);
  });
});
