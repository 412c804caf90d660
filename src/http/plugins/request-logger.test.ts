import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import pino from 'pino';
import { DeferredChildLogger, requestChildLogger } from './request-logger.ts';

function capture(level: string) {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean))
        lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level }, stream), lines };
}

describe('requestChildLogger', () => {
  it('defers the child above info: info lines vanish, an error still carries the request id', () => {
    const { logger, lines } = capture('warn');
    const log = requestChildLogger(logger, { reqId: 'req-7' }, {});
    assert.ok(log instanceof DeferredChildLogger);
    log.info({ res: 1 }, 'request completed');
    log.debug('detail');
    assert.equal(lines.length, 0);
    log.error({ code: 'X' }, 'request failed');
    log.warn('slow');
    assert.deepEqual(
      lines.map((line) => [line.reqId, line.msg, line.level]),
      [
        ['req-7', 'request failed', 50],
        ['req-7', 'slow', 40],
      ],
    );
    assert.equal(lines[0]?.code, 'X');
    assert.equal(log.level, 'warn');
  });

  it('its own children keep the request id', () => {
    const { logger, lines } = capture('error');
    requestChildLogger(logger, { reqId: 'req-9' }, {}).child({ part: 'stream' }).error('boom');
    assert.deepEqual([lines[0]?.reqId, lines[0]?.part, lines[0]?.msg], ['req-9', 'stream', 'boom']);
  });

  it('is a real pino child when request lines are logged (info and below)', () => {
    const { logger, lines } = capture('info');
    const log = requestChildLogger(logger, { reqId: 'req-1' }, {});
    assert.ok(!(log instanceof DeferredChildLogger));
    log.info('incoming request');
    assert.deepEqual([lines[0]?.reqId, lines[0]?.msg], ['req-1', 'incoming request']);
  });
});
