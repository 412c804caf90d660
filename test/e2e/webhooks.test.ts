import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { eventually } from '../support/eventually.ts';
import { startGateway, waitForConnectionStatus, type GatewayProcess } from '../support/gateway-process.ts';
import { DIALECTS, freshDatabaseUrl, tempDir } from '../support/test-databases.ts';
import { startTestSimulator, type TestSimulator } from '../support/test-simulator.ts';
import { SseClient } from '../events/sse-client.ts';
import { verifyStandardWebhook, WebhookReceiver, type ReceivedWebhook } from '../events/webhook-receiver.ts';

const GLOBAL_SECRET = `whsec_${Buffer.alloc(32, 5).toString('base64')}`;
const PHONE = '6281200000001';
const SESSION = 'hooks-a';

/** The gateway runs as a process of its own: give it time, and poll gently. */
const E2E_WAIT = { timeoutMs: 30_000, pollMs: 100 };

for (const dialect of DIALECTS) {
  describe(`webhooks and SSE end to end (${dialect}; gateway process + simulator + real receiver)`, () => {
    let t: TestSimulator;
    let gateway: GatewayProcess;
    let receiver: WebhookReceiver;
    let databaseUrl: string;
    let dataDir: string;
    let sessionSecret: string;
    const apiKey = 'webhooks_e2e_key_0123456789';
    const launch = async () => {
      gateway = await startGateway({
        databaseUrl,
        dataDir,
        apiKey,
        env: {
          ...t.gatewayEnv,
          WEBHOOK_URL: receiver.url('/global'),
          WEBHOOK_SECRET: GLOBAL_SECRET,
          WEBHOOK_RETRY_BASE_MS: '100',
          WEBHOOK_RETRY_MAX_MS: '400',
          WEBHOOK_DISABLE_AFTER_MS: '600000',
          EVENTS_HEARTBEAT_MS: '1000',
        },
      });
    };
    const deliveries = async (query: string) => {
      const response = await gateway.request('GET', `/webhooks/deliveries?${query}`);
      assert.equal(response.status, 200, JSON.stringify(response.body));
      return response.body.data as Array<{
        id: string;
        eventId: string;
        sequence: number;
        status: string;
        attempts: number;
        endpoint: { id: string };
      }>;
    };

    before(async () => {
      t = await startTestSimulator(`webhooks-e2e-${dialect}`);
      t.sim.createPhone({ phoneNumber: PHONE, name: 'Hooky', platform: 'android' });
      receiver = await new WebhookReceiver().start();
      databaseUrl = await freshDatabaseUrl(dialect);
      dataDir = tempDir();
      await launch();
    });
    after(async () => {
      await gateway?.kill('SIGKILL');
      await receiver?.stop();
      await t?.sim.stop();
    });

    test('linking produces signed session.qr and session.status AUTHENTICATED webhooks, global and per session', async () => {
      assert.equal((await gateway.request('POST', '/sessions', { sessionId: SESSION })).status, 201);
      const put = await gateway.request('PUT', `/sessions/${SESSION}/webhook`, { url: receiver.url('/session') });
      assert.equal(put.status, 200, JSON.stringify(put.body));
      sessionSecret = put.body.data.secret;
      assert.match(sessionSecret, /^whsec_/);
      await waitForConnectionStatus(gateway, SESSION, 'QR_REQUIRED');
      const qr = await gateway.request('GET', `/sessions/${SESSION}/qr`);
      await t.sim.phone(PHONE).scan(qr.body.data.qr);
      await waitForConnectionStatus(gateway, SESSION, 'AUTHENTICATED');

      const linked = (hooks: readonly ReceivedWebhook[], path: string) =>
        hooks.some(
          (h) =>
            h.json?.sessionId === SESSION &&
            h.json.type === 'session.status' &&
            h.json.data.connectionStatus === 'AUTHENTICATED' &&
            h.url === path,
        );
      await receiver.waitFor(
        (hooks) => linked(hooks, '/global') && linked(hooks, '/session'),
        30_000,
        'AUTHENTICATED at both endpoints',
      );
      for (const [path, secret] of [
        ['/global', GLOBAL_SECRET],
        ['/session', sessionSecret],
      ] as const) {
        const hooks = receiver.accepted.filter((h) => h.url === path && h.json?.sessionId === SESSION);
        const qrHook = hooks.find((h) => h.json.type === 'session.qr');
        assert.ok(qrHook, `${path} got session.qr`);
        assert.match(qrHook.json.data.qr, /2@/);
        assert.ok(
          hooks.every((h) => verifyStandardWebhook(secret, h)),
          `${path}: every signature verifies`,
        );
        assert.ok(hooks.every((h) => h.headers['webhook-id'] === h.json.id && /^evt_/.test(h.json.id)));
        const authenticated = hooks.find(
          (h) => h.json.type === 'session.status' && h.json.data.connectionStatus === 'AUTHENTICATED',
        )!;
        assert.deepEqual(Object.keys(authenticated.json).sort(), ['data', 'id', 'sessionId', 'timestamp', 'type']);
        assert.equal(authenticated.json.data.status, 'connected');
      }
      assert.ok(
        receiver.accepted.some((h) => h.json?.data?.qr === qr.body.data.qr),
        'the QR the API showed was published',
      );
    });

    test('SIGKILL with deliveries pending: after restart every event id arrives, per-session order kept', async () => {
      await receiver.stop();
      assert.equal((await gateway.request('POST', `/sessions/${SESSION}/stop`)).status, 200);
      assert.equal((await gateway.request('POST', `/sessions/${SESSION}/start`)).status, 200);
      await waitForConnectionStatus(gateway, SESSION, 'AUTHENTICATED');
      const pending = await eventually(
        async () => {
          const rows = await deliveries(`status=pending&sessionId=${SESSION}&limit=1000`);
          return rows.length >= 6 && rows.some((d) => d.attempts > 0) ? rows : undefined;
        },
        'pending deliveries with failed attempts',
        E2E_WAIT,
      );
      assert.equal(await gateway.kill('SIGKILL'), 'SIGKILL');

      await receiver.start();
      await launch();
      const expected = new Map(
        pending.map((d) => [`${d.endpoint.id === 'global' ? '/global' : '/session'} ${d.eventId}`, d.sequence]),
      );
      await receiver.waitFor(
        (hooks) => {
          const got = new Set(hooks.map((h) => `${h.url} ${h.json?.id}`));
          return [...expected.keys()].every((key) => got.has(key));
        },
        30_000,
        'every pending event at its endpoint',
      );

      const sequences = new Map(pending.map((d) => [d.eventId, d.sequence]));
      for (const path of ['/global', '/session']) {
        const firstArrivals: number[] = [];
        const seen = new Set<string>();
        for (const hook of receiver.accepted.filter((h) => h.url === path && h.json?.sessionId === SESSION)) {
          const sequence = sequences.get(hook.json.id);
          if (sequence === undefined || seen.has(hook.json.id)) continue;
          seen.add(hook.json.id);
          firstArrivals.push(sequence);
        }
        assert.deepEqual(
          firstArrivals,
          [...firstArrivals].sort((a, b) => a - b),
          `${path}: delivered in event order`,
        );
        const secret = path === '/global' ? GLOBAL_SECRET : sessionSecret;
        assert.ok(receiver.accepted.filter((h) => h.url === path).every((h) => verifyStandardWebhook(secret, h)));
      }
      await waitForConnectionStatus(gateway, SESSION, 'AUTHENTICATED');
    });

    test('SSE: read some events, disconnect, resume with Last-Event-ID and get exactly the later ones', async () => {
      const auth = { authorization: `Bearer ${apiKey}` };
      const first = await SseClient.connect(`${gateway.url}/events?sessionId=${SESSION}`, auth);
      assert.equal(first.status, 200);
      await gateway.request('POST', `/sessions/${SESSION}/stop`);
      await first.waitFor(
        () => first.frames.some((f) => f.data.data.connectionStatus === 'STOPPED'),
        'STOPPED on the stream',
      );
      first.close();
      const lastId = Number(first.frames.at(-1)!.id);
      await gateway.request('POST', `/sessions/${SESSION}/start`);
      await waitForConnectionStatus(gateway, SESSION, 'AUTHENTICATED');
      const later = await eventually(
        async () => {
          const rows = (await deliveries(`sessionId=${SESSION}&limit=1000`)).filter(
            (d) => d.endpoint.id === 'global' && d.sequence > lastId,
          );
          return rows.length >= 2 ? rows.sort((a, b) => a.sequence - b.sequence) : undefined;
        },
        'later events in the outbox',
        E2E_WAIT,
      );

      const resumed = await SseClient.connect(`${gateway.url}/events?sessionId=${SESSION}`, {
        ...auth,
        'last-event-id': String(lastId),
      });
      const lastExpected = later.at(-1)!;
      await resumed.waitFor(
        () => resumed.frames.some((f) => f.data.id === lastExpected.eventId),
        'the resumed stream to catch up',
      );
      resumed.close();
      const upTo = resumed.frames.findIndex((f) => f.data.id === lastExpected.eventId);
      assert.deepEqual(
        resumed.frames.slice(0, upTo + 1).map((f) => f.data.id),
        later.map((d) => d.eventId),
        'exactly the later events, in order',
      );
      assert.ok(resumed.frames.every((f) => Number(f.id) > lastId));
      assert.ok(
        resumed.frames.some((f) => f.event === 'session.status' && f.data.data.connectionStatus === 'AUTHENTICATED'),
      );

      const noKey = await SseClient.connect(`${gateway.url}/events`, {});
      assert.equal(noKey.status, 401);
    });
  });
}
