import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createMediaStore } from './media-store.ts';

describe('media store', () => {
  it('finds a blob by direct path or URL path (query ignored) and evicts the oldest past the byte cap', () => {
    const store = createMediaStore(250);
    const first = store.put('image', Buffer.alloc(100, 1));
    const second = store.put('audio', Buffer.alloc(100, 2));
    assert.match(first, /^\/v\/t62\.7118-24\/[0-9a-f]{24}_n\.enc\?ccb=11-4&/);
    assert.equal(store.get(second.split('?')[0] ?? '')?.kind, 'audio');
    assert.equal(store.get(`${second}&mms3=true`)?.blob[0], 2);
    store.put('video', Buffer.alloc(100, 3));
    assert.equal(store.get(first), undefined, 'the oldest blob went first');
    assert.equal(store.size, 2);
    assert.equal(store.bytes, 200);
  });

  it('keeps a single blob larger than the cap (the newest is never evicted)', () => {
    const store = createMediaStore(10);
    const path = store.put('document', Buffer.alloc(50));
    assert.equal(store.get(path)?.blob.length, 50);
  });
});
