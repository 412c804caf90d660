import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { DOCS_CSS, DOCS_TITLE, FAVICON_SVG, WORDMARK_SVG } from './docs-branding.ts';

/** OpenAPI 3 at /openapi.json and an interactive reference at /docs, both generated from route schemas. */
export async function registerOpenApi(app: FastifyInstance, version: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'wagate', description: 'Multi-session WhatsApp HTTP gateway', version },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'The API key' } } },
      security: [{ bearer: [] }],
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
