import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type BinaryNode, S_WHATSAPP_NET } from '@whiskeysockets/baileys';
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

  it('keep-alive ping, dirty-bits clean and an app-state sync echo', async () => {
    const { sock } = device.client;
    const iq = (xmlns: string, type: string, content: { tag: string; attrs: Record<string, string> }[]) =>
      sock.query({ tag: 'iq', attrs: { to: S_WHATSAPP_NET, type, xmlns }, content });
    assert.equal((await iq('w:p', 'get', [{ tag: 'ping', attrs: {} }])).attrs.type, 'result');
    assert.equal(
      (await iq('urn:xmpp:whatsapp:dirty', 'set', [{ tag: 'clean', attrs: { type: 'account_sync' } }])).attrs.type,
      'result',
    );
    const synced = await sock.query({
      tag: 'iq',
      attrs: { to: S_WHATSAPP_NET, type: 'set', xmlns: 'w:sync:app:state' },
      content: [
        {
          tag: 'sync',
          attrs: {},
          content: ['regular', 'critical_block'].map((name) => ({ tag: 'collection', attrs: { name, version: '3' } })),
        },
      ],
    });
    const sync = Array.isArray(synced.content) ? synced.content[0] : undefined;
    const collections = Array.isArray(sync?.content)
      ? sync.content.map((c: BinaryNode) => [c.attrs.name, c.attrs.version])
      : [];
    assert.deepEqual(collections, [
      ['regular', '3'],
      ['critical_block', '3'],
    ]);
  });

  it('a profile picture is item-not-found', async () => {
    await assert.rejects(device.client.sock.profilePictureUrl('15550007001@s.whatsapp.net'), /item-not-found/);
  });

  it('an unknown iq gets a 501 error', async () => {
    const { sock } = device.client;
    await assert.rejects(
      sock.query({
        tag: 'iq',
        attrs: { to: S_WHATSAPP_NET, type: 'get', xmlns: 'sim:nothing' },
        content: [{ tag: 'x', attrs: {} }],
      }),
      /feature-not-implemented/,
    );
  });
});
