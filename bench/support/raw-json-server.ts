import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

/**
 * The baseline: a bare node:http JSON server. It serves, per URL path, the very payloads the gateway
 * returned (same bytes), serialising them with JSON.stringify on every request like a JSON API would.
 * Usage: raw-json-server.ts PAYLOADS.json  → prints `PORT=n`.
 */
const file = process.argv[2];
if (!file) throw new Error('usage: raw-json-server.ts PAYLOADS.json');
const payloads = new Map(Object.entries(JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>));

const server = createServer((request, response) => {
  const payload = payloads.get((request.url ?? '/').split('?', 1)[0] ?? '/');
  if (payload === undefined) {
    response.writeHead(404, { 'content-type': 'application/json; charset=utf-8' });
    response.end('{"success":false,"message":"Not found"}');
    return;
  }
  const body = JSON.stringify(payload);
  response.writeHead(200, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  response.end(body);
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`PORT=${typeof address === 'object' && address ? address.port : 0}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
