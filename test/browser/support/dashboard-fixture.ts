import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { launchChromium } from '../../support/chromium.ts';
import { ROOT } from '../../support/gateway-command.ts';
import { startGateway, type GatewayProcess } from '../../support/gateway-process.ts';
import { freshDatabaseUrl, tempDir } from '../../support/test-databases.ts';
import { startTestSimulator, type TestSimulator } from '../../support/test-simulator.ts';

/** One gateway, one simulator and one Chromium per test file; every page's requests are recorded. */
export interface DashboardFixture {
  t: TestSimulator;
  gateway: GatewayProcess;
  browser: Browser;
  /** Every URL any page of this fixture requested (to check: loopback only, never the key). */
  requestedUrls: string[];
  /** A fresh browser context (its own sessionStorage) at the dashboard, not logged in. */
  openDashboard(viewport?: { width: number; height: number }): Promise<Page>;
  /** A fresh context, logged in with the right key, the session list shown. */
  loggedIn(viewport?: { width: number; height: number }): Promise<Page>;
  close(): Promise<void>;
}

export interface FixtureOptions {
  seed: string;
  phones: ReadonlyArray<{ phoneNumber: string; name: string }>;
  env?: Record<string, string>;
}

export async function startDashboardFixture(options: FixtureOptions): Promise<DashboardFixture> {
  const t = await startTestSimulator(options.seed);
  for (const phone of options.phones) t.sim.createPhone({ ...phone, platform: 'android' });
  const gateway = await startGateway({
    databaseUrl: await freshDatabaseUrl('sqlite'),
    dataDir: tempDir(),
    env: { ...t.gatewayEnv, ...options.env },
  });
  const browser = await launchChromium();
  const requestedUrls: string[] = [];
  const contexts: BrowserContext[] = [];

  const openDashboard: DashboardFixture['openDashboard'] = async (viewport = { width: 1280, height: 900 }) => {
    const context = await browser.newContext({ viewport });
    contexts.push(context);
    const page = await context.newPage();
    page.on('request', (request) => requestedUrls.push(request.url()));
    page.setDefaultTimeout(20_000);
    const response = await page.goto(`${gateway.url}/dashboard`);
    if (response?.status() !== 200) throw new Error(`/dashboard answered ${response?.status()}`);
    return page;
  };
  const loggedIn: DashboardFixture['loggedIn'] = async (viewport) => {
    const page = await openDashboard(viewport);
    await page.getByLabel('API key').fill(gateway.apiKey);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Sessions' }).waitFor();
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    return page;
  };
  return {
    t,
    gateway,
    browser,
    requestedUrls,
    openDashboard,
    loggedIn,
    close: async () => {
      for (const context of contexts) await context.close().catch(() => undefined);
      await browser.close();
      await gateway.kill('SIGKILL');
      await t.sim.stop();
    },
  };
}

/** The card of one session in the list. */
export const sessionCard = (page: Page, sessionId: string): Locator =>
  page
    .getByRole('listitem')
    .filter({ has: page.getByRole('button', { name: `Open session ${sessionId}`, exact: true }) });

/** Waits until the card shows this connectionStatus. */
export async function waitForCardStatus(page: Page, sessionId: string, status: string): Promise<void> {
  await sessionCard(page, sessionId).getByText(status, { exact: true }).waitFor({ timeout: 30_000 });
}

/** Evaluates an expression in the page (a string: this test code is compiled without DOM types). */
export const inPage = <T = unknown>(page: Page, expression: string): Promise<T> =>
  page.evaluate(expression) as Promise<T>;

/**
 * Polls an expression in the page until it is truthy. (page.waitForFunction with a string would compile
 * it inside the page, which the dashboard's Content-Security-Policy forbids.)
 */
export async function waitInPage(page: Page, expression: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await inPage(page, expression))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting in the page for: ${expression}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Marks the page so a test can prove later that it was never reloaded. */
export const markPage = (page: Page) => inPage(page, 'window.wagateMarked = true');
export const pageStillMarked = (page: Page) => inPage<boolean>(page, 'window.wagateMarked === true');

/** With WAGATE_SCREENSHOTS=1, writes docs/images/dashboard-NAME.png (for docs/dashboard.md). */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (!process.env.WAGATE_SCREENSHOTS) return;
  const dir = join(ROOT, 'docs', 'images');
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `dashboard-${name}.png`), fullPage: false });
}

/** Only loopback addresses of the gateway (or data: URLs), and never the key in any URL. */
export function offendingRequests(fixture: DashboardFixture): string[] {
  return fixture.requestedUrls.filter(
    (url) =>
      url.includes(fixture.gateway.apiKey) || !(url.startsWith(`${fixture.gateway.url}/`) || url.startsWith('data:')),
  );
}
