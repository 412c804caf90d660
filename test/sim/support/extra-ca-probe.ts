/**
 * Child-process probe for media-extra-ca.test.ts: runs the simulator and a Baileys client that has
 * NO fetchAgent and NO dispatcher, so only NODE_EXTRA_CA_CERTS can make media work. Exit code 0
 * and "ok" on stdout when an upload and a download both succeeded.
 */
import assert from 'node:assert/strict';
import { downloadMediaMessage } from '@whiskeysockets/baileys';
import { startSimulator } from '../../../src/sim/simulator.ts';
import { waitForBaileysEvent } from './baileys-events.ts';
import { linkAndOpen } from './linked-device.ts';
import { silenceConsole } from './silence-console.ts';

const seed = process.argv[2] ?? 'extra-ca-probe';
silenceConsole();
const sim = await startSimulator({ rootSeed: seed });
const [alice, bob] = ['15550009101', '15550009102'];
sim.createPhone({ phoneNumber: alice, name: 'Alice' });
sim.createPhone({ phoneNumber: bob, name: 'Bob' });
const device = await linkAndOpen(sim, alice);
let code = 1;
try {
  const bytes = Buffer.from('media over the process-wide trust store '.repeat(50));
  const sent = await device.client.sock.sendMessage(`${bob}@s.whatsapp.net`, {
    document: bytes,
    fileName: 'a.txt',
    mimetype: 'text/plain',
  });
  const got = await sim.phone(bob).waitForMessage((m) => m.id === sent?.key.id);
  assert.equal(got.media?.bytes?.length, bytes.length);
  const upsert = waitForBaileysEvent(device.client.sock, 'messages.upsert', ({ messages }) =>
    messages.find((m) => m.message?.imageMessage),
  );
  await sim.phone(bob).sendMedia(alice, { kind: 'image', bytes, caption: 'probe' });
  assert.deepEqual(await downloadMediaMessage(await upsert, 'buffer', {}), bytes);
  process.stdout.write('ok\n');
  code = 0;
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
} finally {
  device.client.end();
  await sim.stop();
  // Baileys leaves timers behind after end().
  process.exit(code);
}
