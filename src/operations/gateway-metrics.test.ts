import assert from 'node:assert/strict';
import { test } from 'node:test';
import pino from 'pino';
import { parsePrometheusText, samplesOf, valueOf } from '../../test/support/prometheus-text.ts';
import type { ConnectionStatus } from '../sessions/session-state.ts';
import { GatewayMetrics, type MetricsSources } from './gateway-metrics.ts';

const logger = pino({ level: 'silent' });
const scrape = async (metrics: GatewayMetrics) => parsePrometheusText(await metrics.text());

test('sessions and the backlog are read from their sources at every scrape', async () => {
  let statuses: ConnectionStatus[] = ['AUTHENTICATED', 'AUTHENTICATED', 'QR_REQUIRED'];
  let pending = 7;
  const metrics = new GatewayMetrics({
    logger,
    sources: { connectionStatuses: async () => statuses, pendingDeliveries: async () => pending },
  });
  let m = await scrape(metrics);
  assert.equal(valueOf(m, 'wagate_sessions', { state: 'AUTHENTICATED' }), 2);
  assert.equal(valueOf(m, 'wagate_sessions', { state: 'QR_REQUIRED' }), 1);
  assert.equal(valueOf(m, 'wagate_sessions', { state: 'FAILED' }), 0);
  assert.equal(valueOf(m, 'wagate_webhook_backlog'), 7);
  statuses = ['STOPPED'];
  pending = 0;
  m = await scrape(metrics);
  assert.equal(valueOf(m, 'wagate_sessions', { state: 'AUTHENTICATED' }), 0, 'a state that emptied is 0, not stale');
  assert.equal(valueOf(m, 'wagate_sessions', { state: 'STOPPED' }), 1);
  assert.equal(valueOf(m, 'wagate_webhook_backlog'), 0);
});

test('a failing or hanging source leaves its series out (backlog NaN); the rest of the scrape works', async () => {
  const sources: MetricsSources = {
    connectionStatuses: () => Promise.reject(new Error('boom')),
    pendingDeliveries: () => new Promise(() => {}),
  };
  const metrics = new GatewayMetrics({ logger, sources, sourceTimeoutMs: 50 });
  metrics.messageSent('text');
  const m = await scrape(metrics);
  assert.deepEqual(samplesOf(m, 'wagate_sessions'), []);
  assert.ok(Number.isNaN(valueOf(m, 'wagate_webhook_backlog')));
  assert.equal(valueOf(m, 'wagate_messages_sent_total', { type: 'text' }), 1);
});

test('delivery outcomes: every attempt counts; only a delivered one is timed, from acceptance', async () => {
  const metrics = new GatewayMetrics({
    logger,
    sources: { connectionStatuses: async () => [], pendingDeliveries: async () => 0 },
  });
  const attempt = { deliveryId: 'd1', endpointId: 'e1', sessionId: 's1', statusCode: 200, attempts: 1, requestMs: 5 };
  metrics.deliveryOutcome({ ...attempt, result: 'retrying', statusCode: 503, sinceEventMs: 1_000 });
  metrics.deliveryOutcome({ ...attempt, result: 'delivered', attempts: 2, sinceEventMs: 3_000 });
  metrics.deliveryOutcome({ ...attempt, result: 'failed', statusCode: null, sinceEventMs: 3_600_000 });
  const m = await scrape(metrics);
  for (const outcome of ['delivered', 'retrying', 'failed']) {
    assert.equal(valueOf(m, 'wagate_webhook_deliveries_total', { outcome }), 1);
  }
  assert.equal(valueOf(m, 'wagate_webhook_delivery_latency_seconds_count'), 1);
  assert.equal(valueOf(m, 'wagate_webhook_delivery_latency_seconds_sum'), 3);
  assert.equal(valueOf(m, 'wagate_webhook_delivery_latency_seconds_bucket', { le: '2.5' }), 0);
  assert.equal(valueOf(m, 'wagate_webhook_delivery_latency_seconds_bucket', { le: '5' }), 1);
});

test('each instance has its own registry: two gateways in one process do not share counts', async () => {
  const sources: MetricsSources = { connectionStatuses: async () => [], pendingDeliveries: async () => 0 };
  const a = new GatewayMetrics({ logger, sources });
  const b = new GatewayMetrics({ logger, sources });
  a.connectionClosed('retry');
  assert.equal(valueOf(await scrape(a), 'wagate_connection_closes_total', { reason: 'retry' }), 1);
  assert.equal(valueOf(await scrape(b), 'wagate_connection_closes_total', { reason: 'retry' }), 0);
});
