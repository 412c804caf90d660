import assert from 'node:assert/strict';
import { get } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { createAndLink } from '../support/link-session.ts';
import {
  inPage,
  waitInPage,
  markPage,
  offendingRequests,
  pageStillMarked,
  screenshot,
  sessionCard,
  startDashboardFixture,
  waitForCardStatus,
  type DashboardFixture,
} from './support/dashboard-fixture.ts';

/** A GET whose body stays as it came off the wire (fetch would decompress it). */
function rawGet(url: string, acceptEncoding: string): Promise<{ encoding: string | undefined; body: Buffer }> {
  return new Promise((resolve, reject) => {
    get(url, { headers: { 'accept-encoding': acceptEncoding } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ encoding: response.headers['content-encoding'], body: Buffer.concat(chunks) }),
      );
    }).on('error', reject);
  });
}

/** Buttons and fields without a name from their text, a <label> or aria-label(ledby), by their outer HTML. */
const UNNAMED_CONTROLS = `[...document.querySelectorAll('button, input, textarea, select')]
  .filter((el) => !(el.textContent.trim() || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby')
    || (el.labels && el.labels.length > 0)))
  .map((el) => el.outerHTML)`;

const ALICE = '6281500000001';
const BUDI = '6281500000002';

describe('dashboard: login, the live session list, health and the phone layout', () => {
  let f: DashboardFixture;

  before(async () => {
    f = await startDashboardFixture({
      seed: 'dashboard-basics',
      phones: [
        { phoneNumber: ALICE, name: 'Alice' },
        { phoneNumber: BUDI, name: 'Budi' },
      ],
    });
    await createAndLink(f.gateway, f.t.sim, 'alice', ALICE);
    await createAndLink(f.gateway, f.t.sim, 'budi', BUDI);
    assert.equal((await f.gateway.request('POST', '/sessions', { sessionId: 'waiting' })).status, 201);
    assert.equal((await f.gateway.request('POST', '/sessions/waiting/stop')).status, 200);
  });
  after(async () => {
    await f?.close();
  });

  test('the page and its assets are public, cached by hash or ETag, and compressed', async () => {
    const page = await fetch(`${f.gateway.url}/dashboard`, { headers: { 'accept-encoding': 'gzip' } });
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    assert.equal(page.headers.get('cache-control'), 'no-cache');
    const etag = page.headers.get('etag');
    assert.ok(etag);
    assert.match(page.headers.get('content-security-policy') ?? '', /connect-src 'self'/);
    const html = await page.text();
    const script = html.match(/src="(\/dashboard\/assets\/main-[A-Z0-9]+\.js)"/)?.[1];
    assert.ok(script, html);
    assert.equal((await fetch(`${f.gateway.url}/dashboard`, { headers: { 'if-none-match': etag } })).status, 304);

    const raw = await fetch(`${f.gateway.url}${script}`, { headers: { 'accept-encoding': 'gzip' } });
    assert.equal(raw.status, 200);
    assert.equal(raw.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.match(raw.headers.get('content-type') ?? '', /^text\/javascript/);
    const identity = await rawGet(`${f.gateway.url}${script}`, 'identity');
    assert.equal(identity.encoding, undefined);
    assert.ok(identity.body.length > 1000);
    const gzipped = await rawGet(`${f.gateway.url}${script}`, 'gzip');
    assert.equal(gzipped.encoding, 'gzip');
    assert.ok(gzipped.body.length < identity.body.length / 2);
    assert.deepEqual(gunzipSync(gzipped.body), identity.body);
    const brotli = await rawGet(`${f.gateway.url}${script}`, 'gzip, deflate, br');
    assert.equal(brotli.encoding, 'br');
    assert.deepEqual(brotliDecompressSync(brotli.body), identity.body);

    // The budget: page, script and stylesheet under 150 KB gzipped.
    const stylesheet = html.match(/href="(\/dashboard\/assets\/main-[A-Z0-9]+\.css)"/)?.[1];
    assert.ok(stylesheet, html);
    let gzippedTotal = 0;
    for (const path of ['/dashboard', script, stylesheet]) {
      const file = await rawGet(`${f.gateway.url}${path}`, 'gzip');
      assert.equal(file.encoding, 'gzip', path);
      gzippedTotal += file.body.length;
    }
    assert.ok(gzippedTotal < 150_000, `${gzippedTotal} bytes gzipped`);
    const missing = await fetch(`${f.gateway.url}/dashboard/assets/main-NOPE.js`);
    assert.equal(missing.status, 404);
    assert.equal(((await missing.json()) as { success: boolean }).success, false);
  });

  test('a wrong key is refused with a clear message; the right one shows the list', async () => {
    const page = await f.openDashboard();
    await screenshot(page, 'login');
    await page.getByLabel('API key').fill('definitely-not-the-key');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('alert').filter({ hasText: 'That API key was refused' }).waitFor();
    assert.equal(await page.getByRole('heading', { name: 'Sessions' }).count(), 0);
    assert.equal(await inPage(page, 'sessionStorage.length'), 0, 'a refused key is not stored');

    await page.getByLabel('API key').fill(f.gateway.apiKey);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Sessions' }).waitFor();
    assert.equal(await inPage(page, "sessionStorage.getItem('wagate.apiKey')"), f.gateway.apiKey);
    assert.equal(await inPage(page, 'document.cookie'), '');
    assert.equal(await inPage(page, 'localStorage.length'), 0);
  });

  test('the list shows sessions linked through the API, with the seed fields, and the health summary', async () => {
    const page = await f.loggedIn();
    await waitForCardStatus(page, 'alice', 'AUTHENTICATED');
    const alice = sessionCard(page, 'alice');
    for (const text of [`+${ALICE}`, 'Alice', 'android']) await alice.getByText(text, { exact: true }).waitFor();
    await alice.getByText(/^(just now|\d+ s ago)$/).waitFor();
    await waitForCardStatus(page, 'waiting', 'STOPPED');
    const health = page.getByRole('region', { name: 'Health' });
    assert.match(await health.innerText(), /Total\s*3[\s\S]*Active\s*2[\s\S]*Authenticated\s*2/);
    await screenshot(page, 'sessions');
  });

  test('the search box filters by id, phone number and name', async () => {
    const page = await f.loggedIn();
    await waitForCardStatus(page, 'budi', 'AUTHENTICATED');
    const search = page.getByRole('searchbox', { name: 'Search sessions' });
    const shownIds = () =>
      page.locator('li.session').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-session-id')));
    await search.fill('Budi');
    await waitInPage(page, "document.querySelectorAll('li.session').length === 1");
    assert.deepEqual(await shownIds(), ['budi']);
    await search.fill(ALICE.slice(-4));
    await waitInPage(page, "document.querySelector('li.session')?.getAttribute('data-session-id') === 'alice'");
    assert.deepEqual(await shownIds(), ['alice']);
    await search.fill('wait');
    await waitInPage(page, "document.querySelector('li.session')?.getAttribute('data-session-id') === 'waiting'");
    assert.deepEqual(await shownIds(), ['waiting']);
    await search.fill('nobody');
    await page.getByText('No session matches the search.').waitFor();
  });

  test('the list follows the event stream: a stop through the API shows without a reload', async () => {
    const page = await f.loggedIn();
    await waitForCardStatus(page, 'budi', 'AUTHENTICATED');
    await markPage(page);
    assert.equal((await f.gateway.request('POST', '/sessions/budi/stop')).status, 200);
    await waitForCardStatus(page, 'budi', 'STOPPED');
    assert.equal((await f.gateway.request('POST', '/sessions/budi/start')).status, 200);
    await waitForCardStatus(page, 'budi', 'AUTHENTICATED');
    assert.equal(await pageStillMarked(page), true, 'not reloaded');
  });

  test('a key that stops working (401 later) returns to the login form', async () => {
    const page = await f.loggedIn();
    // The stored key goes bad, as after a key rotation; the next API call gets 401.
    await inPage(page, "sessionStorage.setItem('wagate.apiKey', 'rotated-away')");
    await page.reload();
    await page.getByLabel('API key').waitFor();
    await page.getByText('The gateway refused the API key. Log in again.').waitFor();
    assert.equal(await inPage(page, "sessionStorage.getItem('wagate.apiKey')"), null);
  });

  test('at 390 px wide nothing scrolls sideways, in the list and in a session', async () => {
    const page = await f.loggedIn({ width: 390, height: 844 });
    await waitForCardStatus(page, 'alice', 'AUTHENTICATED');
    const overflow = () =>
      inPage<number>(page, 'document.documentElement.scrollWidth - document.documentElement.clientWidth');
    assert.equal(await overflow(), 0);
    await screenshot(page, 'mobile-list');
    await page.getByRole('button', { name: 'Open session alice', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Session alice' });
    await dialog.getByRole('heading', { name: 'Status history' }).waitFor();
    assert.equal(await overflow(), 0);
    const dialogOverflow = await dialog.evaluate((node) => node.scrollWidth - node.clientWidth);
    assert.equal(dialogOverflow, 0);
    const box = await dialog.boundingBox();
    assert.ok(box && box.x >= 0 && box.x + box.width <= 390, `dialog inside the viewport: ${JSON.stringify(box)}`);
    await screenshot(page, 'mobile-detail');
  });

  test('every control has an accessible name: the list, a session, the new-session form', async () => {
    const page = await f.loggedIn();
    await waitForCardStatus(page, 'alice', 'AUTHENTICATED');
    assert.deepEqual(await inPage(page, UNNAMED_CONTROLS), []);
    await page.getByRole('button', { name: 'Open session alice', exact: true }).click();
    await page.getByRole('dialog', { name: 'Session alice' }).getByLabel('Message text').waitFor();
    assert.deepEqual(await inPage(page, UNNAMED_CONTROLS), []);
    await page.getByRole('dialog', { name: 'Session alice' }).getByRole('button', { name: 'Close' }).click();
    await page.getByRole('button', { name: 'New session' }).click();
    await page.getByLabel('Session ID').waitFor();
    assert.deepEqual(await inPage(page, UNNAMED_CONTROLS), []);
    // The check itself finds an unnamed control.
    await inPage(page, "document.body.append(Object.assign(document.createElement('input'), { id: 'probe' }))");
    assert.deepEqual(await inPage(page, UNNAMED_CONTROLS), ['<input id="probe">']);
  });

  test('no request left loopback and no request URL carried the key', () => {
    assert.ok(
      f.requestedUrls.some((url) => url.endsWith('/events')),
      'the stream was read',
    );
    assert.deepEqual(offendingRequests(f), []);
  });
});
