import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SseClient } from '../events/sse-client.ts';
import { WebhookReceiver } from '../events/webhook-receiver.ts';
import { gatewayRequest } from '../support/gateway-launch.ts';
import { startGateway, waitForConnectionStatus, type GatewayProcess } from '../support/gateway-process.ts';
import { createAndLink } from '../support/link-session.ts';
import { DIALECTS, freshDatabaseUrl, tempDir } from '../support/test-databases.ts';
import { startTestSimulator, type TestSimulator } from '../support/test-simulator.ts';

const PHONE_1 = '6281500000001';
const PHONE_2 = '6281500000002';
const CONTACT = '6281500000009';

for (const dialect of DIALECTS) {
  describe(`scoped API keys, rate limits and deleted sessions (${dialect}; gateway process + simulator)`, () => {
    let t: TestSimulator;
    let gateway: GatewayProcess;
    let receiver: WebhookReceiver;
    /** The requests of one key (bearer), against the same gateway. */
    const as = (key: string) => gatewayRequest(gateway.url, () => key);
    const createKey = async (body: Record<string, unknown>) => {
      const created = await gateway.request('POST', '/api-keys', body);
      assert.equal(created.status, 201, JSON.stringify(created.body));
      return created.body.data as { id: string; key: string };
    };
    const status = async (sessionId: string) =>
      (await gateway.request('GET', `/sessions/${sessionId}/credentials`)).body.data?.connectionStatus as string;

    before(async () => {
      t = await startTestSimulator(`api-keys-${dialect}`);
      t.sim.createPhone({ phoneNumber: PHONE_1, name: 'One', platform: 'android' });
      t.sim.createPhone({ phoneNumber: PHONE_2, name: 'Two', platform: 'android' });
      t.sim.createPhone({ phoneNumber: CONTACT, name: 'Contact', platform: 'android' });
      receiver = await new WebhookReceiver().start();
      gateway = await startGateway({
        databaseUrl: await freshDatabaseUrl(dialect),
        dataDir: tempDir(),
        env: { ...t.gatewayEnv, ALLOW_PRIVATE_WEBHOOKS: 'true', WEBHOOK_RETRY_BASE_MS: '60000' },
      });
      await createAndLink(gateway, t.sim, 'acc1', PHONE_1);
      await createAndLink(gateway, t.sim, 'acc2', PHONE_2);
    });
    after(async () => {
      await gateway?.kill('SIGKILL');
      await receiver?.stop();
      await t?.sim.stop();
    });

    test('a key is shown once, in the wgk_ format; the list never shows a secret', async () => {
      const created = await gateway.request('POST', '/api-keys', { name: 'crm', sessions: ['acc1'], scopes: ['read'] });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const { id, name, sessions, scopes, rateLimitPerMinute, createdAt, key } = created.body.data;
      assert.deepEqual(
        { name, sessions, scopes, rateLimitPerMinute },
        { name: 'crm', sessions: ['acc1'], scopes: ['read'], rateLimitPerMinute: null },
      );
      assert.match(key, new RegExp(`^wgk_${id}_[A-Za-z0-9_-]{43}$`));
      assert.ok(!Number.isNaN(Date.parse(createdAt)));
      const listed = await gateway.request('GET', '/api-keys');
      assert.equal(listed.status, 200);
      const entry = listed.body.data.find((k: { id: string }) => k.id === id);
      assert.deepEqual(Object.keys(entry).sort(), [
        'createdAt',
        'id',
        'name',
        'rateLimitPerMinute',
        'scopes',
        'sessions',
      ]);
      // The secret is base64url, so it may hold '_' itself: cut it off by the known prefix, not by splitting.
      const secret = key.slice(`wgk_${id}_`.length);
      assert.equal(secret.length, 43);
      assert.ok(!JSON.stringify(listed.body).includes(secret), 'no secret in the list');
      assert.equal(listed.body.count, listed.body.data.length);
    });

    test('bad key requests answer 400 and create nothing', async () => {
      const before = (await gateway.request('GET', '/api-keys')).body.count;
      for (const body of [
        { name: 'x', sessions: [], scopes: ['read'] },
        { name: 'x', sessions: '*', scopes: ['admin'] },
        { name: 'x', sessions: ['acc1'], scopes: [] },
        { name: 'x', sessions: ['acc1'], scopes: ['read'], rateLimitPerMinute: 0 },
        { name: '', sessions: ['acc1'], scopes: ['read'] },
      ]) {
        const refused = await gateway.request('POST', '/api-keys', body);
        assert.equal(refused.status, 400, JSON.stringify(body));
        assert.equal(refused.body.success, false);
      }
      assert.equal((await gateway.request('GET', '/api-keys')).body.count, before);
    });

    test('a read key sees only its session: lists and counts filtered, other sessions 404, other scopes 403', async () => {
      const { key } = await createKey({ name: 'reader', sessions: ['acc1'], scopes: ['read'] });
      const reader = as(key);
      for (const path of [
        '/sessions',
        '/sessions/connected',
        '/sessions/all',
        '/sessions/all/credentials',
        '/sessions/connected/credentials',
      ]) {
        const list = await reader('GET', path);
        assert.equal(list.status, 200, path);
        assert.deepEqual(
          list.body.data.map((s: { sessionId: string }) => s.sessionId),
          ['acc1'],
          path,
        );
        assert.equal(list.body.count, 1, path);
      }
      assert.equal((await gateway.request('GET', '/sessions/all')).body.count, 2, 'the admin key sees both');
      for (const path of ['', '/credentials', '/status', '/qr', `/contacts/${CONTACT}`]) {
        assert.equal((await reader('GET', `/sessions/acc1${path}`)).status === 404, false, `acc1${path} is readable`);
      }

      // Another session looks exactly like one that does not exist.
      const missing = await gateway.request('GET', '/sessions/no-such-session');
      assert.equal(missing.status, 404);
      assert.equal(missing.body.message, 'Session not found');
      for (const [method, path] of [
        ['GET', '/sessions/acc2'],
        ['GET', '/sessions/acc2/credentials'],
        ['GET', '/sessions/acc2/status'],
        ['POST', '/sessions/acc2/stop'],
        ['PUT', '/sessions/acc2/webhook'],
      ] as const) {
        const refused = await reader(method, path, method === 'PUT' ? { url: receiver.url('/x') } : undefined);
        assert.equal(refused.status, 404, `${method} ${path}`);
        assert.deepEqual(refused.body, missing.body, `${method} ${path}`);
      }

      // A scope it lacks: 403 in the envelope, and nothing changed.
      const sentBefore = t.sim.phone(CONTACT).received().length;
      for (const [method, path, body] of [
        ['POST', '/sessions/acc1/stop', undefined],
        ['POST', '/sessions/acc1/logout', undefined],
        ['POST', '/sessions/acc1/messages', { to: CONTACT, text: 'not allowed' }],
        ['POST', '/sessions/acc1/presence', { to: CONTACT, state: 'composing' }],
        ['PUT', '/sessions/acc1/webhook', { url: receiver.url('/reader') }],
        ['GET', '/sessions/acc1/webhook', undefined],
      ] as const) {
        const refused = await reader(method, path, body);
        assert.equal(refused.status, 403, `${method} ${path}: ${JSON.stringify(refused.body)}`);
        assert.equal(refused.body.success, false);
        assert.equal(refused.body.code, 'MISSING_SCOPE');
      }
      // Admin-only requests.
      for (const [method, path, body] of [
        ['POST', '/sessions', { sessionId: 'made-by-reader' }],
        ['DELETE', '/sessions/acc1', undefined],
        ['GET', '/webhooks/deliveries', undefined],
        ['GET', '/metrics', undefined],
        ['GET', '/api-keys', undefined],
        ['POST', '/api-keys', { name: 'escalate', sessions: '*', scopes: ['manage'] }],
      ] as const) {
        const refused = await reader(method, path, body);
        assert.equal(refused.status, 403, `${method} ${path}`);
        assert.equal(refused.body.code, 'ADMIN_KEY_REQUIRED');
      }
      assert.equal(await status('acc1'), 'AUTHENTICATED');
      assert.equal(await status('acc2'), 'AUTHENTICATED');
      assert.equal((await gateway.request('GET', '/sessions/acc1/webhook')).status, 404, 'no webhook was set');
      assert.equal((await gateway.request('GET', '/sessions/made-by-reader')).status, 404, 'no session was created');
      assert.equal(
        (await gateway.request('GET', '/api-keys')).body.data.some((k: { name: string }) => k.name === 'escalate'),
        false,
      );
      assert.equal(t.sim.phone(CONTACT).received().length, sentBefore, 'nothing was sent');
    });

    test('a send+manage key acts on its session only', async () => {
      const { key } = await createKey({ name: 'agent', sessions: ['acc1'], scopes: ['send', 'manage'] });
      const agent = as(key);
      const sent = await agent('POST', '/sessions/acc1/messages', { to: CONTACT, text: 'hello from a scoped key' });
      assert.equal(sent.status, 201, JSON.stringify(sent.body));
      await t.sim.phone(CONTACT).waitForMessage((m) => m.id === sent.body.data.id);
      assert.equal((await agent('POST', '/sessions/acc2/messages', { to: CONTACT, text: 'no' })).status, 404);
      assert.equal((await agent('GET', '/sessions/acc1')).status, 403, 'no read scope');
      const put = await agent('PUT', '/sessions/acc1/webhook', { url: receiver.url('/agent') });
      assert.equal(put.status, 200, JSON.stringify(put.body));
      assert.equal((await agent('DELETE', '/sessions/acc1/webhook')).status, 200);
    });

    test('a "*" key covers every session, also one created later', async () => {
      const { key } = await createKey({ name: 'all', sessions: '*', scopes: ['read'] });
      assert.equal((await as(key)('GET', '/sessions/all')).body.count, 2);
      assert.equal((await gateway.request('POST', '/sessions', { sessionId: 'later' })).status, 201);
      assert.equal((await as(key)('GET', '/sessions/later')).status, 200);
      assert.equal((await gateway.request('DELETE', '/sessions/later')).status, 200);
    });

    test("/events streams only the key's sessions", async () => {
      const { key } = await createKey({ name: 'stream', sessions: ['acc2'], scopes: ['read'] });
      const auth = { authorization: `Bearer ${key}` };
      const refused = await SseClient.connect(`${gateway.url}/events?sessionId=acc1`, auth);
      assert.equal(refused.status, 404);
      assert.equal(JSON.parse(refused.errorBody).message, 'Session not found');
      const admin = await SseClient.connect(`${gateway.url}/events`, { authorization: `Bearer ${gateway.apiKey}` });
      const scoped = await SseClient.connect(`${gateway.url}/events`, auth);
      assert.equal(scoped.status, 200);
      await gateway.request('POST', '/sessions/acc1/restart');
      await gateway.request('POST', '/sessions/acc2/restart');
      await waitForConnectionStatus(gateway, 'acc1', 'AUTHENTICATED');
      await waitForConnectionStatus(gateway, 'acc2', 'AUTHENTICATED');
      const sawBoth = () => ['acc1', 'acc2'].every((id) => admin.frames.some((f) => f.data.sessionId === id));
      await admin.waitFor(sawBoth, 'events of both sessions on the admin stream', 30_000);
      // The admin stream saw acc2's last event, so the scoped stream, written in the same order, has it too.
      const lastOfAcc2 = admin.frames.filter((f) => f.data.sessionId === 'acc2').at(-1)!;
      await scoped.waitFor(
        () => scoped.frames.some((f) => f.data.id === lastOfAcc2.data.id),
        'acc2 events on the scoped stream',
        30_000,
      );
      admin.close();
      scoped.close();
      assert.ok(scoped.frames.length > 0);
      assert.deepEqual([...new Set(scoped.frames.map((f) => f.data.sessionId))], ['acc2']);
    });

    test('a revoked key answers 401 Invalid API key at once', async () => {
      const { id, key } = await createKey({ name: 'short-lived', sessions: ['acc1'], scopes: ['read'] });
      assert.equal((await as(key)('GET', '/sessions/acc1')).status, 200, 'used once, so it is cached');
      const revoked = await gateway.request('DELETE', `/api-keys/${id}`);
      assert.equal(revoked.status, 200, JSON.stringify(revoked.body));
      const after = await as(key)('GET', '/sessions/acc1');
      assert.equal(after.status, 401);
      assert.equal(after.body.message, 'Invalid API key');
      assert.equal((await gateway.request('DELETE', `/api-keys/${id}`)).status, 404);
      assert.equal(
        (await gateway.request('GET', '/api-keys')).body.data.some((k: { id: string }) => k.id === id),
        false,
      );
    });

    test('a key over its rateLimitPerMinute gets 429 with Retry-After; other keys go on', async () => {
      const { key } = await createKey({ name: 'slow', sessions: ['acc1'], scopes: ['read'], rateLimitPerMinute: 3 });
      for (let i = 0; i < 3; i++) assert.equal((await as(key)('GET', '/sessions/acc1')).status, 200);
      const limited = await as(key)('GET', '/sessions/acc1');
      assert.equal(limited.status, 429);
      assert.equal(limited.body.success, false);
      assert.equal(limited.body.message, 'Rate limit exceeded');
      assert.ok(Number(limited.headers.get('retry-after')) >= 1);
      assert.equal((await gateway.request('GET', '/sessions/acc1')).status, 200, 'the admin key is not limited');
    });

    test('after 50 failed authentications from an address, failures get 429 while a valid key is served', async () => {
      const { key } = await createKey({ name: 'valid', sessions: ['acc1'], scopes: ['read'] });
      const wrong = as('wrong_key_0123456789abcdef');
      // The revocation test's one 401 came from this address too: 429 comes at the latest on attempt 51.
      let refused = 0;
      let limited = await wrong('GET', '/sessions');
      while (limited.status === 401 && refused < 51) {
        refused++;
        limited = await wrong('GET', '/sessions');
      }
      assert.equal(limited.status, 429, `after ${refused} × 401`);
      assert.ok(refused >= 40 && refused <= 50, `${refused} × 401 before the limit`);
      assert.equal(limited.body.success, false);
      assert.equal(limited.body.message, 'Too many failed authentication attempts');
      assert.ok(Number(limited.headers.get('retry-after')) >= 1);
      const lookAlike = await as(`${key.slice(0, -4)}AAAA`)('GET', '/sessions');
      assert.equal(lookAlike.status, 429, 'a wrong scoped key is a failure too');
      assert.equal((await gateway.request('GET', '/sessions/acc1')).status, 200, 'the admin key is served');
      assert.equal((await as(key)('GET', '/sessions/acc1')).status, 200, 'a valid scoped key is served');
    });

    test('deleting a session deletes its webhook and its deliveries; the same id starts clean', async () => {
      receiver.respond = (hook) => (hook.url === '/doomed' ? 500 : 200);
      assert.equal((await gateway.request('POST', '/sessions', { sessionId: 'doomed' })).status, 201);
      assert.equal(
        (await gateway.request('PUT', '/sessions/doomed/webhook', { url: receiver.url('/doomed') })).status,
        200,
      );
      await waitForConnectionStatus(gateway, 'doomed', 'QR_REQUIRED');
      // The first QR can come before the webhook is set; a restart raises events the webhook must see.
      assert.equal((await gateway.request('POST', '/sessions/doomed/restart')).status, 200);
      await receiver.waitFor(
        () => receiver.received.some((h) => h.url === '/doomed'),
        30_000,
        'a failed delivery to /doomed',
      );
      const ofEndpoint = async () =>
        (await gateway.request('GET', '/webhooks/deliveries?sessionId=doomed&limit=1000')).body.data.filter(
          (d: { endpoint: { id: string } }) => d.endpoint.id === 'session:doomed',
        );
      assert.ok((await ofEndpoint()).length > 0, 'deliveries to the session webhook exist');

      assert.equal((await gateway.request('DELETE', '/sessions/doomed')).status, 200);
      assert.deepEqual(await ofEndpoint(), [], 'its deliveries are gone');
      assert.equal((await gateway.request('POST', '/sessions', { sessionId: 'doomed' })).status, 201);
      const webhook = await gateway.request('GET', '/sessions/doomed/webhook');
      assert.equal(webhook.status, 404);
      assert.equal(webhook.body.message, 'Webhook not found');
      assert.deepEqual(await ofEndpoint(), [], 'the new session has no old deliveries');
    });
  });
}
