/**
 * The dashboard page in Chromium: bytes transferred (compressed, as served) and time to first paint and
 * first contentful paint, cold cache, over several runs; against a blank static HTML page served by a raw
 * node:http server in the same run. Also the time until the logged-in session list shows, and the
 * esbuild bundle time the gateway pays once at start.
 * `npx tsx bench/dashboard-page.ts [--runs 10] [--no-write]`
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { buildDashboardBundle } from '../src/http/dashboard/dashboard-assets.ts';
import { launchChromium } from '../test/support/chromium.ts';
import { freshDatabaseUrl, tempDir } from '../test/support/test-databases.ts';
import { startBenchGateway } from './support/gateway.ts';
import { machineLine, runDate } from './support/machine.ts';
import { fmt, median, table, writeSection } from './support/report.ts';

const { values: args } = parseArgs({
  options: { runs: { type: 'string', default: '10' }, 'no-write': { type: 'boolean', default: false } },
});
const RUNS = Number(args.runs);
const LOAD_AT_START = loadavg()[0] ?? 0;
const BLANK =
  '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>blank</title>' +
  '<link rel="icon" href="data:,"></head><body><p>blank</p></body></html>';

/** The content-encoding the gateway chose for the script, as Chromium asked (it offers br on localhost too). */
const scriptEncodings = new Set<string>();

interface PageSample {
  firstPaintMs: number;
  firstContentfulPaintMs: number;
  /** Bytes on the wire, headers included (Resource Timing transferSize), page and every asset. */
  transferBytes: number;
  /** Bodies as served (compressed). */
  encodedBytes: number;
  /** Bodies after decompression. */
  decodedBytes: number;
  requests: number;
}

/** Reads Paint and Resource Timing in the page (a string: this file is compiled without DOM types). */
const TIMINGS = `(() => {
  const paint = Object.fromEntries(performance.getEntriesByType('paint').map((e) => [e.name, e.startTime]));
  const entries = [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')]
    .filter((e) => !e.name.startsWith('data:'));
  const sum = (key) => entries.reduce((total, e) => total + e[key], 0);
  return {
    firstPaintMs: paint['first-paint'] ?? NaN,
    firstContentfulPaintMs: paint['first-contentful-paint'] ?? NaN,
    transferBytes: sum('transferSize'),
    encodedBytes: sum('encodedBodySize'),
    decodedBytes: sum('decodedBodySize'),
    requests: entries.length,
  };
})()`;

/** A fresh context (cold cache), one navigation, until `ready` is visible and the first contentful paint happened. */
async function sample(browser: Browser, url: string, ready: (page: Page) => Promise<unknown>): Promise<PageSample> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const page = await context.newPage();
    page.on('response', (response) => {
      const encoding = response.headers()['content-encoding'];
      if (response.url().endsWith('.js')) scriptEncodings.add(encoding ?? 'identity');
    });
    await page.goto(url);
    await ready(page);
    await page.waitForFunction(
      "performance.getEntriesByType('paint').some((e) => e.name === 'first-contentful-paint')",
    );
    return (await page.evaluate(TIMINGS)) as PageSample;
  } finally {
    await context.close();
  }
}

/** A fresh context with the key already in sessionStorage: navigation start → the session list shown. */
async function listShownMs(browser: Browser, url: string, apiKey: string): Promise<number> {
  const context = await browser.newContext();
  try {
    await context.addInitScript(`sessionStorage.setItem('wagate.apiKey', ${JSON.stringify(apiKey)})`);
    const page = await context.newPage();
    await page.goto(url);
    await page.getByText('No sessions yet.', { exact: false }).waitFor();
    return (await page.evaluate('performance.now()')) as number;
  } finally {
    await context.close();
  }
}

const blankServer = createServer((_request, response) => {
  response
    .writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(BLANK) })
    .end(BLANK);
});
await new Promise<void>((resolve) => blankServer.listen(0, '127.0.0.1', resolve));
const blankUrl = `http://127.0.0.1:${(blankServer.address() as AddressInfo).port}/`;

const buildMs: number[] = [];
let gzipBytes = 0;
for (let i = 0; i < 3; i++) {
  const started = performance.now();
  const bundle = await buildDashboardBundle();
  buildMs.push(performance.now() - started);
  gzipBytes = [bundle.page, ...bundle.assets.values()].reduce((total, file) => total + file.gzip.length, 0);
}

const gateway = await startBenchGateway({ databaseUrl: await freshDatabaseUrl('sqlite'), dataDir: tempDir() });
const browser = await launchChromium();
const dashboardUrl = `${gateway.url}/dashboard`;
const loginShown = (page: Page) => page.getByLabel('API key').waitFor();
const blankShown = (page: Page) => page.getByText('blank', { exact: true }).waitFor();
const blank: PageSample[] = [];
const dashboard: PageSample[] = [];
const listed: number[] = [];
try {
  // Warm-up, not counted: the gateway's one bundle build, Chromium's own first start of a renderer.
  await sample(browser, dashboardUrl, loginShown);
  await sample(browser, blankUrl, blankShown);
  for (let run = 0; run < RUNS; run++) {
    blank.push(await sample(browser, blankUrl, blankShown));
    dashboard.push(await sample(browser, dashboardUrl, loginShown));
    listed.push(await listShownMs(browser, dashboardUrl, gateway.apiKey));
  }
} finally {
  await browser.close();
  await gateway.stop('SIGTERM');
  blankServer.close();
}

const med = (samples: PageSample[], key: keyof PageSample) => median(samples.map((s) => s[key]));
const ms = (n: number) => `${n.toFixed(0)} ms`;
const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
const rows = [
  ['Blank static page, raw node:http (baseline)', blank],
  ['Dashboard login page, gateway', dashboard],
] as const;
const summary = table(
  [
    'Page',
    'Requests',
    'Transferred (headers + compressed bodies)',
    'Bodies as served',
    'Bodies decompressed',
    'First paint',
    'First contentful paint',
  ],
  rows.map(([name, samples]) => [
    name,
    fmt.int(med(samples, 'requests')),
    kb(med(samples, 'transferBytes')),
    kb(med(samples, 'encodedBytes')),
    kb(med(samples, 'decodedBytes')),
    ms(med(samples, 'firstPaintMs')),
    ms(med(samples, 'firstContentfulPaintMs')),
  ]),
);
const perRun = table(
  ['Run', 'Blank FCP', 'Dashboard FCP', 'Dashboard − blank', 'Logged in: list shown'],
  dashboard.map((d, i) => [
    i + 1,
    ms(blank[i]!.firstContentfulPaintMs),
    ms(d.firstContentfulPaintMs),
    ms(d.firstContentfulPaintMs - blank[i]!.firstContentfulPaintMs),
    ms(listed[i]!),
  ]),
);
const fcp = med(dashboard, 'firstContentfulPaintMs');
const weight = med(dashboard, 'encodedBytes');
const goalMet = gzipBytes < 150_000 && fcp < 1000;
const body = `${runDate()} · ${machineLine()}

\`npx tsx bench/dashboard-page.ts --runs ${RUNS}\`: Debian's Chromium (headless, through playwright-core) opens
\`/dashboard\` of a real gateway process (empty SQLite database) in a fresh browser context each run, so nothing is
cached, and waits for the login form and the first contentful paint; times are from navigation start (Paint Timing),
bytes from Resource Timing (page, script and stylesheet, served as \`${[...scriptEncodings].join(', ')}\`, the
encoding Chromium asked for; gzip is 10–15 % larger). The baseline is a blank HTML page (one paragraph, no assets)
from a raw \`node:http\` server in the same process as the benchmark, measured alternately with the dashboard in the
same run. "List shown" opens the page with the key already in \`sessionStorage\` and stops when the (empty) session
list has been fetched and rendered. One warm-up visit of each is not counted (it includes the gateway's one bundle
build). Medians of ${RUNS} runs. The machine is shared: 1-minute load average ${LOAD_AT_START.toFixed(2)} at the
start and ${(loadavg()[0] ?? 0).toFixed(2)} at the end; the per-run rows show how much the times move with it.

Page weight **${kb(weight)}** as served, ${kb(gzipBytes)} gzipped (goal: under 150 KB gzipped), and first
contentful paint **${ms(fcp)}** (goal: under 1 s on loopback): **${goalMet ? 'met' : 'not met'}**. The gateway
bundles the front end once in memory at start (esbuild, \`write: false\`): ${buildMs.map((n) => ms(n)).join(', ')}
in this process (three builds, each starting and stopping esbuild's service).

${summary}

${perRun}
`;
process.stdout.write(`${body}\n`);
if (!args['no-write']) writeSection('Dashboard page (`bench/dashboard-page.ts`)', body);
