import assert from 'node:assert/strict';
import { MessageChannel } from 'node:worker_threads';
import { describe, test } from 'node:test';
import { AppError } from '../../errors/app-error.ts';
import { RpcChannel } from './rpc.ts';

function pair() {
  const { port1, port2 } = new MessageChannel();
  port1.unref();
  port2.unref();
  return { a: new RpcChannel(port1), b: new RpcChannel(port2) };
}

describe('RpcChannel over a real MessageChannel', () => {
  test('calls go both ways; values cross by structured clone', async () => {
    const { a, b } = pair();
    b.handle<{ n: number }, number>('double', ({ n }) => n * 2);
    a.handle<{ ids: string[] }, Map<string, string>>(
      'keys',
      async ({ ids }) => new Map(ids.map((id) => [id, `v-${id}`])),
    );
    assert.equal(await a.call('double', { n: 21 }), 42);
    assert.deepEqual(
      await b.call('keys', { ids: ['x', 'y'] }),
      new Map([
        ['x', 'v-x'],
        ['y', 'v-y'],
      ]),
    );
    const bytes = await (b.handle('echo', (u8: Uint8Array) => u8), a.call<Uint8Array>('echo', Buffer.from('héllo')));
    assert.equal(Buffer.from(bytes).toString(), 'héllo');
  });

  test('an AppError arrives as the same AppError; other errors as plain Errors; unknown ops fail', async () => {
    const { a, b } = pair();
    b.handle('missing', () => {
      throw new AppError('MESSAGE_NOT_FOUND', 'no stored message X');
    });
    b.handle('broken', async () => {
      throw new TypeError('boom');
    });
    const err = await a.call('missing', {}).catch((e: unknown) => e);
    assert.ok(err instanceof AppError);
    assert.equal(err.code, 'MESSAGE_NOT_FOUND');
    assert.equal(err.status, 404);
    assert.equal(err.detail, 'no stored message X');
    const plain = await a.call('broken', {}).catch((e: unknown) => e);
    assert.ok(plain instanceof Error && !(plain instanceof AppError));
    assert.equal(plain.message, 'boom');
    await assert.rejects(a.call('nothing-here', {}), /no handler for nothing-here/);
  });

  test('frames of one event-loop iteration cross as one message', async () => {
    const { port1, port2 } = new MessageChannel();
    port1.unref();
    port2.unref();
    let posted = 0;
    const post = port1.postMessage.bind(port1);
    port1.postMessage = (message: unknown) => {
      posted++;
      post(message);
    };
    const a = new RpcChannel(port1);
    const b = new RpcChannel(port2);
    b.handle<number, number>('inc', (n) => n + 1);
    const answers = await Promise.all([a.call('inc', 1), a.call('inc', 2), a.call('inc', 3)]);
    assert.deepEqual(answers, [2, 3, 4]);
    assert.equal(posted, 1, 'three calls, one postMessage');
  });

  test('notes arrive in order with no answer; a closed channel fails waiting and later calls', async () => {
    const { a, b } = pair();
    const seen: number[] = [];
    const done = new Promise<void>((resolve) =>
      b.handle<number, void>('tick', (n) => void (seen.push(n) === 3 && resolve())),
    );
    a.notify('tick', 1);
    a.notify('tick', 2);
    a.notify('tick', 3);
    await done;
    assert.deepEqual(seen, [1, 2, 3]);

    b.handle('never', () => new Promise(() => undefined));
    const waiting = a.call('never', {});
    a.close(new AppError('ENGINE_FAILURE', 'the engine worker stopped'));
    await assert.rejects(waiting, (e: unknown) => e instanceof AppError && e.code === 'ENGINE_FAILURE');
    await assert.rejects(a.call('never', {}), (e: unknown) => e instanceof AppError && e.code === 'ENGINE_FAILURE');
  });
});
