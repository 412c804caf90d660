import assert from 'node:assert/strict';
import { connect, type AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { describe, test } from 'node:test';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import pino from 'pino';
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

  test('a request the client aborts mid-body is logged at info, without a stack, and never as an error', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    const app = Fastify({ loggerInstance: pino({ level: 'info' }, sink) as FastifyBaseLogger });
    registerErrorHandling(app);
    app.post('/upload', async (request) => ({ got: request.body }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    const socket = connect(port, '127.0.0.1');
    socket.write('POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n');
    socket.write('{"a":');
    const deadline = Date.now() + 5_000;
    const logged = async (msg: string) => {
      const seen = () => lines.some((line) => line.msg === msg);
      while (!seen() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    };
    await logged('incoming request');
    socket.destroy();
    await logged('request aborted by the client');
    await app.close();
    const aborted = lines.find((line) => line.msg === 'request aborted by the client');
    assert.ok(aborted, JSON.stringify(lines));
    assert.equal(aborted.level, 30);
    assert.ok(!JSON.stringify(lines).includes('"stack"'), 'no stack anywhere');
    assert.ok(
      lines.every((line) => Number(line.level) < 50),
      'nothing logged as an error',
    );
  });
});
