import assert from 'node:assert/strict';
import { test } from 'node:test';
import Fastify from 'fastify';
import type { TSchema } from '@sinclair/typebox';
import type { SessionView } from '../../sessions/session-view.ts';
import { ItemEnvelope, ListEnvelope } from '../schemas/envelope.ts';
import {
  SessionBasicSchema,
  SessionCredentialsSchema,
  UserInfoSchema,
  DisconnectSchema,
} from '../schemas/session-schemas.ts';
import { itemEnvelopeText, listEnvelopeText } from './envelope-text.ts';
import { presentBasic, presentCredentials, serialiseView, type ViewShape } from './session-presenter.ts';

/** What Fastify's own serialiser writes for `payload` under `schema`: the text we send must be exactly that. */
async function serialisedByFastify(schema: TSchema, payload: unknown): Promise<string> {
  const app = Fastify();
  app.get('/', { schema: { response: { 200: schema } } }, async () => payload);
  try {
    return (await app.inject('/')).body;
  } finally {
    await app.close();
  }
}

/** `serialiseView` as a route runs it: inside a handler, with that route's reply. */
async function viewTexts(views: readonly SessionView[], shape: ViewShape): Promise<string[]> {
  const app = Fastify();
  app.get('/', async (_request, reply) => views.map((view) => serialiseView(reply, view, shape)));
  try {
    return (await app.inject('/')).json<string[]>();
  } finally {
    await app.close();
  }
}

const at = new Date('2026-12-06T03:04:05.678Z');
const linked: SessionView = {
  record: {
    id: 7,
    sessionId: 'sales',
    status: 'connected',
    createdAt: at,
    updatedAt: at,
    userInfo: {
      phoneNumber: '6283876013551',
      name: 'Toko "Maju"',
      jid: '6283876013551:12@s.whatsapp.net',
      platform: 'android',
      registered: false,
      lid: '123456789:12@lid',
    },
    lastSeenAt: null,
    lastDisconnect: { code: 428, reason: 'Connection Closed', at: at.toISOString() },
  },
  isActive: true,
  isAuthenticated: true,
  connectionStatus: 'AUTHENTICATED',
  startTime: at.getTime(),
  lastSeenAt: at,
};
const fresh: SessionView = {
  record: { ...linked.record, id: 8, sessionId: 'new', status: 'created', userInfo: null, lastDisconnect: null },
  isActive: false,
  isAuthenticated: false,
  connectionStatus: 'STOPPED',
  startTime: null,
  lastSeenAt: null,
};

test("an item envelope around a view's JSON is the seed envelope of the presented object, byte for byte as the route schema writes it", async () => {
  const [credentials = ''] = await viewTexts([linked], 'credentials');
  const text = itemEnvelopeText('Session credentials retrieved successfully')(credentials);
  const parsed: unknown = JSON.parse(text);
  assert.deepEqual(parsed, {
    success: true,
    message: 'Session credentials retrieved successfully',
    data: presentCredentials(linked),
  });
  assert.equal(text, await serialisedByFastify(ItemEnvelope(SessionCredentialsSchema), parsed));

  const [basicJson = ''] = await viewTexts([fresh], 'basic');
  const basicText = itemEnvelopeText('Session retrieved successfully')(basicJson);
  const basic: unknown = JSON.parse(basicText);
  assert.deepEqual(basic, { success: true, message: 'Session retrieved successfully', data: presentBasic(fresh) });
  assert.equal(basicText, await serialisedByFastify(ItemEnvelope(SessionBasicSchema), basic));
  assert.equal((basic as { data: Record<string, unknown> }).data.userInfo, undefined, 'basic objects have no userInfo');
});

test('a list envelope carries every item in order and the count; an empty list too', async () => {
  const list = listEnvelopeText('All sessions with credentials retrieved successfully');
  const text = list(await viewTexts([linked, fresh], 'credentials'));
  const parsed: unknown = JSON.parse(text);
  assert.deepEqual(parsed, {
    success: true,
    message: 'All sessions with credentials retrieved successfully',
    data: [presentCredentials(linked), presentCredentials(fresh)],
    count: 2,
  });
  assert.equal(text, await serialisedByFastify(ListEnvelope(SessionCredentialsSchema), parsed));
  const empty: unknown = JSON.parse(list([]));
  assert.deepEqual(empty, {
    success: true,
    message: 'All sessions with credentials retrieved successfully',
    data: [],
    count: 0,
  });
  assert.equal(list([]), await serialisedByFastify(ListEnvelope(SessionCredentialsSchema), empty));
  assert.equal(
    listEnvelopeText('x')(await viewTexts([fresh], 'basic')),
    await serialisedByFastify(ListEnvelope(SessionBasicSchema), {
      success: true,
      message: 'x',
      data: [presentBasic(fresh)],
      count: 1,
    }),
  );
});

test('the schema is an allow-list: a field outside it, at any level of any view, never reaches the text', async () => {
  const extra = { secret: 'leak', creds: { noiseKey: 'leak' } };
  const leaky = {
    ...linked,
    ...extra,
    record: {
      ...linked.record,
      ...extra,
      userInfo: { ...linked.record.userInfo!, ...extra },
      lastDisconnect: { ...linked.record.lastDisconnect!, ...extra },
    },
  } as SessionView;
  const keys = (schema: TSchema) => Object.keys((schema as unknown as { properties: object }).properties).sort();
  for (const shape of ['basic', 'credentials'] as const) {
    const [text = ''] = await viewTexts([leaky], shape);
    assert.doesNotMatch(text, /leak|secret|noiseKey/, shape);
    const data = JSON.parse(text) as Record<string, Record<string, unknown>>;
    assert.deepEqual(
      Object.keys(data).sort(),
      keys(shape === 'basic' ? SessionBasicSchema : SessionCredentialsSchema),
      shape,
    );
    assert.deepEqual(Object.keys(data.lastDisconnect ?? {}).sort(), keys(DisconnectSchema), `${shape}: lastDisconnect`);
    if (shape === 'credentials')
      assert.deepEqual(Object.keys(data.userInfo ?? {}).sort(), keys(UserInfoSchema), 'userInfo');
  }
});

test('messages are written as JSON strings, quotes and all', () => {
  assert.deepEqual(JSON.parse(itemEnvelopeText('say "hi"\n')('null')), {
    success: true,
    message: 'say "hi"\n',
    data: null,
  });
});
