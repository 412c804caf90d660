import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { freePort } from '../support/free-port.ts';
import { ROOT } from '../support/gateway-command.ts';
import { tempDir } from '../support/test-databases.ts';

/** A bound so that a process that does not stop fails the test instead of hanging it (not a performance assertion). */
const STOP_BOUND_MS = 10_000;

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** The PIDs of a process's direct children (Linux). */
const childrenOf = (pid: number): number[] =>
  readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
/** Every process below `pid`. */
const descendantsOf = (pid: number): number[] => childrenOf(pid).flatMap((child) => [child, ...descendantsOf(child)]);

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function runNpm(args: string[], env: Record<string, string>): { child: ChildProcess; output: () => string } {
  const child = spawn('npm', args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  return { child, output: () => output };
}

/**
 * SIGTERM to the npm process alone (as a process manager or container runtime sends it) must stop what
 * npm started: npm forwards the signal to its child, and with `exec` in the script no `sh` stands between
 * to die of it and leave the child running.
 */
async function terminateOnlyNpm(child: ChildProcess, output: () => string): Promise<number[]> {
  assert.ok(child.pid);
  const started = descendantsOf(child.pid);
  assert.ok(started.length > 0, 'npm started the script');
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await until('npm exited', async () => child.exitCode !== null || child.signalCode !== null, STOP_BOUND_MS).catch(
    (err: Error) => {
      throw new Error(`${err.message}\n${output()}`);
    },
  );
  await exited;
  await until('every process npm started is gone too', () => started.every((pid) => !isAlive(pid)), STOP_BOUND_MS);
  return started;
}

describe('npm scripts leave no orphan on SIGTERM', () => {
  test('npm start: SIGTERM to the npm process stops the gateway gracefully', async () => {
    const port = await freePort();
    const dataDir = tempDir();
    const { child, output } = runNpm(['start'], {
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      API_KEY: 'test_npm_start_key_0123456789',
      LOG_LEVEL: 'info',
      // The suite's second pass (scripts/test.sh) runs the engine in worker threads: they must stop as well.
      ...(process.env.WAGATE_TEST_ENGINE_THREADS !== undefined
        ? { ENGINE_THREADS: process.env.WAGATE_TEST_ENGINE_THREADS }
        : {}),
    });
    let gatewayPid: number | undefined;
    try {
      await until(
        'the gateway answers /health',
        async () => {
          if (child.exitCode !== null) throw new Error(`npm start exited early:\n${output()}`);
          return fetch(`http://127.0.0.1:${port}/health`).then(
            (r) => r.ok,
            () => false,
          );
        },
        30_000,
      );
      gatewayPid = child.pid ? descendantsOf(child.pid).at(-1) : undefined;
      await terminateOnlyNpm(child, output);
      assert.match(output(), /"signal":"SIGTERM"[^\n]*shutting down/, 'the gateway itself got SIGTERM and shut down');
      assert.equal(
        await fetch(`http://127.0.0.1:${port}/health`).then(
          () => 'answering',
          () => 'gone',
        ),
        'gone',
      );
      assert.ok(readFileSync(join(dataDir, 'wagate.sqlite')).length > 0);
    } finally {
      if (gatewayPid !== undefined && isAlive(gatewayPid)) process.kill(gatewayPid, 'SIGKILL');
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });

  test('npm run sim: SIGTERM to the npm process stops the simulator', async () => {
    const { child, output } = runNpm(['run', 'sim', '--', '--port', '0'], {});
    let simPid: number | undefined;
    try {
      await until(
        'the simulator printed its control URL',
        () => {
          if (child.exitCode !== null) throw new Error(`npm run sim exited early:\n${output()}`);
          return /^SIM_CONTROL_URL=/m.test(output());
        },
        30_000,
      );
      const controlUrl = /^SIM_CONTROL_URL=(\S+)$/m.exec(output())?.[1] ?? '';
      assert.equal((await fetch(`${controlUrl}/phones/1/devices`)).status, 404, 'the control API answers');
      simPid = child.pid ? descendantsOf(child.pid).at(-1) : undefined;
      await terminateOnlyNpm(child, output);
      assert.equal(
        await fetch(`${controlUrl}/phones/1/devices`).then(
          () => 'answering',
          () => 'gone',
        ),
        'gone',
      );
    } finally {
      if (simPid !== undefined && isAlive(simPid)) process.kill(simPid, 'SIGKILL');
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });
});
