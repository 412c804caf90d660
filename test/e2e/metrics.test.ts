import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { WebhookReceiver } from '../events/webhook-receiver.ts';
import { startGateway, waitForConnectionStatus, type GatewayProcess } from '../support/gateway-process.ts';
import { createAndLink } from '../support/link-session.ts';
import { parsePrometheusText, samplesOf, valueOf, type Exposition } from '../support/prometheus-text.ts';
import { DIALECTS, freshDatabaseUrl, tempDir } from '../support/test-databases.ts';
import { startTestSimulator, type TestSimulator } from '../support/test-simulator.ts';

const ME = '6281700000001';
const DINA = '6281700000002';
const SESSION = 'metered';
const SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
const STATES = ['STOPPED', 'CONNECTING', 'QR_REQUIRED', 'AUTHENTICATED', 'RECONNECTING', 'LOGGED_OUT', 'FAILED'];
const HTTP = 'wagate_http_request_duration_seconds';

async function eventually<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

for (const dialect of DIALECTS) {
  describe(`GET /metrics follows real events (${dialect}; gateway process + simulator + real receiver)`, () => {
    let t: TestSimulator;
    let gateway: GatewayProcess;
    let receiver: WebhookReceiver;

    const scrape = async (): Promise<Exposition> => {
      const response = await gateway.request('GET', '/metrics');
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
      return parsePrometheusText((response.body as Buffer).toString('utf8'));
    };
    const delivered = (m: Exposition) => valueOf(m, 'wagate_webhook_deliveries_total', { outcome: 'delivered' });

    before(async () => {
      t = await startTestSimulator(`metrics-e2e-${dialect}`);
      t.sim.createPhone({ phoneNumber: ME, name: 'Meter', platform: 'android' });
      t.sim.createPhone({ phoneNumber: DINA, name: 'Dina', platform: 'android' });
      receiver = await new WebhookReceiver().start();
      gateway = await startGateway({
        databaseUrl: await freshDatabaseUrl(dialect),
        dataDir: tempDir(),
        env: {
          ...t.gatewayEnv,
          WEBHOOK_URL: receiver.url('/global'),
          WEBHOOK_SECRET: SECRET,
          WEBHOOK_RETRY_BASE_MS: '200',
          WEBHOOK_RETRY_MAX_MS: '400',
        },
      });
    });
    after(async () => {
      await gateway?.kill('SIGKILL');
      await receiver?.stop();
      await t?.sim.stop();
    });

    test('needs the API key; /ready is public and 200 on a running gateway', async () => {
      for (const headers of [{ authorization: '' }, { authorization: 'Bearer wrong-key' }]) {
        const response = await gateway.request('GET', '/metrics', undefined, headers);
        assert.equal(response.status, 401);
        assert.deepEqual(response.body, { success: false, message: 'Invalid API key', code: 'INVALID_API_KEY' });
      }
      const openapi = (await gateway.request('GET', '/openapi.json')).body;
      assert.ok(openapi.paths['/metrics'].get.responses['200'].content['text/plain'], '/metrics is documented as text');
      assert.deepEqual(openapi.paths['/ready'].get.security, [], '/ready is documented as public');
      const ready = await fetch(`${gateway.url}/ready`);
      assert.equal(ready.status, 200);
      assert.deepEqual(await ready.json(), { success: true, message: 'Gateway is ready' });
    });

    test('names, types and labels: every series is there from the first scrape, bounded labels at 0', async () => {
      const m = await scrape();
      assert.equal(m.types.get('wagate_sessions'), 'gauge');
      assert.deepEqual(
        samplesOf(m, 'wagate_sessions')
          .map((s) => s.labels.state)
          .sort(),
        [...STATES].sort(),
      );
      assert.ok(
        samplesOf(m, 'wagate_sessions').every((s) => s.value === 0),
        'no session yet',
      );
      assert.equal(m.types.get('wagate_messages_sent_total'), 'counter');
      assert.equal(valueOf(m, 'wagate_messages_sent_total', { type: 'text' }), 0);
      assert.equal(m.types.get('wagate_messages_received_total'), 'counter');
      assert.equal(valueOf(m, 'wagate_messages_received_total', { type: 'sticker' }), 0);
      assert.equal(m.types.get('wagate_connection_closes_total'), 'counter');
      assert.deepEqual(
        samplesOf(m, 'wagate_connection_closes_total')
          .map((s) => s.labels.reason)
          .sort(),
        ['failed', 'logged_out', 'qr_expired', 'replaced', 'restart', 'retry', 'stopped'],
      );
      assert.equal(m.types.get('wagate_webhook_deliveries_total'), 'counter');
      assert.deepEqual(
        samplesOf(m, 'wagate_webhook_deliveries_total')
          .map((s) => s.labels.outcome)
          .sort(),
        ['delivered', 'failed', 'retrying'],
      );
      assert.equal(m.types.get('wagate_webhook_delivery_latency_seconds'), 'histogram');
      assert.equal(valueOf(m, 'wagate_webhook_delivery_latency_seconds_count'), 0);
      assert.equal(m.types.get('wagate_webhook_backlog'), 'gauge');
      assert.equal(valueOf(m, 'wagate_webhook_backlog'), 0);
      assert.equal(m.types.get(HTTP), 'histogram');
      // prom-client's default process metrics, event-loop lag included.
      assert.equal(m.types.get('process_cpu_seconds_total'), 'counter');
      assert.equal(m.types.get('process_resident_memory_bytes'), 'gauge');
      assert.equal(m.types.get('nodejs_eventloop_lag_seconds'), 'gauge');
      assert.ok(valueOf(m, 'nodejs_eventloop_lag_p99_seconds') >= 0);
    });

    test('a link: AUTHENTICATED 0 → 1; each webhook the receiver took is one delivered + one latency', async () => {
      const before = await scrape();
      assert.equal(valueOf(before, 'wagate_sessions', { state: 'AUTHENTICATED' }), 0);
      await createAndLink(gateway, t.sim, SESSION, ME);
      const m = await scrape();
      assert.equal(valueOf(m, 'wagate_sessions', { state: 'AUTHENTICATED' }), 1);
      assert.equal(
        samplesOf(m, 'wagate_sessions').reduce((sum, s) => sum + s.value, 0),
        1,
        'one session in all',
      );
      // The link's session.qr and session.status events went to the global webhook, one delivery each.
      await receiver.waitFor((hooks) => hooks.some((h) => h.json?.data?.connectionStatus === 'AUTHENTICATED'));
      const settled = await eventually(async () => {
        const now = await scrape();
        return delivered(now) === receiver.accepted.length ? now : undefined;
      }, 'delivered_total to equal what the receiver accepted');
      assert.ok(delivered(settled) >= 3, `qr + status changes: ${delivered(settled)}`);
      assert.equal(valueOf(settled, 'wagate_webhook_delivery_latency_seconds_count'), delivered(settled));
      assert.equal(
        valueOf(settled, 'wagate_webhook_delivery_latency_seconds_bucket', { le: '+Inf' }),
        delivered(settled),
      );
    });

    test('a send is sent_total{type="text"} + 1; a phone message is received_total{type="text"} + 1', async () => {
      const before = await scrape();
      const sent = await gateway.request('POST', `/sessions/${SESSION}/messages`, { to: DINA, text: 'metered hello' });
      assert.equal(sent.status, 201, JSON.stringify(sent.body));
      const afterSend = await scrape();
      assert.equal(
        valueOf(afterSend, 'wagate_messages_sent_total', { type: 'text' }),
        valueOf(before, 'wagate_messages_sent_total', { type: 'text' }) + 1,
      );
      assert.equal(
        valueOf(afterSend, 'wagate_messages_received_total', { type: 'text' }),
        valueOf(before, 'wagate_messages_received_total', { type: 'text' }),
        'our own send is not counted as received',
      );

      const incoming = await t.sim.phone(DINA).sendText(ME, 'hello back');
      await receiver.waitFor((hooks) =>
        hooks.some((h) => h.json?.type === 'message.received' && h.json.data.id === incoming.id),
      );
      const afterReceive = await scrape();
      assert.equal(
        valueOf(afterReceive, 'wagate_messages_received_total', { type: 'text' }),
        valueOf(before, 'wagate_messages_received_total', { type: 'text' }) + 1,
      );
      assert.equal(
        valueOf(afterReceive, 'wagate_messages_sent_total', { type: 'text' }),
        valueOf(afterSend, 'wagate_messages_sent_total', { type: 'text' }),
      );
    });

    test('a failing receiver: retrying attempts and the backlog rise, then drain back to 0', async () => {
      receiver.respond = () => 503;
      const before = await scrape();
      assert.equal(
        (await gateway.request('POST', `/sessions/${SESSION}/messages`, { to: DINA, text: 'while the hook is down' }))
          .status,
        201,
      );
      const backlogged = await eventually(async () => {
        const m = await scrape();
        return valueOf(m, 'wagate_webhook_backlog') > 0 &&
          valueOf(m, 'wagate_webhook_deliveries_total', { outcome: 'retrying' }) >
            valueOf(before, 'wagate_webhook_deliveries_total', { outcome: 'retrying' })
          ? m
          : undefined;
      }, 'a backlog and retrying attempts');
      assert.ok(valueOf(backlogged, 'wagate_webhook_backlog') > 0);
      // Once the send's status events are all in, the gauge and the API's pending list agree.
      await eventually(async () => {
        const pending = await gateway.request('GET', '/webhooks/deliveries?status=pending&limit=1000');
        return valueOf(await scrape(), 'wagate_webhook_backlog') === pending.body.count ? true : undefined;
      }, 'the backlog gauge to equal the pending deliveries listed');
      receiver.respond = () => 200;
      const drained = await eventually(async () => {
        const m = await scrape();
        return valueOf(m, 'wagate_webhook_backlog') === 0 ? m : undefined;
      }, 'the backlog to drain');
      assert.ok(delivered(drained) > delivered(before));
      assert.equal((await gateway.request('GET', '/webhooks/deliveries?status=pending')).body.count, 0);
    });

    test('the HTTP histogram is labelled by route pattern, method and status class, never by the raw URL', async () => {
      const route = { route: '/sessions/:sessionId', method: 'GET', status_class: '2xx' };
      const missing = { route: '/sessions/:sessionId', method: 'GET', status_class: '4xx' };
      const unmatched = { route: 'unmatched', method: 'GET', status_class: '4xx' };
      const count = (m: Exposition, labels: Record<string, string>) =>
        samplesOf(m, `${HTTP}_count`, labels)[0]?.value ?? 0;
      const before = await scrape();
      for (let i = 0; i < 3; i++) assert.equal((await gateway.request('GET', `/sessions/${SESSION}`)).status, 200);
      assert.equal((await gateway.request('GET', '/sessions/no-such-session')).status, 404);
      assert.equal((await gateway.request('GET', '/no/such/route/7f3a')).status, 404);
      const m = await scrape();
      assert.equal(count(m, route), count(before, route) + 3);
      assert.equal(count(m, missing), count(before, missing) + 1);
      assert.equal(count(m, unmatched), count(before, unmatched) + 1);
      assert.equal(valueOf(m, `${HTTP}_bucket`, { ...route, le: '+Inf' }), count(m, route));
      const routes = new Set(samplesOf(m, `${HTTP}_count`).map((s) => s.labels.route));
      assert.ok(
        routes.has('/metrics') && routes.has('/sessions') && routes.has('/sessions/:sessionId/messages'),
        [...routes].join(' '),
      );
      for (const label of routes) assert.ok(!/metered|no-such|7f3a/.test(label!), `raw URL in a label: ${label}`);
      assert.ok(samplesOf(m, `${HTTP}_count`).every((s) => /^[1-5]xx$/.test(s.labels.status_class!)));
    });

    test('a close: stop is closes_total{reason="stopped"} + 1 and the session moves to STOPPED', async () => {
      const before = await scrape();
      assert.equal((await gateway.request('POST', `/sessions/${SESSION}/stop`)).status, 200);
      await waitForConnectionStatus(gateway, SESSION, 'STOPPED');
      const m = await scrape();
      assert.equal(
        valueOf(m, 'wagate_connection_closes_total', { reason: 'stopped' }),
        valueOf(before, 'wagate_connection_closes_total', { reason: 'stopped' }) + 1,
      );
      assert.equal(valueOf(m, 'wagate_sessions', { state: 'AUTHENTICATED' }), 0);
      assert.equal(valueOf(m, 'wagate_sessions', { state: 'STOPPED' }), 1);
    });
  });
}
