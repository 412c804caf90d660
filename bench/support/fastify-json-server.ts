import { readFileSync } from 'node:fs';
import Fastify from 'fastify';

/**
 * Reference point between the raw baseline and the gateway: a bare Fastify 5 (no logger, no hooks, no
 * schemas) answering the same paths with the same JSON. Usage: fastify-json-server.ts PAYLOADS.json → `PORT=n`.
 */
const file = process.argv[2];
if (!file) throw new Error('usage: fastify-json-server.ts PAYLOADS.json');
const payloads = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
const app = Fastify({ logger: false });
for (const [path, payload] of Object.entries(payloads)) app.get(path, async () => payload);
const address = await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`PORT=${new URL(address).port}\n`);
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
