// The fuzz test's inputs: a seeded PRNG and the request generator over the OpenAPI operations.

/** mulberry32: small, seeded, reproducible. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export interface Operation {
  method: string;
  path: string;
}

export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

export interface Outcome {
  status: number | null;
  contentType: string;
  body: string;
  error?: string;
}

export const SESSION_IDS = ['fz1', 'fz2', 'fz3'];
export const ODD_SEGMENTS = [
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
export const METHODS = [
  'GET',
  'POST',
  'PUT',
  'DELETE',
  'PATCH',
  'HEAD',
  'OPTIONS',
  'QUERY',
  'PROPFIND',
  'MKCOL',
  'SEARCH',
];
export const CONTENT_TYPES = [
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
export const QUERIES = [
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

export function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

/** A JSON value of some shape: plausible fields, wrong types, deep nesting, big numbers, odd strings. */
export function randomJson(random: () => number, depth = 0): unknown {
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
export function plausibleBody(random: () => number, op: Operation): unknown {
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

export function buildRequest(random: () => number, op: Operation, apiKey: string): FuzzRequest {
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
