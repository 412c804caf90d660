import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { createRowCipher, RowCipherError, SEALED_PREFIX } from './row-cipher.ts';

const ivOf = (sealed: string) => Buffer.from(sealed.slice(sealed.lastIndexOf(':') + 1), 'base64').subarray(0, 12);

test('sealed values open with the same associated data, and never with another', () => {
  const cipher = createRowCipher(randomBytes(32));
  const sealed = cipher.seal('auth_keys\0s1\0session\0a', '{"secret":"x"}');
  assert.ok(sealed.startsWith(`${SEALED_PREFIX}${cipher.keyId}:`));
  assert.equal(cipher.open('auth_keys\0s1\0session\0a', sealed), '{"secret":"x"}');
  assert.throws(() => cipher.open('auth_keys\0s2\0session\0a', sealed), RowCipherError);
});

test('every seal gets its own IV, also across refills of the IV pool', () => {
  const cipher = createRowCipher(randomBytes(32));
  const seen = new Set<string>();
  // More than several pools' worth of IVs (512 per pool).
  for (let i = 0; i < 3_000; i++) seen.add(ivOf(cipher.seal('aad', 'same text')).toString('hex'));
  assert.equal(seen.size, 3_000);
});

test('the same text sealed twice gives two different ciphertexts', () => {
  const cipher = createRowCipher(randomBytes(32));
  assert.notEqual(cipher.seal('aad', 'hello'), cipher.seal('aad', 'hello'));
});
