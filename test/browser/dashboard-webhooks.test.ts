import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { WebhookReceiver } from '../events/webhook-receiver.ts';
import { waitForConnectionStatus } from '../support/gateway-process.ts';
import { createAndLink } from '../support/link-session.ts';
import {
  offendingRequests,
  screenshot,
  startDashboardFixture,
  type DashboardFixture,
} from './support/dashboard-fixture.ts';

async function waitForNoPendingDeliveries(f: DashboardFixture, sessionId: string): Promise<void> {
  for (let polls = 0; ; polls++) {
    const pending = await f.gateway.request('GET', `/webhooks/deliveries?sessionId=${sessionId}&status=pending`);
    if (pending.body.count === 0) return;
    if (polls > 200) throw new Error(`deliveries still pending: ${JSON.stringify(pending.body.data)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const ME = '6281700000001';
const CAROL = '6281700000002';

describe('dashboard: the session webhook, its deliveries with retry, and a test send', () => {
  let f: DashboardFixture;
  const receiver = new WebhookReceiver();

  before(async () => {
    await receiver.start();
    // One attempt per delivery: a refused POST is `failed` at once, ready for the Retry button.
    f = await startDashboardFixture({
      seed: 'dashboard-webhooks',
      phones: [
        { phoneNumber: ME, name: 'Me' },
        { phoneNumber: CAROL, name: 'Carol' },
      ],
      env: { WEBHOOK_MAX_ATTEMPTS: '1', WEBHOOK_RETRY_BASE_MS: '100' },
    });
    await createAndLink(f.gateway, f.t.sim, 'hooked', ME);
  });
  after(async () => {
    await f?.close();
    await receiver.stop();
  });

  test('the webhook form sets, shows and removes the session webhook', async () => {
    const page = await f.loggedIn();
    await page.getByRole('button', { name: 'Open session hooked', exact: true }).click();
    const detail = page.getByRole('dialog', { name: 'Session hooked' });
    await detail.getByText('No webhook for this session.').waitFor();

    await detail.getByLabel('Webhook URL').fill('ftp://example.invalid/hook');
    await detail.getByRole('button', { name: 'Save webhook' }).click();
    await detail.getByRole('alert').filter({ hasText: 'Invalid webhook URL' }).waitFor();
    assert.equal(
      (await f.gateway.request('GET', '/sessions/hooked/webhook')).status,
      404,
      'a refused URL stores nothing',
    );

    await detail.getByLabel('Webhook URL').fill(receiver.url('/first'));
    await detail.getByRole('button', { name: 'Save webhook' }).click();
    await detail.getByRole('status').filter({ hasText: 'Webhook saved.' }).waitFor();
    const secret = await detail.getByLabel('Webhook secret').innerText();
    assert.match(secret, /^whsec_/);
    const stored = await f.gateway.request('GET', '/sessions/hooked/webhook');
    assert.equal(stored.body.data.url, receiver.url('/first'));

    await detail.getByRole('button', { name: 'Remove webhook' }).click();
    await detail.getByRole('status').filter({ hasText: 'Webhook removed.' }).waitFor();
    assert.equal((await f.gateway.request('GET', '/sessions/hooked/webhook')).status, 404);
  });

  test('a failed delivery shows its outcome; Retry delivers it to the receiver once it answers', async () => {
    receiver.respond = () => 503;
    const page = await f.loggedIn();
    await page.getByRole('button', { name: 'Open session hooked', exact: true }).click();
    const detail = page.getByRole('dialog', { name: 'Session hooked' });
    await detail.getByLabel('Webhook URL').fill(receiver.url('/hook'));
    await detail.getByRole('button', { name: 'Save webhook' }).click();
    await detail.getByRole('status').filter({ hasText: 'Webhook saved.' }).waitFor();

    // A restart publishes session.status events; the receiver refuses each.
    await detail.getByRole('button', { name: 'Restart' }).click();
    await waitForConnectionStatus(f.gateway, 'hooked', 'AUTHENTICATED');
    const deliveries = detail.getByRole('list', { name: 'Webhook deliveries' });
    const failed = deliveries.getByRole('listitem').filter({ hasText: 'failed after 1 attempt (HTTP 503)' }).first();
    await failed.waitFor({ timeout: 30_000 });
    assert.ok(receiver.received.length >= 1 && receiver.accepted.length === 0);
    await deliveries.scrollIntoViewIfNeeded();
    await screenshot(page, 'deliveries');

    // Every event of the restart has had its one attempt before the receiver starts accepting.
    await waitForNoPendingDeliveries(f, 'hooked');
    receiver.respond = () => 200;
    const label = await failed.getByRole('button', { name: /^Retry delivery of / }).getAttribute('aria-label');
    const sequence = Number(label?.match(/#(\d+)$/)?.[1]);
    assert.ok(sequence > 0, `${label}`);
    await failed.getByRole('button', { name: /^Retry/ }).click();
    await receiver.waitFor((accepted) => accepted.length === 1, 15_000, 'the retried delivery');
    const retried = deliveries.getByRole('listitem').filter({ hasText: `#${sequence}` });
    await retried.getByText('delivered (HTTP 200)', { exact: true }).waitFor();
    const api = await f.gateway.request('GET', '/webhooks/deliveries?sessionId=hooked&status=delivered');
    assert.equal(api.body.count, 1);
    assert.equal(api.body.data[0].sequence, sequence);
    assert.equal(receiver.accepted[0]?.json?.type, api.body.data[0].type);
  });

  test('"Send a test message" arrives at the simulated contact', async () => {
    const page = await f.loggedIn();
    await page.getByRole('button', { name: 'Open session hooked', exact: true }).click();
    const detail = page.getByRole('dialog', { name: 'Session hooked' });
    const text = `dashboard test ${Date.now()}`;
    await detail.getByLabel('Send to').fill(`+${CAROL}`);
    await detail.getByLabel('Message text').fill(text);
    await detail.getByRole('button', { name: 'Send test message' }).click();
    await detail
      .getByRole('status')
      .filter({ hasText: `Sent to ${CAROL}@s.whatsapp.net` })
      .waitFor();
    const got = await f.t.sim
      .phone(CAROL)
      .waitForMessage(
        (message) => (message.message.extendedTextMessage?.text ?? message.message.conversation) === text,
      );
    assert.equal(got.from, `${ME}@s.whatsapp.net`);

    await detail.getByLabel('Send to').fill('not-a-number');
    await detail.getByRole('button', { name: 'Send test message' }).click();
    await detail.getByRole('alert').filter({ hasText: 'Invalid recipient' }).waitFor();
  });

  test('no request left loopback and no request URL carried the key', () => {
    assert.deepEqual(offendingRequests(f), []);
  });
});
