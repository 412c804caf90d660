import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Semaphore } from './semaphore.ts';

test('the semaphore admits at most its limit and hands slots over in order', async () => {
  const slots = new Semaphore(2);
  const order: number[] = [];
  const a = await slots.acquire();
  const b = await slots.acquire();
  const c = slots.acquire().then((release) => {
    order.push(3);
    return release;
  });
  const d = slots.acquire().then((release) => {
    order.push(4);
    return release;
  });
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(order, [], 'third and fourth wait while two are held');
  a();
  a(); // releasing twice must not free a second slot
  await c;
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(order, [3]);
  b();
  (await d)();
  assert.deepEqual(order, [3, 4]);
});
