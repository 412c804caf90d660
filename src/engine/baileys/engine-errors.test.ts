import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AppError } from '../../errors/app-error.ts';
import { explainEngineError } from './engine-errors.ts';

/** The shape of Baileys' errors (@hapi/boom, a dependency of Baileys, not of ours): a message and output.statusCode. */
const boom = (message: string, statusCode: number) =>
  Object.assign(new Error(message), { isBoom: true, output: { statusCode } });

describe('explainEngineError', () => {
  test('a media upload that failed on every host is a 502 naming each host and its cause', () => {
    const err = explainEngineError(boom('Media upload failed on all hosts', 500), 'send', [
      { host: '127.0.0.1:4443', cause: 'self-signed certificate', at: 1 },
      { host: 'mmg.example:443', cause: 'Upload timeout', at: 2 },
    ]);
    assert.equal(err.code, 'MEDIA_UPLOAD_FAILED');
    assert.equal(err.status, 502);
    assert.equal(
      err.detail,
      'media upload failed on all hosts (127.0.0.1:4443: self-signed certificate; mmg.example:443: Upload timeout)',
    );
  });

  test('time-outs are 504, a closed connection 409, other Boom errors 502 with their message', () => {
    assert.equal(explainEngineError(boom('Timed Out', 408), 'contact lookup').status, 504);
    const closed = explainEngineError(boom('Connection Closed', 428), 'send');
    assert.deepEqual(
      [closed.code, closed.detail],
      ['SESSION_NOT_AUTHENTICATED', 'send: the connection to WhatsApp closed'],
    );
    const other = explainEngineError(boom('not-acceptable', 406), 'presence');
    assert.deepEqual([other.code, other.detail], ['ENGINE_FAILURE', 'presence: not-acceptable (406)']);
  });

  test('an AppError passes through; a plain error is a 502 whose text stays in the log', () => {
    const own = new AppError('MESSAGE_NOT_FOUND');
    assert.equal(explainEngineError(own, 'send'), own);
    const plain = explainEngineError(new Error('SQLITE_BUSY: database is locked'), 'send');
    assert.equal(plain.code, 'ENGINE_FAILURE');
    assert.doesNotMatch(plain.detail ?? '', /SQLITE/);
  });
});
