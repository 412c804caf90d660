import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createAndLink } from '../support/link-session.ts';
import {
  sessionCard,
  startDashboardFixture,
  waitForCardStatus,
  type DashboardFixture,
} from './support/dashboard-fixture.ts';

const ALICE = '6281600000001';
const BUDI = '6281600000002';

describe('dashboard with a read-only scoped key', () => {
  let f: DashboardFixture;
  let readKey: string;

  before(async () => {
    f = await startDashboardFixture({
      seed: 'dashboard-scoped-key',
      phones: [
        { phoneNumber: ALICE, name: 'Alice' },
        { phoneNumber: BUDI, name: 'Budi' },
      ],
    });
    await createAndLink(f.gateway, f.t.sim, 'alice', ALICE);
    await createAndLink(f.gateway, f.t.sim, 'budi', BUDI);
    const created = await f.gateway.request('POST', '/api-keys', {
      name: 'viewer',
      sessions: ['alice'],
      scopes: ['read'],
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    readKey = created.body.data.key;
  });
  after(async () => {
    await f?.close();
  });

  test('lists only its session, live; a forbidden action shows the 403 message and changes nothing', async () => {
    const page = await f.openDashboard();
    await page.getByLabel('API key').fill(readKey);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Sessions' }).waitFor();
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    await waitForCardStatus(page, 'alice', 'AUTHENTICATED');
    assert.equal(await sessionCard(page, 'budi').count(), 0, 'the other session is not listed');

    await page.getByRole('button', { name: 'Open session alice', exact: true }).click();
    const detail = page.getByRole('dialog', { name: 'Session alice' });
    await detail.getByRole('heading', { name: 'Status history' }).waitFor();
    const actions = detail.getByRole('region', { name: 'Actions' });
    await actions.getByRole('button', { name: 'Stop', exact: true }).click();
    const needsManage = 'This API key does not have the scope for this request: this request needs the manage scope';
    await actions.getByRole('alert').filter({ hasText: needsManage }).waitFor();
    // The webhook panel (manage) says the same; the deliveries (admin only) say why.
    await detail
      .getByRole('region', { name: 'Webhook', exact: true })
      .getByRole('alert')
      .filter({ hasText: needsManage })
      .waitFor();
    await detail.getByRole('alert').filter({ hasText: 'This request needs the admin API key' }).waitFor();
    const alice = await f.gateway.request('GET', '/sessions/alice');
    assert.equal(alice.body.data.connectionStatus, 'AUTHENTICATED', 'the refused stop changed nothing');
    assert.equal(await page.getByRole('heading', { name: 'Sessions' }).count(), 1, 'still logged in');
  });
});
