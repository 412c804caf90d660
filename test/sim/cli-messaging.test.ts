import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import type { Simulator } from '../../src/sim/simulator.ts';
import { connectClient } from './support/baileys-client.ts';
import { createMemoryAuth } from './support/memory-auth.ts';
import { silenceConsole } from './support/silence-console.ts';

const post = (url: string, body: unknown) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('npm run sim (CLI) with messaging', () => {
  it('links, exchanges texts both ways and keeps stdout to the three connection lines (no libsignal output)', async () => {
    const restoreConsole = silenceConsole();
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/sim/cli.ts', '--port', '0', '--root-seed', 'cli-messaging'],
      {
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    const auth = createMemoryAuth();
    const clients: { end(): void }[] = [];
    try {
      for (let i = 0; i < 750 && !stdout.includes('SIM_CONTROL_URL='); i++) await new Promise((r) => setTimeout(r, 20));
      const value = (name: string): string => new RegExp(`${name}=(\\S+)`).exec(stdout)?.[1] ?? '';
      const control = value('SIM_CONTROL_URL');
      assert.ok(control, 'the CLI printed its connection lines');
      // connectClient reads only these two fields of a Simulator.
      const sim = {
        wsUrl: value('WA_WS_URL'),
        rootPublicKey: Buffer.from(value('WA_ROOT_PUBLIC_KEY'), 'hex'),
      } as Simulator;
      assert.equal((await post(`${control}/phones`, { phoneNumber: '15550008001', name: 'Ann' })).status, 201);
      assert.equal((await post(`${control}/phones`, { phoneNumber: '15550008002', name: 'Cid' })).status, 201);

      const registering = connectClient(sim, auth);
      clients.push(registering);
      const { qr } = await registering.waitForUpdate((u) => typeof u.qr === 'string');
      const closed = registering.waitForClose();
      assert.equal((await post(`${control}/phones/15550008001/scan`, { qr })).status, 200);
      assert.equal(await closed, 515);
      registering.end();
      const device = connectClient(sim, auth);
      clients.push(device);
      await device.waitForUpdate((u) => u.connection === 'open');

      // Each round re-keys sessions on both sides, which is when libsignal logs sessions.
      for (let round = 0; round < 3; round++) {
        await device.sock.sendMessage('15550008002@s.whatsapp.net', { text: `to Cid ${round}` });
        assert.equal(
          (await post(`${control}/phones/15550008002/messages`, { to: '15550008001', text: `to Ann ${round}` })).status,
          201,
        );
      }
      let texts: string[] = [];
      for (let i = 0; i < 250 && texts.length < 3; i++) {
        const body = (await (await fetch(`${control}/phones/15550008002/messages`)).json()) as {
          messages: { text: string }[];
        };
        texts = body.messages.map((m) => m.text);
        if (texts.length < 3) await new Promise((r) => setTimeout(r, 20));
      }
      assert.deepEqual(texts, ['to Cid 0', 'to Cid 1', 'to Cid 2']);
      assert.deepEqual(
        stdout
          .trim()
          .split('\n')
          .map((line) => line.split('=')[0]),
        ['WA_WS_URL', 'WA_ROOT_PUBLIC_KEY', 'SIM_CONTROL_URL'],
      );
    } finally {
      for (const client of clients) client.end();
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
      restoreConsole();
    }
  });
});
