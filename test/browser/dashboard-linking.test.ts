import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { waitForConnectionStatus } from '../support/gateway-process.ts';
import {
  markPage,
  offendingRequests,
  pageStillMarked,
  screenshot,
  sessionCard,
  startDashboardFixture,
  waitForCardStatus,
  type DashboardFixture,
} from './support/dashboard-fixture.ts';

const SCANNER = '6281600000001';
const TYPIST = '6281600000002';

async function createFromUi(page: Page, sessionId: string) {
  await page.getByRole('button', { name: 'New session' }).click();
  const dialog = page.getByRole('dialog', { name: 'New session' });
  await dialog.getByLabel('Session ID').fill(sessionId);
  await dialog.getByRole('button', { name: 'Create' }).click();
  return page.getByRole('dialog', { name: `Link session ${sessionId}` });
}

describe('dashboard: creating and linking sessions, and their lifecycle', () => {
  let f: DashboardFixture;

  before(async () => {
    f = await startDashboardFixture({
      seed: 'dashboard-linking',
      phones: [
        { phoneNumber: SCANNER, name: 'Scanner' },
        { phoneNumber: TYPIST, name: 'Typist' },
      ],
    });
  });
  after(async () => {
    await f?.close();
  });

  test('a session created in the UI shows its QR; the phone scans it, the row turns AUTHENTICATED', async () => {
    const page = await f.loggedIn();
    await markPage(page);
    const dialog = await createFromUi(page, 'scanned');
    const qrImage = dialog.getByRole('img', { name: /QR/ });
    await qrImage.waitFor();
    await dialog
      .getByRole('timer')
      .filter({ hasText: /^Expires in \d+ s\.$/ })
      .waitFor();
    await screenshot(page, 'new-session-qr');
    const created = await f.gateway.request('GET', '/sessions/scanned/credentials');
    assert.equal(created.status, 200, 'created through the public API');

    // The payload is the API's; the image the page shows must be that same code.
    const qr = await f.gateway.request('GET', '/sessions/scanned/qr');
    assert.equal(qr.status, 200);
    assert.equal(await qrImage.getAttribute('src'), qr.body.data.qrImage);
    await f.t.sim.phone(SCANNER).scan(qr.body.data.qr);

    await dialog
      .getByRole('status')
      .filter({ hasText: `Linked to +${SCANNER} (Scanner).` })
      .waitFor({ timeout: 30_000 });
    await dialog.getByRole('button', { name: 'Done' }).click();
    await waitForCardStatus(page, 'scanned', 'AUTHENTICATED');
    await sessionCard(page, 'scanned').getByText(`+${SCANNER}`).waitFor();
    assert.equal(await pageStillMarked(page), true, 'no reload');
  });

  test('a creation the API refuses shows its message and changes nothing', async () => {
    const page = await f.loggedIn();
    await page.getByRole('button', { name: 'New session' }).click();
    const dialog = page.getByRole('dialog', { name: 'New session' });
    await dialog.getByLabel('Session ID').fill('scanned');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await dialog.getByRole('alert').filter({ hasText: 'Session already exists' }).waitFor();
    assert.equal((await f.gateway.request('GET', '/sessions/all')).body.count, 1);
  });

  test('"Use pairing code" shows the 8-character code; the phone types it, the row turns AUTHENTICATED', async () => {
    const page = await f.loggedIn();
    await markPage(page);
    const dialog = await createFromUi(page, 'bycode');
    await dialog.getByRole('img', { name: /QR/ }).waitFor();
    await dialog.getByRole('button', { name: 'Use pairing code' }).click();
    await dialog.getByLabel('Phone number').fill(TYPIST);
    await dialog.getByRole('button', { name: 'Get pairing code' }).click();
    const output = dialog.getByRole('status', { name: 'Pairing code' });
    await output.waitFor();
    const code = (await output.innerText()).trim();
    assert.match(code, /^[1-9A-HJ-NP-TV-Z]{8}$/);
    await screenshot(page, 'pairing-code');
    await f.t.features.enterPairingCode(TYPIST, code);
    await dialog
      .getByRole('status')
      .filter({ hasText: `Linked to +${TYPIST}` })
      .waitFor({ timeout: 30_000 });
    await dialog.getByRole('button', { name: 'Close' }).click();
    await waitForCardStatus(page, 'bycode', 'AUTHENTICATED');
    const linked = await f.gateway.request('GET', '/sessions/bycode/credentials');
    assert.equal(linked.body.data.userInfo.registered, true, 'linked by pairing code');
    assert.equal(await pageStillMarked(page), true);
  });

  test('stop, then start, from the session detail; the status history records both', async () => {
    const page = await f.loggedIn();
    await waitForCardStatus(page, 'scanned', 'AUTHENTICATED');
    await page.getByRole('button', { name: 'Open session scanned', exact: true }).click();
    const detail = page.getByRole('dialog', { name: 'Session scanned' });
    await detail.getByRole('button', { name: 'Stop', exact: true }).click();
    await waitForCardStatus(page, 'scanned', 'STOPPED');
    assert.equal((await f.gateway.request('GET', '/sessions/scanned')).body.data.connectionStatus, 'STOPPED');
    const history = detail.getByRole('list', { name: 'Status history' });
    await history.getByRole('listitem').first().filter({ hasText: 'STOPPED' }).waitFor();
    await detail.getByRole('button', { name: 'Start', exact: true }).click();
    await waitForCardStatus(page, 'scanned', 'AUTHENTICATED');
    await waitForConnectionStatus(f.gateway, 'scanned', 'AUTHENTICATED');
    await history.getByRole('listitem').first().filter({ hasText: 'AUTHENTICATED' }).waitFor();
    await screenshot(page, 'session-detail');
  });

  test('restart and logout; logout asks first and names the session', async () => {
    const page = await f.loggedIn();
    await page.getByRole('button', { name: 'Open session bycode', exact: true }).click();
    const detail = page.getByRole('dialog', { name: 'Session bycode' });
    await detail.getByRole('button', { name: 'Restart' }).click();
    await waitForConnectionStatus(f.gateway, 'bycode', 'AUTHENTICATED');
    await detail.getByRole('button', { name: 'Log out' }).click();
    const confirm = page.getByRole('dialog', { name: 'Log out bycode?' });
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    assert.equal(
      (await f.gateway.request('GET', '/sessions/bycode')).body.data.isAuthenticated,
      true,
      'cancel changes nothing',
    );
    await detail.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('dialog', { name: 'Log out bycode?' }).getByRole('button', { name: 'Log out bycode' }).click();
    await waitForCardStatus(page, 'bycode', 'LOGGED_OUT');
    assert.equal(
      f.t.sim.devices(TYPIST).filter((device) => device.status === 'linked').length,
      0,
      'unlinked on the phone',
    );
  });

  test('delete asks for a confirmation that names the session, then the row goes', async () => {
    const page = await f.loggedIn();
    await page.getByRole('button', { name: 'Open session bycode', exact: true }).click();
    const detail = page.getByRole('dialog', { name: 'Session bycode' });
    await detail.getByRole('button', { name: 'Delete' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete bycode?' });
    await confirm.getByText(/logs bycode out if it is linked and deletes it/).waitFor();
    await confirm.getByRole('button', { name: 'Delete bycode' }).click();
    await sessionCard(page, 'bycode').waitFor({ state: 'detached' });
    assert.equal((await f.gateway.request('GET', '/sessions/bycode')).status, 404);
    await sessionCard(page, 'scanned').waitFor();
  });

  test('no request left loopback and no request URL carried the key', () => {
    assert.deepEqual(offendingRequests(f), []);
  });
});
