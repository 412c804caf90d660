import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { startGateway, type GatewayProcess } from '../support/gateway-process.ts';
import { freshDatabaseUrl, tempDir } from '../support/test-databases.ts';
import { startTestSimulator, type TestSimulator } from '../support/test-simulator.ts';
import { prng, type Operation, type FuzzRequest, type Outcome, buildRequest } from './fuzz-requests.ts';

/** Requests per run; WAGATE_FUZZ_SEED replays a failing run exactly (the seed is printed on failure). */
const REQUESTS = 3_000;
const SEED = Number(process.env.WAGATE_FUZZ_SEED ?? 15);
const CLIENT_TIMEOUT_MS = 20_000;
const IN_FLIGHT = 8;

function send(port: number, agent: Agent, req: FuzzRequest): Promise<Outcome> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (outcome: Outcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const timer = setTimeout(() => {
      done({ status: null, contentType: '', body: '', error: 'client timeout' });
      outgoing.destroy();
    }, CLIENT_TIMEOUT_MS);
    const outgoing = request({
      host: '127.0.0.1',
      port,
      agent,
      method: req.method,
      path: req.path,
      headers: req.headers,
    });
    outgoing.on('response', (response) => {
      const contentType = response.headers['content-type'] ?? '';
      // A live event stream never ends: its first bytes are the answer.
      if (contentType.startsWith('text/event-stream')) {
        response.destroy();
        done({ status: response.statusCode ?? null, contentType, body: '' });
        return;
      }
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        done({ status: response.statusCode ?? null, contentType, body: Buffer.concat(chunks).toString() }),
      );
      response.on('error', (err) =>
        done({ status: response.statusCode ?? null, contentType, body: '', error: err.message }),
      );
    });
    outgoing.on('error', (err) => done({ status: null, contentType: '', body: '', error: err.message }));
    outgoing.end(req.body);
  });
}

/** The request's headers for a failure message, the key masked. */
const headersShown = (req: FuzzRequest, apiKey: string): string =>
  JSON.stringify(req.headers).replaceAll(apiKey, '<key>').slice(0, 200);

/** What is wrong with an answer (undefined: nothing). */
function problemWith(req: FuzzRequest, outcome: Outcome): string | undefined {
  if (outcome.error === 'client timeout') return 'no answer within the client timeout';
  // The server closing a connection after answering an oversized body is fine; no answer at all is not.
  if (outcome.status === null)
    return req.body && req.body.length > 1_000_000 ? undefined : `no answer (${outcome.error})`;
  if (outcome.status >= 500) return `${outcome.status}`;
  if (outcome.status < 400 || req.method === 'HEAD') return undefined;
  if (!outcome.contentType.startsWith('application/json'))
    return `error answer as ${outcome.contentType || 'no content type'}`;
  try {
    const body = JSON.parse(outcome.body) as { success?: unknown; message?: unknown };
    if (body.success !== false || typeof body.message !== 'string')
      return `error answer outside the envelope: ${outcome.body.slice(0, 200)}`;
  } catch {
    return `error answer is not JSON: ${outcome.body.slice(0, 200)}`;
  }
  return undefined;
}

describe('HTTP fuzz over every OpenAPI operation (real gateway on loopback, simulator behind it)', () => {
  let t: TestSimulator;
  let gateway: GatewayProcess;
  let operations: Operation[] = [];

  before(async () => {
    t = await startTestSimulator('http-fuzz');
    gateway = await startGateway({
      databaseUrl: await freshDatabaseUrl('sqlite'),
      dataDir: tempDir(),
      // Private targets refused (the defaults): the fuzz's media and webhook URLs generate no traffic at all.
      env: {
        ...t.gatewayEnv,
        ALLOW_PRIVATE_MEDIA_URLS: 'false',
        ALLOW_PRIVATE_WEBHOOKS: 'false',
        LOG_LEVEL: 'warn',
        REQUEST_TIMEOUT_MS: '5000',
        MEDIA_FETCH_TIMEOUT_MS: '2000',
      },
    });
    const spec = await gateway.request('GET', '/openapi.json');
    const paths = (spec.body as { paths: Record<string, Record<string, unknown>> }).paths;
    operations = Object.entries(paths).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((method) => ['get', 'post', 'put', 'delete', 'patch'].includes(method))
        .map((method) => ({ method: method.toUpperCase(), path })),
    );
  });
  after(async () => {
    await gateway?.kill('SIGKILL');
    await t?.sim.stop();
  });

  test(`${REQUESTS} requests (seed ${SEED}): no 5xx, every error in the envelope, no hang`, async () => {
    assert.ok(operations.length >= 20, `the spec lists ${operations.length} operations`);
    const port = Number(new URL(gateway.url).port);
    // One connection per request: a request's answer is judged alone, not after a previous one's leftovers.
    const agent = new Agent({ keepAlive: false, maxSockets: IN_FLIGHT });
    const random = prng(SEED);
    // Built up front, in order, so the sequence depends only on the seed.
    const requests = Array.from({ length: REQUESTS }, (_, i) =>
      buildRequest(random, operations[i % operations.length] as Operation, gateway.apiKey),
    );
    const problems: string[] = [];
    const covered = new Set<string>();
    let next = 0;
    const worker = async () => {
      while (next < requests.length) {
        const index = next++;
        const req = requests[index] as FuzzRequest;
        const outcome = await send(port, agent, req);
        if (outcome.status !== null && outcome.status < 500) covered.add(`${index % operations.length}`);
        const problem = problemWith(req, outcome);
        if (problem)
          problems.push(
            `#${index} ${req.method} ${req.path.slice(0, 120)} ${headersShown(req, gateway.apiKey)}: ${problem}`,
          );
      }
    };
    try {
      await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    } finally {
      agent.destroy();
    }
    assert.deepEqual(
      problems.slice(0, 20),
      [],
      `seed ${SEED}: ${problems.length} problems\n${gateway.output().slice(-3000)}`,
    );
    assert.equal(covered.size, operations.length, 'every operation answered');
    const health = await gateway.request('GET', '/health');
    assert.equal(health.status, 200, 'the gateway is still up');
  });
});
