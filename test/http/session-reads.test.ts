import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ItemEnvelope, ListEnvelope } from '../../src/http/schemas/envelope.ts';
import {
  DisconnectSchema,
  SessionBasicSchema,
  SessionCredentialsSchema,
  SessionStatusSchema,
  UserInfoSchema,
} from '../../src/http/schemas/session-schemas.ts';
import { openEventsApp, TEST_KEY, type EventsApp } from '../events/events-app.ts';

const auth = { authorization: `Bearer ${TEST_KEY}` };
const keys = (schema: unknown) => Object.keys((schema as { properties: object }).properties).sort();

/** The five memoised read routes and the status route, with the schema of their data items. */
const ROUTES = [
  { url: '/sessions/all', item: SessionBasicSchema, list: true },
  { url: '/sessions/all/credentials', item: SessionCredentialsSchema, list: true },
  { url: '/sessions/connected/credentials', item: SessionCredentialsSchema, list: true },
  { url: '/sessions/leaky', item: SessionBasicSchema, list: false },
  { url: '/sessions/leaky/credentials', item: SessionCredentialsSchema, list: false },
  { url: '/sessions/leaky/status', item: SessionStatusSchema, list: false },
] as const;

describe('the read routes write only what their response schema allows (real app, real SQLite)', () => {
  let events: EventsApp;
  before(async () => {
    events = await openEventsApp('sqlite');
    // A stored row whose JSON columns carry fields no schema has: written behind the gateway's back.
    await events.database.records.insert('leaky');
    const extra = { secretField: 'LEAKED', noiseKey: 'LEAKED' };
    await events.database.db
      .updateTable('sessions')
      .set({
        status: 'connected',
        user_info: JSON.stringify({
          phoneNumber: '628',
          name: 'n',
          jid: '628:1@s.whatsapp.net',
          lid: null,
          platform: 'android',
          registered: false,
          ...extra,
        }),
        last_disconnect: JSON.stringify({
          code: 428,
          reason: 'Connection Closed',
          at: new Date().toISOString(),
          ...extra,
        }),
      })
      .where('session_id', '=', 'leaky')
      .execute();
  });
  after(() => events?.close());

  for (const route of ROUTES) {
    test(`${route.url}: from the database and then from memory`, async () => {
      for (const round of ['first read', 'memoised read']) {
        const response = await events.app.inject({ url: route.url, headers: auth });
        assert.equal(response.statusCode, 200, `${round}: ${response.body}`);
        assert.doesNotMatch(response.body, /LEAKED|secretField|noiseKey/, round);
        const body = response.json<{ data: unknown; count?: number }>();
        assert.deepEqual(
          Object.keys(body).sort(),
          keys(route.list ? ListEnvelope(route.item) : ItemEnvelope(route.item)),
        );
        const items = (route.list ? body.data : [body.data]) as Array<Record<string, Record<string, unknown> | null>>;
        if (route.list) assert.equal(body.count, items.length);
        for (const item of items) {
          assert.deepEqual(Object.keys(item).sort(), keys(route.item), round);
          if (item.lastDisconnect) assert.deepEqual(Object.keys(item.lastDisconnect).sort(), keys(DisconnectSchema));
          if (item.userInfo) assert.deepEqual(Object.keys(item.userInfo).sort(), keys(UserInfoSchema));
        }
        const leaky = items.find((item) => (item as unknown as { sessionId: string }).sessionId === 'leaky');
        if (route.url !== '/sessions/connected/credentials') assert.ok(leaky, 'the leaky row is listed');
      }
    });
  }
});
