import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  BLOCKED_ADDRESS,
  checkedAddresses,
  guardedLookup,
  isPublicAddress,
  withoutCredentials,
} from './outbound-address.ts';

describe('outbound address policy', () => {
  test('reserved IPv4 and IPv6 ranges are not public; ordinary unicast is', () => {
    const refused = [
      '127.0.0.1',
      '127.255.255.254',
      '0.0.0.0',
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '100.127.255.255',
      '224.0.0.1',
      '239.255.255.250',
      '255.255.255.255',
      '240.0.0.1',
      '192.0.2.1',
      '198.51.100.7',
      '203.0.113.9',
      '198.18.0.1',
      '192.0.0.8',
      '::1',
      '::',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '::127.0.0.1',
      'fc00::1',
      'fd12:3456::1',
      'fe80::1',
      'ff02::1',
      '2001:db8::1',
      '2002:7f00:1::',
      '64:ff9b::7f00:1',
      '2001::1',
      'not-an-address',
      '',
    ];
    for (const address of refused) assert.equal(isPublicAddress(address), false, address);
    for (const address of [
      '93.184.216.34',
      '8.8.8.8',
      '172.32.0.1',
      '100.128.0.1',
      '2606:4700::1111',
      '2a00:1450::1',
    ]) {
      assert.equal(isPublicAddress(address), true, address);
    }
  });

  test('a name is refused when any of its addresses is private; an IP literal is checked without DNS', async () => {
    const resolve = async (name: string) =>
      name === 'mixed.test'
        ? [
            { address: '93.184.216.34', family: 4 },
            { address: '10.0.0.5', family: 4 },
          ]
        : [{ address: '93.184.216.34', family: 4 }];
    const off = { allowPrivate: false, resolve };
    await assert.rejects(checkedAddresses('mixed.test', off), { code: BLOCKED_ADDRESS });
    assert.deepEqual(await checkedAddresses('public.test', off), [{ address: '93.184.216.34', family: 4 }]);
    await assert.rejects(checkedAddresses('[::1]', off), { code: BLOCKED_ADDRESS });
    assert.equal((await checkedAddresses('mixed.test', { ...off, allowPrivate: true })).length, 2);
  });

  test('the socket lookup answers only the checked address, in both callback shapes', async () => {
    const lookup = guardedLookup({ allowPrivate: false, resolve: async () => [{ address: '127.0.0.1', family: 4 }] });
    const err = await new Promise<NodeJS.ErrnoException | null>((resolve) =>
      lookup('rebind.test', {}, (e) => resolve(e)),
    );
    assert.equal(err?.code, BLOCKED_ADDRESS);
    const widened = guardedLookup({
      allowPrivate: false,
      resolve: async () => [{ address: '127.0.0.2', family: 4 }],
      isPublic: (address) => address === '127.0.0.2',
    });
    const one = await new Promise((resolve) =>
      widened('ok.test', {}, (e, address, family) => resolve([e, address, family])),
    );
    assert.deepEqual(one, [null, '127.0.0.2', 4]);
    const all = await new Promise((resolve) =>
      widened('ok.test', { all: true }, (e, addresses) => resolve([e, addresses])),
    );
    assert.deepEqual(all, [null, [{ address: '127.0.0.2', family: 4 }]]);
  });

  test('credentials in a URL are never shown back', () => {
    assert.equal(
      withoutCredentials('https://user:pass@hooks.example.test/in?x=1'),
      'https://***:***@hooks.example.test/in?x=1',
    );
    assert.equal(withoutCredentials('https://token@hooks.example.test/'), 'https://***@hooks.example.test/');
    assert.equal(withoutCredentials('https://hooks.example.test/in'), 'https://hooks.example.test/in');
  });
});
