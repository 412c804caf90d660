import assert from 'node:assert/strict';
import { AsyncLocalStorage as ImportedBefore } from 'node:async_hooks';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { installSharedAsyncLocalStorage, MultiplexedAsyncLocalStorage } from './shared-async-local-storage.ts';

const require = createRequire(import.meta.url);
/** Node's own class, captured before the install test replaces the export. */
const NativeAsyncLocalStorage = ImportedBefore;

describe('MultiplexedAsyncLocalStorage', () => {
  it('keeps each instance’s store through awaits, timers and nesting, and isolates instances', async () => {
    const a = new MultiplexedAsyncLocalStorage<string>();
    const b = new MultiplexedAsyncLocalStorage<string>();
    assert.equal(a.getStore(), undefined);
    await a.run('a1', async () => {
      await sleep(1);
      assert.equal(a.getStore(), 'a1');
      assert.equal(b.getStore(), undefined);
      await b.run('b1', async () => {
        await Promise.resolve();
        assert.deepEqual([a.getStore(), b.getStore()], ['a1', 'b1']);
        await a.run('a2', async () => {
          await new Promise((resolve) => setTimeout(resolve, 1));
          assert.deepEqual([a.getStore(), b.getStore()], ['a2', 'b1']);
        });
        assert.equal(a.getStore(), 'a1');
        a.exit(() => assert.deepEqual([a.getStore(), b.getStore()], [undefined, 'b1']));
      });
      assert.equal(b.getStore(), undefined);
    });
    assert.equal(a.getStore(), undefined);
  });

  it('keeps concurrent runs of one instance apart', async () => {
    const storage = new MultiplexedAsyncLocalStorage<number>();
    const seen = await Promise.all(
      [1, 2, 3].map((n) =>
        storage.run(n, async () => {
          await sleep(4 - n);
          return storage.getStore();
        }),
      ),
    );
    assert.deepEqual(seen, [1, 2, 3]);
  });

  it('passes arguments and return values through, and disable() hides the store until the next run', () => {
    const storage = new MultiplexedAsyncLocalStorage<string>();
    assert.equal(
      storage.run('s', (x: number, y: number) => `${storage.getStore()}${x + y}`, 1, 2),
      's3',
    );
    storage.run('s', () => {
      storage.disable();
      assert.equal(storage.getStore(), undefined);
    });
    storage.enterWith('e');
    assert.equal(storage.getStore(), 'e');
  });

  it('once installed, every way of importing AsyncLocalStorage gets it, and Node tracks one storage for any number of instances', async () => {
    installSharedAsyncLocalStorage();
    installSharedAsyncLocalStorage();
    const esm = (await import('node:async_hooks')).AsyncLocalStorage;
    assert.equal(esm, MultiplexedAsyncLocalStorage);
    assert.equal(require('node:async_hooks').AsyncLocalStorage, MultiplexedAsyncLocalStorage);
    assert.equal(ImportedBefore, MultiplexedAsyncLocalStorage, 'live ESM binding updated');
    // Native storages each add a property to every promise; these add none beyond the first.
    const first = new esm<number>();
    const before = first.run(0, () => Object.getOwnPropertySymbols(Promise.resolve()).length);
    const instances = Array.from({ length: 50 }, () => new esm<number>());
    for (const [i, storage] of instances.entries()) storage.run(i, () => undefined);
    const after = instances[7]!.run(7, () => Object.getOwnPropertySymbols(Promise.resolve()).length);
    assert.equal(after, before);
    // The same check fails for native storages, which is what this module is for.
    const natives = Array.from({ length: 5 }, () => new NativeAsyncLocalStorage<number>());
    for (const storage of natives) storage.run(1, () => undefined);
    assert.equal(
      natives[0]!.run(1, () => Object.getOwnPropertySymbols(Promise.resolve()).length),
      before + 5,
    );
  });
});
