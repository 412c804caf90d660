import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifyDisconnect, readDisconnectError } from './disconnect-classifier.ts';

test('DisconnectReason codes map to the reconnect policy', () => {
  const cases: Array<[number | null, string, string]> = [
    [515, 'Stream Errored (restart required)', 'restart'],
    [428, 'Connection Terminated', 'retry'],
    [408, 'Connection was lost', 'retry'],
    [500, 'Stream Errored (unknown)', 'retry'],
    [503, 'Stream Errored (unknown)', 'retry'],
    [null, 'socket hang up', 'retry'],
    [440, 'Stream Errored (conflict)', 'replaced'],
    [401, 'Stream Errored (conflict)', 'logged_out'],
    [403, 'Connection Failure', 'failed'],
    [411, 'Multi-device mismatch', 'failed'],
    [400, 'certification match failed', 'failed'],
    [408, 'QR refs attempts ended', 'qr_expired'],
  ];
  for (const [code, message, kind] of cases)
    assert.equal(classifyDisconnect(code, message), kind, `${code} ${message}`);
});

test('status codes are read from Boom-shaped errors only', () => {
  const boom = Object.assign(new Error('Connection Failure'), { output: { statusCode: 403 } });
  assert.deepEqual(readDisconnectError(boom), { code: 403, message: 'Connection Failure' });
  assert.deepEqual(readDisconnectError(new Error('plain')), { code: null, message: 'plain' });
  assert.deepEqual(readDisconnectError(undefined), { code: null, message: 'connection closed' });
});
