import assert from 'node:assert/strict';
import { test } from 'node:test';
import pino from 'pino';
import { Readiness } from './readiness.ts';

const logger = pino({ level: 'silent' });

test('not ready before the restore is scheduled, whatever the database says', async () => {
  let probes = 0;
  const readiness = new Readiness({ logger, probeDatabase: async () => void probes++ });
  await assert.rejects(readiness.check(), { code: 'GATEWAY_STARTING', status: 503 });
  assert.equal(probes, 0, 'starting is answered without a query');
  readiness.markRestoreScheduled();
  await readiness.check();
  assert.equal(probes, 1);
});

test('a database that fails or never answers is DATABASE_UNAVAILABLE; the check recovers with it', async () => {
  let answer: () => Promise<void> = () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432'));
  const readiness = new Readiness({ logger, timeoutMs: 50, probeDatabase: () => answer() });
  readiness.markRestoreScheduled();
  await assert.rejects(readiness.check(), (err: { code: string; detail: string }) => {
    assert.equal(err.code, 'DATABASE_UNAVAILABLE');
    assert.doesNotMatch(err.detail, /127\.0\.0\.1|ECONNREFUSED/, 'the public answer names no host or driver error');
    return true;
  });
  answer = () => new Promise(() => {});
  await assert.rejects(readiness.check(), { code: 'DATABASE_UNAVAILABLE' });
  answer = async () => {};
  await readiness.check();
});
