import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { freePort } from '../support/free-port.ts';
import { ROOT } from '../support/gateway-command.ts';
import { tempDir } from '../support/test-databases.ts';

/** A bound so that a tour that gets stuck fails the test instead of hanging it (not a performance assertion). */
const TOUR_BOUND_MS = 120_000;

/** The README's tour: the one bash block between `<!-- tour -->` and `<!-- /tour -->`, exactly as written. */
function readmeTour(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = /<!-- tour -->\n```bash\n([\s\S]*?)```\n<!-- \/tour -->/.exec(readme);
  assert.ok(section?.[1], 'README.md has a tour block');
  return section[1];
}

const listening = (url: string): Promise<boolean> =>
  fetch(url).then(
    () => true,
    () => false,
  );

describe('the README tour', () => {
  test('runs as written: simulator, gateway, QR link, a text to the contact, the reply on SSE', async () => {
    const scratch = tempDir('wagate-tour-');
    const script = join(scratch, 'tour.sh');
    writeFileSync(script, readmeTour());
    const [simPort, port] = [await freePort(), await freePort()];
    // Its own process group, so that a tour which fails half-way can be stopped with everything it started.
    const tour = spawn('bash', ['-e', '-o', 'pipefail', script], {
      cwd: ROOT,
      detached: true,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        TMPDIR: scratch,
        SIM_PORT: String(simPort),
        PORT: String(port),
        // The suite's second pass (scripts/test.sh) runs the engine in worker threads.
        ...(process.env.WAGATE_TEST_ENGINE_THREADS !== undefined
          ? { ENGINE_THREADS: process.env.WAGATE_TEST_ENGINE_THREADS }
          : {}),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    tour.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    tour.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => tour.once('exit', (code) => resolve(code)));
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<'stuck'>((resolve) => {
      timer = setTimeout(() => resolve('stuck'), TOUR_BOUND_MS);
    });
    const outcome = await Promise.race([exited, bound]).finally(() => clearTimeout(timer));
    const work = readdirSync(scratch).find((name) => name.startsWith('tmp.'));
    const gatewayLog = work ? readFileSync(join(scratch, work, 'gateway.log'), 'utf8').slice(-3000) : '';
    const report = `stdout:\n${stdout}\nstderr:\n${stderr}\ngateway log (end):\n${gatewayLog}`;
    if (outcome === 'stuck' && tour.pid) process.kill(-tour.pid, 'SIGTERM');
    assert.equal(outcome, 0, report);

    assert.match(stdout, /"message":"Session created successfully"/, report);
    assert.match(stdout, /"message":"Connected sessions with credentials retrieved successfully"/);
    assert.match(
      stdout,
      /"userInfo":\{"phoneNumber":"15550001111","name":"Alice"/,
      'the linked session lists its credentials',
    );
    assert.match(stdout, /"message":"Message sent successfully"/);
    assert.match(stdout, /^Bob received: Hello Bob!$/m, 'the contact read the text');
    const reply = /^data: (.*Hi Alice!.*)$/m.exec(stdout)?.[1];
    assert.ok(reply, `the reply arrived on the event stream\n${report}`);
    const event = JSON.parse(reply);
    assert.equal(event.type, 'message.received');
    assert.equal(event.data.text, 'Hi Alice!');

    assert.equal(await listening(`http://127.0.0.1:${port}/health`), false, 'the gateway was stopped');
    assert.equal(await listening(`http://127.0.0.1:${simPort}/sim/phones`), false, 'the simulator was stopped');
  });
});
