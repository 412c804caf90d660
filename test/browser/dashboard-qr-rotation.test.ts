import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SseClient } from '../events/sse-client.ts';
import { waitForConnectionStatus } from '../support/gateway-process.ts';
import {
  inPage,
  startDashboardFixture,
  waitForCardStatus,
  waitInPage,
  type DashboardFixture,
} from './support/dashboard-fixture.ts';

const PHONE = '6281800000001';
/** Short QR lifetimes, so codes rotate within the test (six codes, then the session stops). */
const QR_LIFETIME_MS = 5000;
const SHOWN_SRC = `document.querySelector('img[alt^="QR code"]')?.getAttribute('src')`;

describe('dashboard: the QR code follows its rotations', () => {
  let f: DashboardFixture;

  before(async () => {
    f = await startDashboardFixture({
      seed: 'dashboard-qr-rotation',
      phones: [{ phoneNumber: PHONE, name: 'Rotor' }],
      env: { WA_QR_TIMEOUT_MS: String(QR_LIFETIME_MS) },
    });
  });
  after(async () => {
    await f?.close();
  });

  test('a rotated code replaces the image, the countdown follows the rotation; it still links', async () => {
    const events = await SseClient.connect(`${f.gateway.url}/events?sessionId=rotating`, {
      authorization: `Bearer ${f.gateway.apiKey}`,
    });
    const qrEvents = () => events.frames.filter((frame) => frame.event === 'session.qr');
    const page = await f.loggedIn();
    await page.getByRole('button', { name: 'New session' }).click();
    await page.getByLabel('Session ID').fill('rotating');
    await page.getByRole('button', { name: 'Create' }).click();
    const dialog = page.getByRole('dialog', { name: 'Link session rotating' });
    const image = dialog.getByRole('img', { name: /QR/ });
    await image.waitFor();
    const firstSrc = await image.getAttribute('src');
    assert.ok(firstSrc?.startsWith('data:image/png;base64,'));

    // The next code arrives as a session.qr event; the page shows it without any action.
    await waitInPage(page, `${SHOWN_SRC} !== ${JSON.stringify(firstSrc)}`, QR_LIFETIME_MS * 3);
    // The countdown of a rotated code is at most the interval its rotation took (as the events tell it).
    await events.waitFor(() => qrEvents().length >= 2, 'two QR codes', QR_LIFETIME_MS * 3);
    const times = qrEvents().map((frame) => Date.parse(frame.data.timestamp as string));
    const longestRotation = Math.max(...times.slice(1).map((time, i) => time - times[i]!));
    const bound = Math.ceil(Math.min(20_000, longestRotation) / 1000);
    await waitInPage(
      page,
      `Number(document.querySelector('[role=timer]')?.textContent.match(/Expires in (\\d+) s/)?.[1]) <= ${bound}`,
    );
    assert.match(await dialog.getByRole('timer').innerText(), /^(Expires in \d+ s|Expired; a new code is coming)\.$/);

    const current = await f.gateway.request('GET', '/sessions/rotating/qr');
    assert.equal(current.status, 200);
    const shown = await inPage<string>(page, SHOWN_SRC);
    if (shown === current.body.data.qrImage) {
      await f.t.sim.phone(PHONE).scan(current.body.data.qr);
    } else {
      // It rotated again between the two reads; the page must catch up with the API's code.
      const again = await f.gateway.request('GET', '/sessions/rotating/qr');
      await f.t.sim.phone(PHONE).scan(again.body.data.qr);
    }
    await waitForConnectionStatus(f.gateway, 'rotating', 'AUTHENTICATED');
    await waitForCardStatus(page, 'rotating', 'AUTHENTICATED');
    events.close();
  });
});
