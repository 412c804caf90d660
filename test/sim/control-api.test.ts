import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DisconnectReason } from '@whiskeysockets/baileys';
import { startSimulator, type Simulator } from '../../src/sim/simulator.ts';
import { connectClient } from './support/baileys-client.ts';
import { createMemoryAuth } from './support/memory-auth.ts';
import { silenceConsole } from './support/silence-console.ts';

interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

describe('control API', () => {
  let sim: Simulator;
  let restoreConsole: () => void;

  async function call(method: string, path: string, body?: unknown): Promise<Answer> {
    const res = await fetch(`${sim.controlUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  before(async () => {
    restoreConsole = silenceConsole();
    sim = await startSimulator({ port: 0, rootSeed: 'control-api-test' });
  });
  after(async () => {
    await sim.stop();
    restoreConsole();
  });

  it('creates a phone, scans a QR, lists and deletes the device', async () => {
    const created = await call('POST', '/phones', { phoneNumber: '15550004001', name: 'Hana', platform: 'android' });
    assert.equal(created.status, 201);
    assert.equal(created.body.success, true);

    const auth = createMemoryAuth();
    const registering = connectClient(sim, auth);
    const { qr } = await registering.waitForUpdate((u) => typeof u.qr === 'string');
    const restart = registering.waitForClose();
    const scanned = await call('POST', '/phones/15550004001/scan', { qr });
    assert.equal(scanned.status, 200);
    assert.equal(await restart, DisconnectReason.restartRequired);
    registering.end();
    const device = scanned.body.device as { jid: string; deviceId: number };
    assert.equal(device.jid, '15550004001:1@s.whatsapp.net');

    const client = connectClient(sim, auth);
    try {
      await client.waitForUpdate((u) => u.connection === 'open');
      const listed = await call('GET', '/phones/15550004001/devices');
      const devices = listed.body.devices as { deviceId: number; status: string; online: boolean }[];
      assert.deepEqual(
        devices.map((d) => [d.deviceId, d.status, d.online]),
        [[1, 'linked', true]],
      );
      const fault = await call('POST', '/faults', { jid: device.jid, kind: 'stream-error', code: 503 });
      assert.equal(fault.status, 200);
      assert.equal(await client.waitForClose(), DisconnectReason.unavailableService);
    } finally {
      client.end();
    }

    const again = connectClient(sim, auth);
    try {
      await again.waitForUpdate((u) => u.connection === 'open');
      const closed = again.waitForClose();
      const deleted = await call('DELETE', `/phones/15550004001/devices/${device.deviceId}`);
      assert.equal(deleted.status, 200);
      assert.equal(await closed, DisconnectReason.loggedOut);
    } finally {
      again.end();
    }
  });

  const badInputs: [string, string, string, unknown, number, RegExp][] = [
    ['unknown phone', 'POST', '/phones/19999999999/scan', { qr: 'x' }, 404, /unknown phone/],
    ['malformed QR', 'POST', '/phones/15550004002/scan', { qr: 'https://example.com/#a,b' }, 400, /malformed QR/],
    [
      'QR for no companion',
      'POST',
      '/phones/15550004002/scan',
      {
        qr: `https://wa.me/settings/linked_devices#2@nope,${'A'.repeat(43)}=,${'A'.repeat(43)}=,${'A'.repeat(43)}=,1`,
      },
      404,
      /unknown or expired ref/,
    ],
    ['missing qr', 'POST', '/phones/15550004002/scan', {}, 400, /qr must be/],
    ['bad JSON', 'POST', '/phones', '{"phoneNumber":', 400, /not valid JSON/],
    ['JSON array', 'POST', '/phones', '[1]', 400, /JSON object/],
    ['bad phone number', 'POST', '/phones', { phoneNumber: 'abc', name: 'x' }, 400, /phoneNumber/],
    [
      'unknown platform',
      'POST',
      '/phones',
      { phoneNumber: '15550004003', name: 'x', platform: 'nokia' },
      400,
      /platform/,
    ],
    ['duplicate phone', 'POST', '/phones', { phoneNumber: '15550004002', name: 'again' }, 409, /already exists/],
    [
      'unknown fault kind',
      'POST',
      '/faults',
      { jid: '15550004002:1@s.whatsapp.net', kind: 'meteor' },
      400,
      /kind must be/,
    ],
    [
      'fault for unknown device',
      'POST',
      '/faults',
      { jid: '15550004002:7@s.whatsapp.net', kind: 'drop-tcp' },
      404,
      /unknown device/,
    ],
    [
      'bad failure code',
      'POST',
      '/faults',
      { jid: '15550004001:1@s.whatsapp.net', kind: 'failure', code: 200 },
      400,
      /failure code/,
    ],
    ['unknown device id', 'DELETE', '/phones/15550004002/devices/9', undefined, 404, /no device 9/],
    ['unknown route', 'GET', '/nowhere', undefined, 404, /no such route/],
  ];
  for (const [name, method, path, body, status, message] of badInputs) {
    it(`bad input: ${name} → ${status}`, async () => {
      if (!sim.phones().some((p) => p.phoneNumber === '15550004002')) {
        sim.createPhone({ phoneNumber: '15550004002', name: 'Ivy' });
      }
      const answer = await call(method, path, body);
      assert.equal(answer.status, status);
      assert.equal(answer.body.success, false);
      assert.match(String(answer.body.message), message);
    });
  }

  it('still serves after bad input', async () => {
    const answer = await call('GET', '/phones/15550004002/devices');
    assert.equal(answer.status, 200);
  });
});
