import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { presentedKey } from './auth.ts';

describe('presentedKey (from raw header pairs)', () => {
  it('reads a Bearer key, whatever the case of the header name and scheme', () => {
    assert.equal(presentedKey(['Host', 'x', 'Authorization', 'Bearer k1']), 'k1');
    assert.equal(presentedKey(['authorization', 'bearer k2']), 'k2');
    assert.equal(presentedKey(['AUTHORIZATION', 'BEARER   k3  ']), 'k3');
  });

  it('reads X-API-Key when there is no Authorization header', () => {
    assert.equal(presentedKey(['X-Api-Key', 'k4', 'Accept', '*/*']), 'k4');
    assert.equal(presentedKey(['x-api-key', 'k5']), 'k5');
  });

  it('refuses what is not exactly one key', () => {
    assert.equal(presentedKey([]), undefined);
    assert.equal(presentedKey(['Authorization', 'Basic abc']), undefined);
    assert.equal(presentedKey(['Authorization', 'Bearer ']), undefined);
    assert.equal(presentedKey(['Authorization', 'Bearer a b']), undefined);
    assert.equal(presentedKey(['Authorization', 'k6']), undefined);
    assert.equal(presentedKey(['X-API-Key', 'k7', 'x-api-key', 'k7']), undefined, 'a repeated X-API-Key is refused');
    // An Authorization header decides alone, as before: a bad one is not rescued by X-API-Key.
    assert.equal(presentedKey(['Authorization', 'Basic abc', 'X-API-Key', 'k8']), undefined);
  });

  it('takes the first Authorization header, as Node does', () => {
    assert.equal(presentedKey(['Authorization', 'Bearer first', 'Authorization', 'Bearer second']), 'first');
  });

  it('ignores look-alike header names', () => {
    assert.equal(presentedKey(['Authorizations', 'Bearer k9', 'X-API-Keys', 'k9']), undefined);
  });
});
