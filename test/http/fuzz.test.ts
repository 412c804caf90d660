import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { startGateway, type GatewayProcess } from '../support/gateway-process.ts';
import { freshDatabaseUrl, tempDir } from '../support/test-databases.ts';
import { startTestSimulator, type TestSimulator } from '../support/test-simulator.ts';

/** Requests per run; WAGATE_FUZZ_SEED replays a failing run exactly (the seed is printed on failure). */
const REQUESTS = 3_000;
const SEED = Number(process.env.WAGATE_FUZZ_SEED ?? 15);
const CLIENT_TIMEOUT_MS = 20_000;
const IN_FLIGHT = 8;

/** mulberry32: small, seeded, reproducible. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface Operation {
  method: string;
  path: string;
}

interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

interface Outcome {
  status: number | null;
  contentType: string;
  body: string;
  error?: string;
}

const SESSION_IDS = ['fz1', 'fz2', 'fz3'];
const ODD_SEGMENTS = [
  'all',
  'connected',
  '..',
  '%2e%2e',
  '%2e%2e%2f%2e%2e',
  '%zz',
  '%',
  '%00',
  '%c3%28',
  '%ff%fe',
  'x'.repeat(300),
  '%C3%BC',
  '%3Cscript%3E',
  'a%2Fb',
  '-1',
  '0',
  '1e99',
  'null',
  '%20',
  'msg_' + '9'.repeat(40),
];
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'QUERY', 'PROPFIND', 'MKCOL', 'SEARCH'];
const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=latin1',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  '*/*',
  '',
];
const QUERIES = [
  '',
  '?',
  '?waitMs=0',
  '?waitMs=-1',
  '?waitMs=99999999',
  '?waitMs=abc',
  '?format=png&waitMs=0',
  '?format=gif',
  '?sessionId=fz1',
  '?sessionId=%zz',
  '?status=failed&limit=5',
  '?limit=-1',
  '?limit=1e9',
  '?status=x&status=y',
  '?unknown=1',
  '?a[b]=c',
  '?__proto__=1',
  '?limit=' + '9'.repeat(400),
  '?%zz=1',
  '?before=2020-13-45',
];

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

/** A JSON value of some shape: plausible fields, wrong types, deep nesting, big numbers, odd strings. */
function randomJson(random: () => number, depth = 0): unknown {
  const roll = random();
  if (depth > 3 || roll < 0.2)
    return pick(random, [null, true, 0, -1, 1e308, 2 ** 53 + 1, '', 'x', '\u0000', 'ü'.repeat(50)]);
  if (roll < 0.35) return Array.from({ length: Math.floor(random() * 4) }, () => randomJson(random, depth + 1));
  const keys = [
    'sessionId',
    'to',
    'text',
    'image',
    'url',
    'base64',
    'secret',
    'events',
    'phoneNumber',
    'messageId',
    'state',
    'location',
    'latitude',
    'document',
    'reaction',
    'emoji',
    '__proto__',
    'constructor',
    'quotedMessageId',
  ];
  const object: Record<string, unknown> = {};
  for (let i = Math.floor(random() * 4); i >= 0; i--) object[pick(random, keys)] = randomJson(random, depth + 1);
  return object;
}

/** Bodies close to valid, so the fuzz also reaches past schema validation. */
function plausibleBody(random: () => number, op: Operation): unknown {
  const to = pick(random, ['6281700000002', '+6281700000002', '123', '6281700000002@s.whatsapp.net', '']);
  if (op.path === '/sessions') return { sessionId: pick(random, SESSION_IDS) };
  if (op.path.endsWith('/messages')) {
    return pick(random, [
      { to, text: 'hello' },
      { to, image: { url: 'http://127.0.0.1:1/x.png' } },
      { to, document: { base64: 'aGVsbG8=', fileName: 'a.txt' } },
      { to, image: { base64: '!!!' } },
      { to, location: { latitude: 91, longitude: 0 } },
      { to, reaction: { messageId: 'x', emoji: '👍' } },
    ]);
  }
  if (op.path.endsWith('/webhook'))
    return { url: pick(random, ['http://127.0.0.1:1/x', 'ftp://x', 'http://127.0.0.2:1/', 'http://[::1]/']) };
  if (op.path.endsWith('/pairing-code')) return { phoneNumber: pick(random, ['6281700000009', 'abc', '']) };
  if (op.path.endsWith('/presence')) return { to, state: pick(random, ['composing', 'paused', 'dancing']) };
  return randomJson(random);
}

function buildRequest(random: () => number, op: Operation, apiKey: string): FuzzRequest {
  const method = random() < 0.75 ? op.method : pick(random, METHODS);
  const segment = () => (random() < 0.6 ? pick(random, SESSION_IDS) : pick(random, ODD_SEGMENTS));
  let path = op.path.replace(/\{[^}]+\}/g, segment);
  if (random() < 0.05) path += pick(random, ['/', '//', '/..', '/%2e%2e/', '/extra']);
  path += pick(random, QUERIES);
  const headers: Record<string, string> = {};
  const auth = random();
  if (auth < 0.6) headers.authorization = `Bearer ${apiKey}`;
  else if (auth < 0.7) headers['x-api-key'] = apiKey;
  else if (auth < 0.8)
    headers.authorization = pick(random, [
      'Bearer',
      'Bearer wrong',
      'Basic Zm9vOmJhcg==',
      'Bearer ' + 'k'.repeat(5000),
    ]);
  if (random() < 0.1) headers['last-event-id'] = pick(random, ['abc', '-1', '9'.repeat(40), '0']);
  if (random() < 0.1) headers.accept = pick(random, ['image/png', 'text/html', '*/*', 'application/xml']);
  if (random() < 0.05) headers['accept-encoding'] = pick(random, ['gzip', 'br', 'identity;q=0', 'x']);
  const withBody = method !== 'GET' && method !== 'HEAD' && random() < 0.8;
  if (!withBody) return { method, path, headers };
  const roll = random();
  let body: Buffer;
  if (roll < 0.5) body = Buffer.from(JSON.stringify(plausibleBody(random, op)));
  else if (roll < 0.75) body = Buffer.from(JSON.stringify(randomJson(random)));
  else if (roll < 0.85)
    body = Buffer.from(pick(random, ['{', '{"a":', '[1,2', 'null', '"str"', '', '{"a":1}}', '\u00ff\u00fe']));
  else if (roll < 0.95) body = Buffer.from(Array.from({ length: 64 }, () => Math.floor(random() * 256)));
  else body = Buffer.from(`{"text":"${'x'.repeat(1_100_000)}"}`);
  const contentType = random() < 0.8 ? 'application/json' : pick(random, CONTENT_TYPES);
  if (contentType) headers['content-type'] = contentType;
  return { method, path, headers, body };
}

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
