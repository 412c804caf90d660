import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { DOCS_CSS, DOCS_TITLE, FAVICON_SVG, WORDMARK_SVG } from './docs-branding.ts';

const KEY_DESCRIPTION =
  'The admin key (API_KEY or DATA_DIR/api-key) or a scoped key, wgk_<id>_<secret>, from ' +
  'POST /api-keys. A scoped key covers some sessions (or "*") with scopes: read (GETs, status, QR, contacts, media), ' +
  'send (messages, presence, read receipts), manage (start, stop, restart, logout, pairing code, the session webhook). ' +
  'Creating and deleting sessions, /webhooks/deliveries, /metrics and /api-keys need the admin key. ' +
  "A session the key does not cover answers 404; a missing scope 403; over the key's rate limit 429 with Retry-After.";

/** OpenAPI 3 at /openapi.json and an interactive reference at /docs, both generated from route schemas. */
export async function registerOpenApi(app: FastifyInstance, version: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'wagate', description: 'Multi-session WhatsApp HTTP gateway', version },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: KEY_DESCRIPTION },
          apiKeyHeader: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: KEY_DESCRIPTION },
        },
      },
      // Either header: Authorization: Bearer <key>, or X-API-Key: <key>.
      security: [{ bearer: [] }, { apiKeyHeader: [] }],
    },
  });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    staticCSP: true,
    // wagate's name and mark, not Swagger's or Fastify's (the plugin's default logo is Fastify's).
    logo: { type: 'image/svg+xml', content: WORDMARK_SVG, href: '/docs', target: '_self' },
    theme: {
      title: DOCS_TITLE,
      css: [{ filename: 'wagate.css', content: DOCS_CSS }],
      favicon: [{ filename: 'favicon.svg', rel: 'icon', type: 'image/svg+xml', sizes: 'any', content: FAVICON_SVG }],
    },
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
