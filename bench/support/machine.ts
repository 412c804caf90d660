import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

/** The machine line every benchmark section starts with. */
export function machineLine(): string {
  const cpuInfo = readFileSync('/proc/cpuinfo', 'utf8');
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuInfo)?.[1]?.trim() ?? cpus()[0]?.model ?? 'unknown CPU';
  const nproc = execFileSync('nproc').toString().trim();
  const gib = (totalmem() / 1024 ** 3).toFixed(1);
  return `${nproc} CPUs (nproc), ${gib} GiB RAM, ${model}, Node ${process.version}`;
}

/** `date -u` at the time of the run. */
export function runDate(): string {
  return execFileSync('date', ['-u']).toString().trim();
}
