import assert from 'node:assert/strict';
import { test } from 'node:test';
import { disconnectText, healthCounts, matchesSearch, relativeTime } from '../../src/dashboard/format.ts';
import { FIRST_QR_LIFETIME_MS, LATER_QR_LIFETIME_MS, QrTimings, secondsLeft } from '../../src/dashboard/qr-timing.ts';
import type { Session } from '../../src/dashboard/types.ts';

const NOW = Date.parse('2026-12-07T10:00:00.000Z');

function session(sessionId: string, extra: Partial<Session> = {}): Session {
  return {
    id: 1,
    sessionId,
    status: 'connected',
    createdAt: '',
    updatedAt: '',
    isActive: true,
    isAuthenticated: true,
    startTime: null,
    connectionStatus: 'AUTHENTICATED',
    lastSeenAt: null,
    lastDisconnect: null,
    userInfo: null,
    ...extra,
  };
}

test('relative times', () => {
  assert.equal(relativeTime(null, NOW), 'never');
  assert.equal(relativeTime('garbage', NOW), 'unknown');
  assert.equal(relativeTime('2026-12-07T10:00:05.000Z', NOW), 'just now', 'a clock ahead of ours');
  assert.equal(relativeTime('2026-12-07T09:59:56.000Z', NOW), 'just now');
  assert.equal(relativeTime('2026-12-07T09:59:55.000Z', NOW), '5 s ago');
  assert.equal(relativeTime('2026-12-07T09:59:48.000Z', NOW), '12 s ago');
  assert.equal(relativeTime('2026-12-07T09:57:00.000Z', NOW), '3 min ago');
  assert.equal(relativeTime('2026-12-07T05:00:00.000Z', NOW), '5 h ago');
  assert.equal(relativeTime('2026-12-04T10:00:00.000Z', NOW), '3 d ago');
});

test('search matches id, phone number and name, ignoring case', () => {
  const linked = session('sales', {
    userInfo: { phoneNumber: '6281234', name: 'Popeye', jid: '', platform: 'android', registered: false, lid: null },
  });
  assert.equal(matchesSearch(linked, ''), true);
  assert.equal(matchesSearch(linked, 'SAL'), true);
  assert.equal(matchesSearch(linked, '1234'), true);
  assert.equal(matchesSearch(linked, 'popeye'), true);
  assert.equal(matchesSearch(linked, 'android'), false, 'not by platform');
  assert.equal(matchesSearch(session('unlinked', { userInfo: null }), 'popeye'), false);
});

test("the seed's health check: total, active, authenticated", () => {
  const sessions = [
    session('a'),
    session('b', { isActive: false }),
    session('c', { isActive: false, isAuthenticated: false }),
  ];
  assert.deepEqual(healthCounts(sessions), { total: 3, active: 1, authenticated: 2 });
  assert.deepEqual(healthCounts([]), { total: 0, active: 0, authenticated: 0 });
});

test('the last disconnect as one line', () => {
  assert.equal(disconnectText(session('a')), 'none');
  assert.equal(
    disconnectText(session('a', { lastDisconnect: { code: 428, reason: 'Connection Closed', at: '' } })),
    'Connection Closed (428)',
  );
  assert.equal(disconnectText(session('a', { lastDisconnect: { code: null, reason: 'stopped', at: '' } })), 'stopped');
});

test('QR lifetimes: 60 s for the first code of a seen connection start, 20 s for later or unknown ones', () => {
  const timings = new QrTimings();
  assert.equal(timings.qr('s', 'q0', '2026-12-07T10:00:00.000Z').lifetimeMs, LATER_QR_LIFETIME_MS, 'start not seen');
  timings.status('s', 'CONNECTING');
  const first = timings.qr('s', 'q1', '2026-12-07T10:00:00.000Z');
  assert.equal(first.lifetimeMs, FIRST_QR_LIFETIME_MS);
  timings.status('s', 'QR_REQUIRED');
  // Baileys' default: the first code lived 60 s; the next lives 20 s.
  assert.equal(timings.qr('s', 'q2', '2026-12-07T10:01:00.000Z').lifetimeMs, LATER_QR_LIFETIME_MS);
  assert.equal(timings.qr('s', 'q3', '2026-12-07T10:01:20.000Z').lifetimeMs, LATER_QR_LIFETIME_MS);
  assert.equal(secondsLeft(first, NOW + 15_000), 45);
  assert.equal(secondsLeft(first, NOW + 90_000), 0);
  timings.status('s', 'STOPPED');
  assert.equal(timings.qr('s', 'q4', '2026-12-07T10:02:00.000Z').lifetimeMs, LATER_QR_LIFETIME_MS, 'a stop forgets');
});

test('QR lifetimes under a shorter WA_QR_TIMEOUT_MS: after the first rotation, the observed interval', () => {
  const timings = new QrTimings();
  timings.status('s', 'CONNECTING');
  timings.qr('s', 'q1', '2026-12-07T10:00:00.000Z');
  assert.equal(timings.qr('s', 'q2', '2026-12-07T10:00:04.000Z').lifetimeMs, 4_000);
  assert.equal(timings.qr('s', 'q3', '2026-12-07T10:00:08.000Z').lifetimeMs, 4_000);
});
