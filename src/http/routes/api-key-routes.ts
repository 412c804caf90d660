import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { ApiKeyInfo, ApiKeys } from '../../access/api-keys.ts';
import { requireAccess } from '../plugins/auth.ts';
import { failUnexpectedlyWith } from '../plugins/errors.ts';
import { ApiKeyIdParams, ApiKeySchema, CreateApiKeyBody, CreatedApiKeySchema } from '../schemas/api-key-schemas.ts';
import { errorResponses, ItemEnvelope, ListEnvelope } from '../schemas/envelope.ts';

const present = (key: ApiKeyInfo) => ({
  ...key,
  sessions: key.sessions === '*' ? ('*' as const) : [...key.sessions],
  scopes: [...key.scopes],
  createdAt: key.createdAt.toISOString(),
});

export const apiKeyRoutes: FastifyPluginAsyncTypebox<{ apiKeys: ApiKeys }> = async (app, { apiKeys }) => {
  failUnexpectedlyWith(app, 'INTERNAL');
  requireAccess(app, 'admin');
  const tags = ['api keys'];

  app.post(
    '/api-keys',
    {
      schema: {
        tags,
        summary: 'Create a scoped API key (admin key only; the key is shown this once)',
        body: CreateApiKeyBody,
        response: { 201: ItemEnvelope(CreatedApiKeySchema), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { key, ...created } = await apiKeys.create(request.body);
      return reply
        .status(201)
        .send({ success: true as const, message: 'API key created successfully', data: { ...present(created), key } });
    },
  );

  app.get(
    '/api-keys',
    {
      schema: {
        tags,
        summary: 'Scoped API keys (never a secret)',
        response: { 200: ListEnvelope(ApiKeySchema), ...errorResponses },
      },
    },
    async () => {
      const data = (await apiKeys.list()).map(present);
      return { success: true as const, message: 'API keys retrieved successfully', data, count: data.length };
    },
  );

  app.delete(
    '/api-keys/:id',
    {
      schema: {
        tags,
        summary: 'Revoke a scoped API key, at once',
        params: ApiKeyIdParams,
        response: { 200: Type.Object({ success: Type.Literal(true), message: Type.String() }), ...errorResponses },
      },
    },
    async (request) => {
      await apiKeys.revoke(request.params.id);
      return { success: true as const, message: 'API key revoked successfully' };
    },
  );
};
