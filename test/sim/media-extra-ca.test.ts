import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createMediaTlsIdentity } from '../../src/sim/media/media-cert.ts';

/** Runs the probe in a child process with the given extra env; resolves with its exit code and output. */
async function runProbe(
  seed: string,
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  // Start from an environment without the variable, so only `env` decides what the child trusts.
  const { NODE_EXTRA_CA_CERTS: _inherited, ...base } = process.env;
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/sim/support/extra-ca-probe.ts', seed], {
    env: { ...base, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  return { code, stdout, stderr };
}

describe('the no-code trust seam: NODE_EXTRA_CA_CERTS with the seed-derived certificate', () => {
  it('a Baileys process without fetchAgent or dispatcher uploads and downloads media once the PEM is pinned', async () => {
    const seed = 'extra-ca-probe';
    const dir = await mkdtemp(join(tmpdir(), 'sim-media-ca-'));
    try {
      // Pinned from the seed alone: the same PEM the simulator in the child will present.
      const pem = join(dir, 'sim-media.pem');
      await writeFile(pem, createMediaTlsIdentity(seed).certPem);
      const trusted = await runProbe(seed, { NODE_EXTRA_CA_CERTS: pem });
      assert.equal(trusted.code, 0, trusted.stderr);
      assert.equal(trusted.stdout.trim(), 'ok');
      const untrusted = await runProbe(seed, {});
      assert.equal(untrusted.code, 1);
      assert.match(untrusted.stderr, /Media upload failed on all hosts/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
