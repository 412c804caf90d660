import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import Fastify from 'fastify';
import { AppError } from '../../errors/app-error.ts';
import { failUnexpectedlyWith, registerErrorHandling } from './errors.ts';

describe('error handling', () => {
  test('an unexpected failure gets the catalogued code of its group of routes; an AppError keeps its own', async () => {
    const app = Fastify({ logger: false });
    registerErrorHandling(app);
    await app.register(async (scope) => {
      failUnexpectedlyWith(scope, 'SESSION_COMMAND_FAILED');
      scope.get('/grouped', async () => {
        throw new Error('database is locked');
      });
      scope.get('/upstream', async () => {
        throw new AppError('MEDIA_UPLOAD_FAILED', 'media upload failed on all hosts (h: x)');
      });
    });
    app.get('/elsewhere', async () => {
      throw new Error('boom');
    });
    const grouped = await app.inject({ method: 'GET', url: '/grouped' });
    assert.equal(grouped.statusCode, 500);
    assert.equal(grouped.json().code, 'SESSION_COMMAND_FAILED');
    assert.equal(grouped.json().message, 'Session command failed');
    assert.doesNotMatch(grouped.body, /database is locked/, 'the cause stays in the log');
    const upstream = await app.inject({ method: 'GET', url: '/upstream' });
    assert.equal(upstream.statusCode, 502);
    assert.deepEqual(upstream.json(), {
      success: false,
      message: 'Media upload to WhatsApp failed',
      code: 'MEDIA_UPLOAD_FAILED',
      error: 'media upload failed on all hosts (h: x)',
    });
    assert.equal((await app.inject({ method: 'GET', url: '/elsewhere' })).json().code, 'INTERNAL');
    await app.close();
  });
});
