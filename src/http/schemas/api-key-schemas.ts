import { Type } from '@sinclair/typebox';
import { SCOPES } from '../../access/api-key-store.ts';
import { Nullable, StringEnum } from './schema-types.ts';

const SessionGrantSchema = Type.Union(
  [Type.Literal('*'), Type.Array(Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }), { minItems: 1, maxItems: 1_000 })],
  { description: 'The session ids the key covers, or "*" for every session (also ones created later)' },
);

const ScopesSchema = Type.Array(StringEnum(SCOPES), {
  minItems: 1,
  maxItems: SCOPES.length,
  description:
    'read: GETs, status, QR, contacts, media. send: messages, presence, read receipts. ' +
    'manage: start, stop, restart, logout, pairing code, the session webhook.',
});

export const CreateApiKeyBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    sessions: SessionGrantSchema,
    scopes: ScopesSchema,
    rateLimitPerMinute: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
  },
  { additionalProperties: false },
);

const apiKeyFields = {
  id: Type.String(),
  name: Type.String(),
  sessions: SessionGrantSchema,
  scopes: ScopesSchema,
  rateLimitPerMinute: Nullable(Type.Integer({ description: 'null: the default, RATE_LIMIT_PER_MINUTE' })),
  createdAt: Type.String({ format: 'date-time' }),
};

export const ApiKeySchema = Type.Object(apiKeyFields);

export const CreatedApiKeySchema = Type.Object({
  ...apiKeyFields,
  key: Type.String({ description: 'wgk_<id>_<secret>: shown this once, stored only as a SHA-256 hash' }),
});

export const ApiKeyIdParams = Type.Object({ id: Type.String({ pattern: '^[0-9a-f]{16}$' }) });
