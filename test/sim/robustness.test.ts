import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { startSimulator, type Simulator } from '../../src/sim/simulator.ts';
import { linkAndOpen } from './support/linked-device.ts';
import { silenceConsole } from './support/silence-console.ts';

/** Opens a raw WebSocket, sends `messages`, resolves with the close code (the server drops bad clients). */
async function sendRaw(url: string, messages: Buffer[]): Promise<number> {
  const ws = new WebSocket(url, { origin: 'https://web.whatsapp.com' });
  await once(ws, 'open');
  const closed = once(ws, 'close');
  for (const message of messages) ws.send(message);
  const timer = setTimeout(() => ws.terminate(), 5_000);
  const [code] = (await closed) as [number];
  clearTimeout(timer);
  return code;
}

describe('robustness against malformed clients', () => {
  let sim: Simulator;
  let restoreConsole: () => void;

  before(async () => {
    restoreConsole = silenceConsole();
    sim = await startSimulator({ port: 0, rootSeed: 'robustness-test' });
  });
  after(async () => {
    await sim.stop();
    restoreConsole();
  });

  it('drops a client whose first message has no WA intro', async () => {
    assert.equal(await sendRaw(sim.wsUrl, [Buffer.from('garbage without intro')]), 1006);
  });

  it('drops a client whose ClientHello is not a HandshakeMessage', async () => {
    const frame = Buffer.concat([
      Buffer.from([0x57, 0x41, 6, 3, 0, 0, 5]),
      Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff]),
    ]);
    assert.equal(await sendRaw(sim.wsUrl, [frame]), 1006);
  });

  it('drops an upgrade on another path without answering it', async () => {
    const ws = new WebSocket(sim.wsUrl.replace('/ws/chat', '/elsewhere'));
    const [err] = (await once(ws, 'error')) as [Error];
    assert.match(err.message, /socket hang up|ECONNRESET/);
  });

  it('still links and opens a real client afterwards', async () => {
    sim.createPhone({ phoneNumber: '15550006001', name: 'Kai' });
    const { client } = await linkAndOpen(sim, '15550006001');
    client.end();
  });
});
