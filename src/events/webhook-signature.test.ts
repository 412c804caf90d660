import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { generateWebhookSecret, isStandardSecret, secretKey, signWebhook } from './webhook-signature.ts';

describe('Standard Webhooks signing', () => {
  test('matches the published Standard Webhooks example', () => {
    const headers = signWebhook(
      'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      'msg_p5jXN8AQM9LWM0D4loKWxJek',
      1614265330,
      '{"test": 2432232314}',
    );
    assert.deepEqual(headers, {
      'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      'webhook-timestamp': '1614265330',
      'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    });
  });

  test('any change of id, timestamp, body or secret changes the signature', () => {
    const secret = generateWebhookSecret();
    const base = signWebhook(secret, 'evt_1', 100, '{}')['webhook-signature'];
    assert.notEqual(signWebhook(secret, 'evt_2', 100, '{}')['webhook-signature'], base);
    assert.notEqual(signWebhook(secret, 'evt_1', 101, '{}')['webhook-signature'], base);
    assert.notEqual(signWebhook(secret, 'evt_1', 100, '{ }')['webhook-signature'], base);
    assert.notEqual(signWebhook(generateWebhookSecret(), 'evt_1', 100, '{}')['webhook-signature'], base);
  });

  test('secrets: generated ones are standard; raw strings are their UTF-8 bytes', () => {
    const secret = generateWebhookSecret();
    assert.match(secret, /^whsec_[A-Za-z0-9+/]+=*$/);
    assert.ok(isStandardSecret(secret));
    assert.equal(secretKey(secret).length, 32);
    assert.deepEqual(secretKey('plain-old-secret-16'), Buffer.from('plain-old-secret-16'));
    for (const bad of [
      'plain-old-secret-16',
      'whsec_',
      'whsec_abc',
      `whsec_${Buffer.alloc(8).toString('base64')}`,
      `whsec_${Buffer.alloc(65).toString('base64')}`,
      'whsec_****',
    ]) {
      assert.equal(isStandardSecret(bad), false, bad);
    }
  });
});
