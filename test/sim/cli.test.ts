import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import { createServerKeys } from '../../src/sim/transport/root-key.ts';

/** Reads the first `count` stdout lines of the child, with a timeout. */
async function firstLines(child: ChildProcess, count: number, timeoutMs: number): Promise<string[]> {
  assert.ok(child.stdout);
  const lines: string[] = [];
  const reader = createInterface({ input: child.stdout });
  const timer = setTimeout(() => reader.close(), timeoutMs);
  try {
    for await (const line of reader) {
      lines.push(line);
      if (lines.length === count) break;
    }
  } finally {
    clearTimeout(timer);
    reader.close();
  }
  return lines;
}

describe('npm run sim (CLI)', () => {
  it('prints the three connection lines and serves the control API', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/sim/cli.ts', '--port', '0', '--root-seed', 'cli-test'],
      {
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
    try {
      const lines = await firstLines(child, 3, 15_000);
      assert.equal(lines.length, 3);
      const [ws, root, control] = lines;
      assert.match(ws ?? '', /^WA_WS_URL=ws:\/\/127\.0\.0\.1:\d+\/ws\/chat$/);
      assert.equal(root, `WA_ROOT_PUBLIC_KEY=${createServerKeys('cli-test').root.public.toString('hex')}`);
      assert.match(control ?? '', /^SIM_CONTROL_URL=http:\/\/127\.0\.0\.1:\d+\/sim$/);
      const controlUrl = (control ?? '').slice('SIM_CONTROL_URL='.length);
      const res = await fetch(`${controlUrl}/phones/123/devices`);
      assert.equal(res.status, 404);
      assert.deepEqual(await res.json(), { success: false, message: 'unknown phone 123' });
    } finally {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    }
  });

  it('rejects an unknown argument with exit code 2', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/sim/cli.ts', '--bogus'], { stdio: 'ignore' });
    const [code] = await once(child, 'exit');
    assert.equal(code, 2);
  });
});
