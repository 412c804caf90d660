import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, test } from 'node:test';
import pino from 'pino';
import { BaileysLogTap } from './baileys-log-tap.ts';

/** A real pino logger writing JSON lines into an array. */
function capture(level = 'warn') {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level }, sink), lines };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('BaileysLogTap', () => {
  test('keeps the per-host cause of failed media uploads, and still logs them', async () => {
    const { logger, lines } = capture();
    const tap = new BaileysLogTap(() => assert.fail('no restart'));
    const baileys = tap.wrap(logger).child({ class: 'media' });
    const before = Date.now();
    const trace = 'Error: self-signed certificate\n    at TLSSocket.onConnectSecure (node:_tls_wrap:1677:34)';
    baileys.warn({ trace, uploadResult: undefined }, 'Error in uploading to 127.0.0.1:4443 ');
    baileys.warn({ trace: 'Error: Upload timeout\n    at …' }, 'Error in uploading to mmg.example.net , retrying...');
    baileys.warn({ other: true }, 'something else');
    const failures = tap.uploadFailuresSince(before).map(({ host, cause }) => ({ host, cause }));
    assert.deepEqual(failures, [
      { host: '127.0.0.1:4443', cause: 'self-signed certificate' },
      { host: 'mmg.example.net', cause: 'Upload timeout' },
    ]);
    assert.deepEqual(tap.uploadFailuresSince(Date.now() + 1_000), [], 'older failures are not blamed for a later send');
    await flush();
    assert.equal(lines.filter((line) => line.level === 40).length, 3, 'every warning is still logged');
    assert.equal(lines[0]?.class, 'media', 'child bindings are kept');
  });

  test('a 515 stream error goes to the restart callback, not the error log; other errors are logged', async () => {
    const { logger, lines } = capture();
    let restarts = 0;
    const baileys = new BaileysLogTap(() => restarts++).wrap(logger);
    baileys.error({ fullErrorNode: { tag: 'stream:error', attrs: { code: '515' } } }, 'stream errored out');
    baileys.error({ fullErrorNode: { tag: 'stream:error', attrs: { code: '503' } } }, 'stream errored out');
    baileys.error('plain text error');
    await flush();
    assert.equal(restarts, 1);
    assert.deepEqual(
      lines.map((line) => line.msg),
      ['stream errored out', 'plain text error'],
    );
  });

  test("the level is the wrapped logger's, both ways", () => {
    const { logger } = capture('warn');
    const baileys = new BaileysLogTap(() => undefined).wrap(logger);
    assert.equal(baileys.level, 'warn');
    baileys.level = 'error';
    assert.equal(logger.level, 'error');
  });
});
