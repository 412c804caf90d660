import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Histogram, Registry } from 'prom-client';
import { HTTP_DURATION_BUCKETS, RouteDurationHistogram } from './route-duration-histogram.ts';

const observations: Array<[route: string, method: string, status: number, seconds: number]> = [
  ['/sessions/:sessionId', 'GET', 200, 0.00004],
  ['/sessions/:sessionId', 'GET', 200, 0.0003],
  ['/sessions/:sessionId', 'GET', 404, 0.00002],
  ['/sessions', 'POST', 201, 0.012],
  ['/sessions/:sessionId', 'GET', 200, 0.0001], // exactly on a bound: counted in that bucket (le is <=)
  ['/events', 'GET', 200, 95], // above every bound: only +Inf
  ['unmatched', 'DELETE', 401, 0.00001],
  ['/sessions', 'POST', 500, 0.4],
  ['/sessions', 'POST', 101, 0.001],
];

test("writes exactly the text prom-client's own Histogram writes for the same observations", async () => {
  const ours = new Registry();
  const theirs = new Registry();
  const name = 'wagate_http_request_duration_seconds';
  const help = 'HTTP API request durations';
  const fast = new RouteDurationHistogram({ name, help, registry: ours });
  const reference = new Histogram({
    name,
    help,
    labelNames: ['route', 'method', 'status_class'],
    buckets: [...HTTP_DURATION_BUCKETS],
    registers: [theirs],
  });
  const routes = new Map<string, ReturnType<RouteDurationHistogram['forRoute']>>();
  for (const [route, method, status, seconds] of observations) {
    if (!routes.has(route)) routes.set(route, fast.forRoute(route));
    routes.get(route)!.observe(method, status, seconds);
    reference.labels(route, method, `${Math.floor(status / 100)}xx`).observe(seconds);
  }
  const text = await ours.metrics();
  assert.equal(text, await theirs.metrics());
  assert.match(
    text,
    /wagate_http_request_duration_seconds_count\{route="\/sessions\/:sessionId",method="GET",status_class="2xx"\} 3\n/,
  );
  assert.match(text, /_bucket\{le="0\.0001",route="\/sessions\/:sessionId",method="GET",status_class="2xx"\} 2\n/);
});

test('a route that saw no request exports nothing; reset zeroes every cell but keeps its series', async () => {
  const registry = new Registry();
  const histogram = new RouteDurationHistogram({ name: 'd', help: 'd', registry });
  histogram.forRoute('/idle');
  const busy = histogram.forRoute('/busy');
  assert.equal(await registry.metrics(), '# HELP d d\n# TYPE d histogram\n');
  busy.observe('GET', 200, 0.002);
  busy.observe('GET', 200, 0.003);
  assert.match(await registry.metrics(), /d_count\{route="\/busy",method="GET",status_class="2xx"\} 2\n/);
  assert.doesNotMatch(await registry.metrics(), /\/idle/);
  registry.resetMetrics();
  const text = await registry.metrics();
  assert.match(text, /d_count\{route="\/busy",method="GET",status_class="2xx"\} 0\n/);
  assert.match(text, /d_sum\{route="\/busy",method="GET",status_class="2xx"\} 0\n/);
  assert.match(text, /d_bucket\{le="\+Inf",route="\/busy",method="GET",status_class="2xx"\} 0\n/);
});

test('a status code outside 100–599 is labelled "other", not a class of its own', async () => {
  const registry = new Registry();
  new RouteDurationHistogram({ name: 'd', help: 'd', registry }).forRoute('/x').observe('GET', 0, 0.001);
  assert.match(await registry.metrics(), /d_count\{route="\/x",method="GET",status_class="other"\} 1\n/);
});
