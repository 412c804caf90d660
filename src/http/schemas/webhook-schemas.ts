import { Type } from '@sinclair/typebox';
import { Nullable, StringEnum } from './schema-types.ts';
import { DELIVERY_STATUSES } from '../../events/event-store.ts';
import { EVENT_TYPES } from '../../events/event-types.ts';

const DateTime = Type.String({ format: 'date-time' });
const EventTypeSchema = StringEnum(EVENT_TYPES);
const SESSION_ID_PATTERN = '^[A-Za-z0-9_-]{1,64}$';

export const PutWebhookBody = Type.Object(
  {
    url: Type.String({ maxLength: 2048, description: 'http or https URL that receives the POSTs' }),
    secret: Type.Optional(
      Type.String({
        maxLength: 200,
        description: 'whsec_<base64>; generated (and returned once) when left out on creation',
      }),
    ),
    events: Type.Optional(
      Type.Array(EventTypeSchema, { minItems: 1, maxItems: 16, description: 'Event types to send; all when left out' }),
    ),
  },
  { additionalProperties: false },
);

export const WebhookSchema = Type.Object({
  sessionId: Type.String(),
  url: Type.String(),
  events: Type.Array(Type.String(), { description: 'Subscribed event types' }),
  enabled: Type.Boolean(),
  disabledReason: Nullable(Type.String()),
  disabledAt: Nullable(DateTime),
  createdAt: DateTime,
  updatedAt: DateTime,
  secret: Type.Optional(Type.String({ description: 'Only in the PUT response that generated it; store it now' })),
});

export const DeliveryQuery = Type.Object(
  {
    status: Type.Optional(StringEnum(DELIVERY_STATUSES)),
    sessionId: Type.Optional(Type.String({ pattern: SESSION_ID_PATTERN })),
    limit: Type.Optional(
      Type.String({ pattern: '^(?:[1-9][0-9]{0,2}|1000)$', description: '1 to 1000 (default 100)' }),
    ),
  },
  { additionalProperties: false },
);

export const DeliveryIdParams = Type.Object({ id: Type.String({ pattern: '^dlv_[0-9a-f]{32}$' }) });

export const DeliverySchema = Type.Object({
  id: Type.String(),
  eventId: Type.String(),
  sequence: Type.Integer(),
  sessionId: Type.String(),
  type: Type.String(),
  endpoint: Type.Object({ id: Type.String(), url: Nullable(Type.String()) }),
  status: StringEnum(DELIVERY_STATUSES),
  attempts: Type.Integer(),
  nextAttemptAt: DateTime,
  lastAttemptAt: Nullable(DateTime),
  lastError: Nullable(Type.String()),
  lastStatusCode: Nullable(Type.Integer()),
  deliveredAt: Nullable(DateTime),
  createdAt: DateTime,
});

export const EventStreamQuery = Type.Object(
  { sessionId: Type.Optional(Type.String({ pattern: SESSION_ID_PATTERN })) },
  { additionalProperties: false },
);
