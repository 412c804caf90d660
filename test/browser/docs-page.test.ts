import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { startGateway, type GatewayProcess } from '../support/gateway-process.ts';
import { launchChromium } from '../support/chromium.ts';
import { freshDatabaseUrl, tempDir } from '../support/test-databases.ts';

describe('the interactive API reference in a real browser', () => {
  let gateway: GatewayProcess;
  let browser: Browser;

  before(async () => {
    gateway = await startGateway({ databaseUrl: await freshDatabaseUrl('sqlite'), dataDir: tempDir() });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await gateway?.kill('SIGTERM');
  });

  test('/docs renders every seed endpoint without an API key and without outside requests', async () => {
    const page = await browser.newPage();
    const foreign: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(gateway.url) && !request.url().startsWith('data:')) foreign.push(request.url());
    });
    const response = await page.goto(`${gateway.url}/docs`);
    assert.equal(response?.status(), 200);
    await page.waitForSelector('.opblock', { timeout: 20_000 });
    const paths = await page.$$eval('.opblock-summary-path', (nodes) =>
      nodes.map((node) => node.getAttribute('data-path') ?? node.textContent ?? ''),
    );
    for (const path of [
      '/sessions',
      '/sessions/connected',
      '/sessions/connected/credentials',
      '/sessions/all',
      '/sessions/all/credentials',
      '/sessions/{sessionId}',
      '/sessions/{sessionId}/credentials',
      '/sessions/{sessionId}/status',
      '/sessions/{sessionId}/qr',
      '/sessions/{sessionId}/messages',
    ]) {
      assert.ok(
        paths.some((p) => p.replace(/\u200b/g, '') === path),
        `${path} listed in ${JSON.stringify(paths)}`,
      );
    }
    if (process.env.WAGATE_SCREENSHOT) await page.screenshot({ path: process.env.WAGATE_SCREENSHOT, fullPage: false });
    assert.deepEqual(foreign, [], 'the page loads nothing from outside the gateway');
  });

  test("GET / leads to the dashboard, and /docs carries wagate's name and mark, not Swagger's or Fastify's", async () => {
    const page = await browser.newPage();
    const front = await page.goto(`${gateway.url}/`);
    assert.equal(front?.status(), 200);
    assert.equal(new URL(page.url()).pathname, '/dashboard', 'the front door redirects to the dashboard');
    assert.equal((await front?.request().redirectedFrom()?.response())?.status(), 302);
    const response = await page.goto(`${gateway.url}/docs`);
    assert.equal(response?.status(), 200);
    assert.equal(await page.title(), 'wagate API reference');
    const logo = await page.waitForSelector('#swagger-ui .topbar .topbar-wrapper a.link img', { timeout: 20_000 });
    const src = (await logo.getAttribute('src')) ?? '';
    assert.match(src, /^data:image\/svg\+xml;base64,/);
    const svg = Buffer.from(src.slice(src.indexOf(',') + 1), 'base64').toString('utf8');
    assert.match(svg, /<title>wagate<\/title>/);
    assert.match(svg, />wagate<\/text>/);
    assert.doesNotMatch(svg, /fastify/i);
    const favicon = await page.$eval('link[rel="icon"]', (node) => node.getAttribute('href'));
    assert.match(favicon ?? '', /\/docs\/static\/theme\/favicon\.svg$/);
    // A string, because this project's TypeScript has no DOM types; it runs in the page.
    const topbar = await page.evaluate("getComputedStyle(document.querySelector('.topbar')).backgroundColor");
    assert.equal(topbar, 'rgb(11, 61, 36)', "the top bar is in wagate's colours (the theme CSS is served, applied)");
    assert.equal((await fetch(`${gateway.url}/sessions`)).status, 401, 'only the exact path / is public');
  });
});
