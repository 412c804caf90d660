import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { StoredEvent } from '../../src/events/event-store.ts';
import { TEST_DIALECTS } from '../support/test-databases.ts';
import { openEventsApp, TEST_KEY, type EventsApp } from './events-app.ts';
import { SseClient } from './sse-client.ts';

const auth = { authorization: `Bearer ${TEST_KEY}` };

async function until(predicate: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

for (const dialect of TEST_DIALECTS) {
  describe(`GET /events (SSE, ${dialect})`, () => {
    let t: EventsApp;
    let base: string;
    const clients: SseClient[] = [];
    const connect = async (query = '', headers: Record<string, string> = auth) => {
      const client = await SseClient.connect(`${base}/events${query}`, headers);
      clients.push(client);
      return client;
    };
    const publish = (sessionId: string, n: number) => t.events.publisher.publish(sessionId, 'session.status', { n });

    before(async () => {
      t = await openEventsApp(dialect, 100);
      base = await t.app.listen({ port: 0, host: '127.0.0.1' });
    });
    after(async () => {
      for (const client of clients) client.close();
      await t?.close();
    });

    test('refusals are envelopes: no key, bad Last-Event-ID, bad sessionId', async () => {
      const noKey = await connect('', {});
      assert.equal(noKey.status, 401);
      assert.equal(JSON.parse(noKey.errorBody).message, 'Invalid API key');
      const badId = await connect('', { ...auth, 'last-event-id': 'evt_abc' });
      assert.equal(badId.status, 400);
      assert.equal(JSON.parse(badId.errorBody).code, 'INVALID_LAST_EVENT_ID');
      const badSession = await connect('?sessionId=a%20b');
      assert.equal(badSession.status, 400);
      assert.equal(JSON.parse(badSession.errorBody).success, false);
      assert.equal(t.events.hub.size, 0, 'no listener was left behind');
    });

    test('live events: id is the sequence, event the type, data the envelope; sessionId filters', async () => {
      const all = await connect();
      const onlyB = await connect('?sessionId=sse-b');
      assert.equal(all.status, 200);
      assert.match(all.contentType, /^text\/event-stream/);
      const published = [await publish('sse-a', 1), await publish('sse-b', 2), await publish('sse-a', 3)];
      await all.waitFor(() => all.frames.length >= 3, 'three live events');
      await onlyB.waitFor(() => onlyB.frames.length >= 1, "sse-b's event");
      assert.deepEqual(
        all.frames.map((f) => f.id),
        published.map((e) => String(e.sequence)),
      );
      assert.deepEqual(
        all.frames.map((f) => f.event),
        ['session.status', 'session.status', 'session.status'],
      );
      assert.deepEqual(all.frames[1]!.data, {
        id: published[1]!.id,
        type: 'session.status',
        sessionId: 'sse-b',
        timestamp: published[1]!.timestamp,
        data: { n: 2 },
      });
      await publish('sse-b', 4);
      await onlyB.waitFor(() => onlyB.frames.length >= 2, "sse-b's second event");
      assert.ok(onlyB.frames.every((f) => f.data.sessionId === 'sse-b'));
      await all.waitFor(() => all.comments.includes('heartbeat'), 'a heartbeat comment');
    });

    test('resume with Last-Event-ID replays exactly the later events, then continues live', async () => {
      const first = await connect('?sessionId=sse-r');
      const sent: StoredEvent[] = [];
      for (let n = 1; n <= 5; n++) sent.push(await publish('sse-r', n));
      await publish('sse-other', 0);
      await first.waitFor(() => first.frames.length >= 5, 'five events');
      first.close();
      await until(() => first.ended, 'the first stream to end');
      for (let n = 6; n <= 7; n++) sent.push(await publish('sse-r', n));

      const resumed = await connect('?sessionId=sse-r', { ...auth, 'last-event-id': String(sent[2]!.sequence) });
      await resumed.waitFor(() => resumed.frames.length >= 4, 'the four events after the third');
      sent.push(await publish('sse-r', 8));
      await resumed.waitFor(() => resumed.frames.length >= 5, 'the live event after the replay');
      assert.deepEqual(
        resumed.frames.map((f) => f.data.id),
        sent.slice(3).map((e) => e.id),
        'exactly 4..8, in order, no duplicates',
      );

      const everything = await connect('', { ...auth, 'last-event-id': '0' });
      await everything.waitFor(() => everything.frames.some((f) => f.data.id === sent[7]!.id), 'a full replay');
      const ids = everything.frames.map((f) => Number(f.id));
      assert.deepEqual(
        ids,
        [...ids].sort((a, b) => a - b),
        'replay is in sequence order',
      );
      assert.equal(new Set(ids).size, ids.length);
    });

    test('listeners are removed when clients disconnect', async () => {
      const before = t.events.hub.size;
      const client = await connect();
      await until(() => t.events.hub.size === before + 1, 'the subscription');
      client.close();
      await until(() => t.events.hub.size === before, 'the listener to be removed');
    });
  });
}

describe('GET /events and shutdown', () => {
  test('closing the app ends open streams instead of waiting for clients', async () => {
    const t = await openEventsApp('sqlite');
    try {
      const base = await t.app.listen({ port: 0, host: '127.0.0.1' });
      const client = await SseClient.connect(`${base}/events`, auth);
      assert.equal(client.status, 200);
      await t.app.close();
      await client.waitFor(() => client.ended, 'the stream to end').catch(() => undefined);
      assert.equal(client.ended, true);
      assert.equal(t.events.hub.size, 0);
    } finally {
      await t.close();
    }
  });
});
