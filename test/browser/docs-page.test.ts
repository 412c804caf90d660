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
    assert.match(await page.title(), /Swagger UI/);
    if (process.env.WAGATE_SCREENSHOT) await page.screenshot({ path: process.env.WAGATE_SCREENSHOT, fullPage: false });
    assert.deepEqual(foreign, [], 'the page loads nothing from outside the gateway');
  });
});
