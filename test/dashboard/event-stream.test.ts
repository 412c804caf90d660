import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { openEventStream, type StreamState } from '../../src/dashboard/event-stream.ts';
import type { GatewayEvent } from '../../src/dashboard/types.ts';

/** A real loopback SSE server; each connection is answered by the next script step. */
type Step = (response: ServerResponse) => void;
const steps: Step[] = [];
const seen: IncomingHttpHeaders[] = [];
const server = createServer((request, response) => {
  seen.push(request.headers);
  const step = steps.shift() ?? ((res: ServerResponse) => res.writeHead(503).end());
  step(response);
});
let baseUrl = '';

before(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

const event = (sequence: number, type: string): string => {
  const envelope = { id: `evt_${sequence}`, type, sessionId: 's', timestamp: '', data: {} };
  return `id: ${sequence}\nevent: ${type}\ndata: ${JSON.stringify(envelope)}\n\n`;
};
const open = (res: ServerResponse) => res.writeHead(200, { 'content-type': 'text/event-stream' });

test('Bearer header, Last-Event-ID resume after a drop, backoff on errors, stop on 401', async () => {
  seen.length = 0;
  steps.push(
    (res) => {
      open(res);
      res.write(': stream open\n\n');
      // Split mid-event: the parser must join the chunks.
      const text = event(1, 'session.status') + event(2, 'session.qr');
      res.write(text.slice(0, 30));
      setTimeout(() => res.end(text.slice(30)), 20);
    },
    (res) => res.writeHead(500).end(),
    (res) => {
      open(res);
      res.end(event(3, 'message.received'));
    },
    (res) =>
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"success":false,"message":"Invalid API key"}'),
  );
  const events: GatewayEvent[] = [];
  const states: StreamState[] = [];
  const attempts: number[] = [];
  await new Promise<void>((resolve) => {
    openEventStream({
      key: 'the-key',
      baseUrl,
      onEvent: (e) => events.push(e),
      onState: (state) => states.push(state),
      onUnauthorized: resolve,
      backoffMs: (attempt) => {
        attempts.push(attempt);
        return 10;
      },
    });
  });
  assert.deepEqual(
    events.map((e) => e.id),
    ['evt_1', 'evt_2', 'evt_3'],
  );
  assert.equal(seen.length, 4);
  for (const headers of seen) assert.equal(headers.authorization, 'Bearer the-key');
  assert.deepEqual(
    seen.map((headers) => headers['last-event-id']),
    [undefined, '2', '2', '3'],
  );
  assert.deepEqual(states, ['connecting', 'open', 'reconnecting', 'reconnecting', 'open', 'reconnecting']);
  // After an opened stream ends the backoff starts over (0); a failed attempt raises it.
  assert.deepEqual(attempts, [0, 1, 0]);
});

test('closing stops reading and reconnecting', async () => {
  seen.length = 0;
  let ended = false;
  steps.push((res) => {
    open(res);
    res.write(event(10, 'session.status'));
    res.on('close', () => {
      ended = true;
    });
  });
  const events: GatewayEvent[] = [];
  const close = await new Promise<() => void>((resolve) => {
    const stop = openEventStream({
      key: 'k',
      baseUrl,
      onEvent: (e) => {
        events.push(e);
        resolve(stop);
      },
      onState: () => undefined,
      onUnauthorized: () => assert.fail('not a 401'),
      backoffMs: () => 10,
    });
  });
  close();
  for (let i = 0; i < 50 && !ended; i++) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.equal(ended, true, 'the connection was closed');
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(seen.length, 1, 'no reconnection after close');
  assert.deepEqual(
    events.map((e) => e.id),
    ['evt_10'],
  );
});
