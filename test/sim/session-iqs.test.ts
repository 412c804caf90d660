import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { S_WHATSAPP_NET } from '@whiskeysockets/baileys';
import { startSimulator, type Simulator } from '../../src/sim/simulator.ts';
import { linkAndOpen, type OpenDevice } from './support/linked-device.ts';
import { silenceConsole } from './support/silence-console.ts';

// Each query would run into Baileys' 5 s query timeout (see connectClient) if the simulator did not answer.
describe('iqs around open are answered (fact sheet Appendix A)', () => {
  let sim: Simulator;
  let device: OpenDevice;
  let restoreConsole: () => void;

  before(async () => {
    restoreConsole = silenceConsole();
    sim = await startSimulator({ port: 0, rootSeed: 'session-iqs-test' });
    sim.createPhone({ phoneNumber: '15550007001', name: 'Lea' });
    device = await linkAndOpen(sim, '15550007001');
  });
  after(async () => {
    device.client.end();
    await sim.stop();
    restoreConsole();
  });

  it('blocklist, privacy settings, profile status and w:stats', async () => {
    const { sock } = device.client;
    assert.deepEqual(await sock.fetchBlocklist(), []);
    const privacy = await sock.fetchPrivacySettings(true);
    assert.equal(privacy.readreceipts, 'all');
    await sock.updateProfileStatus('busy simulating');
    const stats = await sock.sendWAMBuffer(Buffer.from([1, 2, 3]));
    assert.equal(stats.attrs.type, 'result');
  });

  it('a profile picture is item-not-found', async () => {
    await assert.rejects(device.client.sock.profilePictureUrl('15550007001@s.whatsapp.net'), /item-not-found/);
  });

  it('an unknown iq gets a 501 error', async () => {
    const { sock } = device.client;
    await assert.rejects(
      sock.query({ tag: 'iq', attrs: { to: S_WHATSAPP_NET, type: 'get', xmlns: 'sim:nothing' }, content: [{ tag: 'x', attrs: {} }] }),
      /feature-not-implemented/,
    );
  });
});
