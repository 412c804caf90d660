import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

/*
 * HTTP benchmarks on a small machine: when the load generator and the server float over the same
 * cores, the scheduler decides how much CPU each side gets, and a server that needs more CPU per
 * request also steals more from the client. Giving each side its own core (what wrk/autocannon
 * guides recommend) makes every server face the same client and measures the server alone.
 */

/** Whether pinning is possible here: `taskset` (util-linux) on PATH and at least two cores. */
export function canPin(): boolean {
  if (availableParallelism() < 2) return false;
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Moves every thread of `pid` to one core (`taskset -a -p -c`). Threads it starts later inherit it. */
export function pinProcess(pid: number, core: number): void {
  execFileSync('taskset', ['-a', '-p', '-c', String(core), String(pid)], { stdio: 'ignore' });
}
